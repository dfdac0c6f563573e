"""List answers whose envelopes go past a flat meta object: paging fields nested
(``meta: {pagination: {total}}``) filled from the page, and required fields that
say nothing about paging (a ``status``, a ``links`` object) filled with values
their schemas accept; every answer validated against the spec."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import minimal, read_model
from tests.thirdparty.infer_specs import answer, json_body, query, ref, write

RULES = settings(max_examples=20, derandomize=True, deadline=None)
INT = {"type": "integer"}
ENVELOPE = {
    "type": "object",
    "required": ["data", "status", "links", "meta"],
    "properties": {
        "status": {"type": "string", "minLength": 2},
        "links": {
            "type": "object",
            "required": ["self"],
            "properties": {
                "self": {"type": "string"},
                "next": {"type": "string", "format": "uri", "nullable": True},
            },
        },
        "meta": {
            "type": "object",
            "required": ["pagination"],
            "properties": {
                "pagination": {
                    "type": "object",
                    "required": ["total", "current_page", "per_page"],
                    "properties": {"total": INT, "current_page": INT, "per_page": INT},
                },
                "requestId": {"type": "string"},
            },
        },
        "data": {"type": "array", "items": ref("Thing")},
        "summary": {"type": "object", "properties": {"count": INT}},
    },
}


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "list",
                    "parameters": [query("page", INT), query("per_page", INT)],
                    "responses": answer(ENVELOPE),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Thing")),
                    "responses": answer(ref("Thing"), "201"),
                },
            },
            "/things/{id}": {"get": {"operationId": "one", "responses": answer(ref("Thing"))}},
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                }
            }
        },
    }


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    file = write(tmp_path_factory.mktemp("envelopes"), spec(), "envelopes")
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=4))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        for number in range(7):
            test_client.post("/things", json={"name": f"n{number}"})
        yield test_client


@RULES
@given(page=st.integers(1, 6), per_page=st.integers(1, 9))
def test_nested_paging_fields_are_filled_from_the_page(
    client: TestClient, page: int, per_page: int
) -> None:
    listed = client.get("/things", params={"page": page, "per_page": per_page})
    assert listed.status_code == 200, listed.text  # valid against the spec, too
    body = listed.json()
    total = client.get("/things", params={"per_page": 100}).json()["meta"]["pagination"]["total"]
    assert body["meta"]["pagination"] == {
        "total": total, "current_page": page, "per_page": per_page
    }  # fmt: skip
    assert body["summary"] == {"count": total}
    assert len(body["data"]) == max(0, min(per_page, total - (page - 1) * per_page))


def test_required_fields_that_do_not_page_hold_valid_values(client: TestClient) -> None:
    body = client.get("/things").json()
    assert len(body["status"]) >= 2 and isinstance(body["links"]["self"], str)
    assert body["links"].get("next") is None  # a next page's URL: none to give


MINIMAL_CASES: list[tuple[dict[str, Any], Any]] = [
    ({"type": "string", "minLength": 3}, "xxx"),
    ({"type": "string", "format": "date-time"}, "1970-01-01T00:00:00Z"),
    ({"type": "integer", "minimum": 5}, 5),
    ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, 1),
    ({"type": "boolean"}, False),
    ({"type": "array", "items": INT, "minItems": 2}, [0, 0]),
    ({"type": "string", "enum": ["ok", "error"]}, "ok"),
    ({"type": "string", "nullable": True}, None),
    ({"type": "object", "required": ["a"], "properties": {"a": INT, "b": INT}}, {"a": 0}),
]


@pytest.mark.parametrize(("schema", "expected"), MINIMAL_CASES)
def test_minimal_values(schema: dict[str, Any], expected: Any) -> None:
    assert minimal({}, schema) == expected


def test_the_model_reads_nested_fields_where_they_sit() -> None:
    envelope = read_model(spec()).collections["/things"].envelope
    assert envelope is not None and envelope.meta == "meta"
    inner = {(f.within, f.name, f.role) for f in envelope.inner}
    assert ((("pagination",), "total", "total")) in inner
    top = {(f.within, f.name, f.role) for f in envelope.top}
    assert ((), "status", "fixed") in top and (("summary",), "count", "total") in top
