"""Imported before connexion: its import of starlette's TestClient raises an
httpx deprecation notice that means nothing to users of the mock."""

import warnings

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
