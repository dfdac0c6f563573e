"""Fixtures shared by the whole suite: a fresh app per test and a checked client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from connexion import AsyncApp
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.oapi import CheckedClient


@pytest.fixture
def settings() -> Settings:
    return Settings(validate_responses=True)


@pytest.fixture
def app(settings: Settings) -> AsyncApp:
    return create_app(settings)


@pytest.fixture
def client(app: AsyncApp) -> Iterator[CheckedClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield CheckedClient(test_client)
