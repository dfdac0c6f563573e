"""Fixtures shared by the whole suite.

One app serves a whole test module; tests isolate themselves under a tenant
of their own (the mock provisions any tenant on first use), as users do.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator

import pytest
from connexion import AsyncApp
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.oapi import CheckedClient

_tenants = itertools.count(1)
# No hypothesis deadline: tests never assert wall-clock time (speed is `make bench`'s), and a
# deadline turns a busy CI machine into failures of rules that hold.
hypothesis_settings.register_profile("servicestub", deadline=None)
hypothesis_settings.load_profile("servicestub")
# The people pools are cached between runs (seed/people.py): not in the user's home.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="servicestub-test-cache-"))


@pytest.fixture(scope="module")
def app() -> AsyncApp:
    return create_app(Settings(validate_responses=True))


@pytest.fixture(scope="module")
def module_client(app: AsyncApp) -> Iterator[CheckedClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield CheckedClient(test_client)


@pytest.fixture
def client(module_client: CheckedClient) -> CheckedClient:
    return module_client


@pytest.fixture
def tenant() -> str:
    """A tenant id no other test uses."""
    return f"t{next(_tenants)}"
