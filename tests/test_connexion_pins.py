"""connexion is pinned to the minor version whose internals servicestub.app.pins
lists: a different one fails here, naming what to re-check."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.app import operations, pins

ROOT = Path(__file__).parents[1]


def test_the_installed_connexion_is_the_tested_minor() -> None:
    assert pins.installed() == pins.TESTED, (
        f"connexion {pins.installed()} is installed, servicestub was tested with "
        f"{pins.TESTED}; re-check each of servicestub.app.pins.INTERNALS:\n"
        + "\n".join(f"- {i.module}:{i.qualname} ({i.used_by}): {i.recheck}" for i in pins.INTERNALS)
    )


def test_every_internal_relied_on_is_still_there() -> None:
    assert [f"{i.module}:{i.qualname}: {i.recheck}" for i in pins.missing()] == []


def test_pyproject_bounds_connexion_to_the_tested_minor() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    [requirement] = [
        Requirement(text)
        for text in project["dependencies"]
        if Requirement(text).name == "connexion"
    ]
    major, minor = pins.TESTED
    assert Version(f"{major}.{minor}.0") in requirement.specifier
    assert Version(f"{major}.{minor + 1}.0") not in requirement.specifier
    assert Version(f"{major}.{minor - 1}.99") not in requirement.specifier


def test_the_api_cls_hook_builds_our_operations() -> None:
    """``AsyncApp.__init__`` runs whole and the APIs are still built as ours: each
    operation decorated once (the same handler object on every request)."""
    app = create_app(Settings())
    with TestClient(app) as client:
        assert client.get("/_mock/health").status_code == 200
        apis = [api for group in app._middleware_app.apis.values() for api in group]
        assert apis and all(isinstance(api, operations._Api) for api in apis)
        operation = next(iter(apis[0].operations.values()))
        assert isinstance(operation, operations.CompilableOperation)
        assert operation.fn is operation.fn


def test_name_conversion_caches_are_bounded() -> None:
    """Every query parameter name a client sends is converted; the memo of those
    names stays within its bound however many distinct names arrive."""
    for cache in (operations._pythonic, operations._sanitized):
        cache.cache_clear()
        for number in range(operations.NAME_CACHE_SIZE + 50):
            cache(f"someParameter{number}")
        assert cache.cache_info().currsize <= operations.NAME_CACHE_SIZE
