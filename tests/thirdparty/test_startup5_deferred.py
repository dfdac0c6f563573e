"""Start-up of big third-party specs (#14 point 7): a collection's seeded records are
drawn and checked on its first request, not at start-up, where drawing every
collection of a spec of a few hundred paths cost tens of seconds.

No timings: each test counts the draws (``fabricate_records`` calls) a start and
each request make."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings
from servicestub.engine import dispatch
from tests.thirdparty.answers_support import check, spec

NAMES = ("apples", "pears", "plums")
ITEM = {
    "type": "object",
    "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
}


def _answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def collection(name: str, item: dict[str, Any], scope: tuple[str, ...] = ()) -> dict[str, Any]:
    """The paths of a collection ``name`` (list, create; read, delete) of ``item``s,
    under the path parameters ``scope``."""
    prefix = "".join(f"/{p}s/{{{p}}}" for p in scope)
    scoped = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in scope
    ]
    item_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        f"{prefix}/{name}": {
            "parameters": scoped,
            "get": {
                "operationId": f"list_{name}",
                "responses": _answer({"type": "array", "items": item}),
            },
            "post": {
                "operationId": f"create_{name}",
                "requestBody": {"content": {"application/json": {"schema": item}}},
                "responses": _answer(item, "201"),
            },
        },
        f"{prefix}/{name}/{{id}}": {
            "parameters": [*scoped, item_param],
            "get": {"operationId": f"get_{name}", "responses": _answer(item)},
            "delete": {"operationId": f"delete_{name}", "responses": {"204": {"description": "x"}}},
        },
    }


def serve(tmp_path: Path, document: dict[str, Any]) -> TestClient:
    file = tmp_path / f"spec-{len(list(tmp_path.iterdir()))}.json"
    file.write_text(json.dumps(document))
    return TestClient(create_app(Settings(specs=((file, None),), validate_responses=True)))


class Draws:
    """The collections (API, path, scope) whose seeded records were drawn, in order."""

    def __init__(self) -> None:
        self.made: list[tuple[str, tuple[str, ...]]] = []

    def paths(self) -> list[str]:
        return [path for path, _scope in self.made]


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Draws]:
    found = Draws()
    real = dispatch.fabricate_records

    def spy(model: Any, schema: Any, seed: int, scope: list[str], *args: Any, **kw: Any) -> Any:
        found.made.append((model.path, tuple(scope)))
        return real(model, schema, seed, scope, *args, **kw)

    monkeypatch.setattr(dispatch, "fabricate_records", spy)
    yield found


FRUIT = spec({path: item for name in NAMES for path, item in collection(name, ITEM).items()})


def test_a_start_draws_no_record_of_a_third_party_spec(tmp_path: Path, draws: Draws) -> None:
    with serve(tmp_path, FRUIT) as client:
        assert draws.made == []
        assert client.get("/pears").status_code == 200
        assert draws.paths() == ["/pears"]  # the one collection asked, drawn once
        listed = client.get("/pears")
        assert listed.status_code == 200
        assert len(listed.json()) == dispatch.DEFAULT_SEED_COUNT
        assert draws.paths() == ["/pears"]


@settings(
    derandomize=True,
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(asked=st.lists(st.sampled_from(NAMES), max_size=6))
def test_only_the_collections_asked_are_drawn_each_once(
    tmp_path: Path, draws: Draws, asked: list[str]
) -> None:
    draws.made.clear()
    with serve(tmp_path, FRUIT) as client:
        for name in asked:
            assert client.get(f"/{name}").status_code == 200
    assert sorted(draws.paths()) == sorted({f"/{name}" for name in asked})


def test_a_child_draws_its_parent_when_first_asked(tmp_path: Path, draws: Draws) -> None:
    document = spec({**collection("shops", ITEM), **collection("fruits", ITEM, ("shop",))})
    document["paths"]["/shops/{shop}/fruits"] = document["paths"].pop("/shops/{shop}/fruits")
    with serve(tmp_path, document) as client:
        assert draws.made == []
        shop = client.get("/shops").json()[0]["id"]
        assert client.get(f"/shops/{shop}/fruits").status_code == 200
        assert client.get("/shops/no-such-shop/fruits").status_code == 404
    assert set(draws.paths()) == {"/shops", "/shops/{shop}/fruits"}


def test_a_collection_that_cannot_be_seeded_is_answered_from_the_spec_on_first_use(
    tmp_path: Path,
) -> None:
    document = spec({**collection("things", ITEM), **collection("others", ITEM)})
    # A seed count that is none: the check at first use refuses it, as one at start did.
    document["paths"]["/things"]["get"][dispatch.SEED_COUNT_EXTENSION] = "many"
    client = serve(tmp_path, document)
    runtime = client.app.runtime  # type: ignore[attr-defined]
    assert runtime.parts["spec-0"].stateful == 8  # not known before a request
    with client:
        for path in ("/things", "/things/abc", "/others"):
            answer = client.get(path)
            assert answer.status_code == 200, answer.text
            check(document, answer)
        created = client.post("/things", json={"code": "x"})
        assert created.status_code < 500, created.text
    parts = runtime.decided("spec-0")
    assert (parts.stateful, parts.answered) == (4, 4)
    assert set(parts.unserved) == {
        f"spec-0.{a}_things" for a in ("list", "create", "get", "delete")
    }
    assert all("write a whole number" in why for why in parts.unserved.values())
