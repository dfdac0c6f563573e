"""servicestub: a stateful mock and contract-test server for the Service Orders
API and the Services API v4."""

import warnings

# connexion imports starlette's TestClient at start-up; its httpx deprecation
# notice means nothing to users of the mock.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from servicestub.app import create_app  # noqa: E402
from servicestub.settings import Settings  # noqa: E402

__all__ = ["Settings", "__version__", "create_app"]
__version__ = "0.1.0"
