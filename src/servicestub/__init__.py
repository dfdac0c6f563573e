"""servicestub: a stateful mock and contract-test server for the Service Orders
API and the Services API v4.

``create_app`` is imported on first use: the pytest plugin loads this package in
every test run of an environment, and should not pull in connexion until a
fixture actually needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from servicestub.core.settings import Settings

if TYPE_CHECKING:
    from servicestub.app import create_app

__all__ = ["Settings", "__version__", "create_app"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "create_app":
        import servicestub._quiet  # noqa: F401 - before connexion
        from servicestub.app import create_app

        return create_app
    raise AttributeError(f"module 'servicestub' has no attribute {name!r}")
