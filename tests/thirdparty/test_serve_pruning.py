"""A part of a spec that cannot be served is dropped with its reason; the rest serves."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.specs.pruning import prune
from tests.thirdparty.serve_specs import collection_spec, write

OK = {"200": {"description": "ok"}}
BROKEN: dict[str, tuple[dict[str, Any], str]] = {
    "dangling $ref": (
        {
            "get": {
                "responses": {
                    "200": {
                        "description": "x",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/No"}}
                        },
                    }
                }
            }
        },
        "#/components/schemas/No names nothing",
    ),
    "external $ref": (
        {"get": {"responses": {"200": {"$ref": "other.yaml#/Ok"}}}},
        "outside the file",
    ),
    "invalid pattern": (
        {
            "get": {
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "pattern": "(["}}
                ],
                "responses": OK,
            }
        },
        "parameters/0 is not valid OpenAPI 3.0",
    ),
    "parameter without schema": (
        {"get": {"parameters": [{"name": "q", "in": "query"}], "responses": OK}},
        "parameters/0 is not valid OpenAPI 3.0",
    ),
    "unknown style": (
        {
            "get": {
                "parameters": [
                    {"name": "q", "in": "query", "style": "weird", "schema": {"type": "string"}}
                ],
                "responses": OK,
            }
        },
        "parameters/0 is not valid OpenAPI 3.0",
    ),
    "shared parameter without schema": (
        {"parameters": [{"name": "q", "in": "query"}], "get": {"responses": OK}},
        "parameters/0 is not valid OpenAPI 3.0",
    ),
    # Methods the mock does not serve (Azure's *_GetEntityTag are HEADs): connexion
    # wanted a handler for each and the whole spec failed to start.
    **{
        f"{method} operation": (
            {method: {"operationId": f"{method}Thing", "responses": OK}},
            f"{method.upper()} operations are not served",
        )
        for method in ("head", "options", "trace")
    },
    "broken component": (
        {
            "post": {
                "requestBody": {"$ref": "#/components/requestBodies/Bad"},
                "responses": OK,
            }
        },
        "it uses #/components/requestBodies/Bad",
    ),
}


def _with_broken(part: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(collection_spec())
    document["paths"]["/broken"] = copy.deepcopy(part)
    document["components"]["requestBodies"] = {"Bad": {"content": "not a mapping"}}
    return document


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_broken_operation_is_dropped_with_its_reason(case: str) -> None:
    part, reason = BROKEN[case]
    document = _with_broken(part)
    dropped = prune(document)
    assert [(d.path, reason in d.reason) for d in dropped] == [("/broken", True)], dropped
    assert "/broken" not in document["paths"]
    assert set(document["paths"]) == {"/things", "/things/{thingId}"}


def test_a_recursive_schema_is_not_a_flaw() -> None:
    document = copy.deepcopy(collection_spec())
    document["components"]["schemas"]["Things"]["properties"]["parent"] = {
        "$ref": "#/components/schemas/Things"
    }
    assert prune(document) == ()


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_rest_of_the_spec_serves(tmp_path: Path, case: str) -> None:
    spec = write(tmp_path / "things.yaml", _with_broken(BROKEN[case][0]))
    app = create_app(Settings(specs=((spec, "/t"),), validate_responses=True))
    parts = app.runtime.parts["things"]
    assert parts.stateful == 4 and [d.path for d in parts.dropped] == ["/broken"]
    with TestClient(app) as client:
        assert client.post("/t/things", json={"name": "n"}).status_code == 201
        assert client.get("/t/things").status_code == 200
        assert client.get("/t/broken").status_code == 404
