"""An OpenAPI 3.1 spec is served (as its 3.0 equivalent, specs/openapi31.py): its
collections round-trip, what has no 3.0 meaning drops only the operations that reach it
(with the reason), and only a spec of which nothing can be served is refused."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.specs.loading import SpecRefused
from tests.thirdparty.serve_specs import write

PET = "#/components/schemas/Pet"


def _json(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def pets_31() -> dict[str, Any]:
    """A 3.1 collection ``/pets`` whose schemas use 3.1's forms."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "summary": "3.1 only", "version": "1"},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "webhooks": {"newPet": {"post": {"requestBody": {"content": _json({"$ref": PET})}}}},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": _json({"type": "array", "items": {"$ref": PET}}),
                        }
                    },
                },
                "post": {
                    "operationId": "createPet",
                    "requestBody": {"required": True, "content": _json({"$ref": PET})},
                    "responses": {"201": {"description": "made", "content": _json({"$ref": PET})}},
                },
            },
            "/pets/{petId}": {"$ref": "#/components/pathItems/OnePet"},
        },
        "components": {
            "pathItems": {
                "OnePet": {
                    "parameters": [
                        {
                            "name": "petId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "get": {
                        "operationId": "getPet",
                        "responses": {
                            "200": {"description": "ok", "content": _json({"$ref": PET})},
                            "404": {"description": "none"},
                        },
                    },
                    "delete": {
                        "operationId": "deletePet",
                        "responses": {"204": {"description": "gone"}},
                    },
                }
            },
            "schemas": {
                "Pet": {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "type": "object",
                    "required": ["name", "kind"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "readOnly": True},
                        "name": {"type": "string", "minLength": 1, "examples": ["Rex"]},
                        "kind": {"const": "dog"},
                        "age": {"type": ["integer", "null"], "exclusiveMinimum": 0},
                        "tag": {"$ref": "#/components/schemas/Pet/$defs/Tag", "description": "x"},
                    },
                    "$defs": {"Tag": {"type": ["string", "null"], "maxLength": 8}},
                }
            },
        },
    }


def _app(tmp_path: Path, document: dict[str, Any]) -> Any:
    spec = write(tmp_path / "pets.yaml", document)
    return create_app(Settings(specs=((spec, "/p"),), validate_responses=True))


def test_a_31_collection_round_trips(tmp_path: Path) -> None:
    app = _app(tmp_path, pets_31())
    assert app.runtime.parts["pets"].dropped == ()
    with TestClient(app) as client:
        made = client.post("/p/pets", json={"name": "Rex", "kind": "dog", "age": None, "tag": "a"})
        assert made.status_code == 201, made.text
        pet = made.json()
        assert client.get(f"/p/pets/{pet['id']}").json() == pet
        assert pet in client.get("/p/pets").json()
        assert client.delete(f"/p/pets/{pet['id']}").status_code == 204
        assert client.get(f"/p/pets/{pet['id']}").status_code == 404
        assert client.get("/p/openapi.json").json()["openapi"] == "3.0.3"  # what is served


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Rex", "kind": "cat"}, "kind"),  # const
        ({"name": "Rex", "kind": "dog", "age": 0}, "age"),  # numeric exclusiveMinimum
        ({"name": "Rex", "kind": "dog", "age": "old"}, "age"),  # type [integer, null]
        ({"name": "Rex", "kind": "dog", "tag": "x" * 9}, "tag"),  # the lifted $defs
    ],
)
def test_a_31_constraint_still_holds(tmp_path: Path, body: dict[str, Any], field: str) -> None:
    with TestClient(_app(tmp_path, pets_31())) as client:
        answer = client.post("/p/pets", json=body)
        assert answer.status_code == 400 and field in answer.json()["detail"], answer.text


def test_what_has_no_30_meaning_drops_only_what_reaches_it(tmp_path: Path) -> None:
    document = pets_31()
    document["paths"]["/pairs"] = {
        "post": {
            "operationId": "pair",
            "requestBody": {"content": _json({"$ref": "#/components/schemas/Pair"})},
            "responses": {"200": {"description": "ok"}},
        }
    }
    document["components"]["schemas"]["Pair"] = {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
    }
    app = _app(tmp_path, document)
    [dropped] = app.runtime.parts["pets"].dropped
    assert (dropped.method, dropped.path) == ("post", "/pairs")
    assert "#/components/schemas/Pair" in dropped.reason and "prefixItems" in dropped.reason
    with TestClient(app) as client:
        assert client.post("/p/pets", json={"name": "Rex", "kind": "dog"}).status_code == 201
        assert client.post("/p/pairs", json=["a", 1]).status_code in (404, 405)


def test_an_inline_schema_with_no_30_meaning_drops_its_operation(tmp_path: Path) -> None:
    document = pets_31()
    post = document["paths"]["/pets"]["post"]
    post["parameters"] = [
        {
            "name": "q",
            "in": "query",
            "schema": {"type": "string", "if": {"minLength": 1}, "then": {"maxLength": 3}},
        }
    ]
    app = _app(tmp_path, document)
    [dropped] = app.runtime.parts["pets"].dropped
    assert (dropped.method, dropped.path) == ("post", "/pets")
    assert "parameters/0/schema uses 'if'" in dropped.reason


def test_a_31_spec_nothing_of_which_can_be_served_is_refused(tmp_path: Path) -> None:
    document = copy.deepcopy(pets_31())
    document["components"]["schemas"]["Pet"]["unevaluatedProperties"] = False
    # a path item's shared parameter: every operation of the path (DELETE reaches no Pet)
    document["components"]["pathItems"]["OnePet"]["parameters"][0]["schema"]["prefixItems"] = []
    with pytest.raises(SpecRefused, match=r"no operation of the spec can be served.*unevaluated"):
        _app(tmp_path, document)
