"""What is a collection, its id and its actions (round 5): a GET on a collection path
that answers no list never reaches the engine's list; ``{project}`` of ``/projects``
keys projects by their ``name`` (AWS); a record property named like a scope parameter
but shaped otherwise (an ARN beside the name in the path) is not filled from the path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import read_model
from tests.thirdparty.infer_specs import answer, json_body, write


def record(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        found["required"] = list(required)
    return found


def param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def client(tmp_path: Path, document: dict[str, Any]) -> TestClient:
    app = create_app(Settings(specs=((write(tmp_path, document), None),), validate_responses=True))
    return TestClient(app, raise_server_exceptions=False)


#: What a collection path's GET may answer that is no list of records.
NOT_LISTS = {
    "one object": record(id={"type": "string"}, label={"type": "string"}),
    "strings": {"type": "array", "items": {"type": "string"}},
    "either": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "integer"},
        ]
    },
}


def not_listed(listed: dict[str, Any]) -> dict[str, Any]:
    thing = record(id={"type": "string", "readOnly": True}, label={"type": "string"})
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {"operationId": "odd", "responses": answer(listed)},
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(thing),
                    "responses": answer(thing, "201"),
                },
            },
            "/things/{thingId}": {
                "parameters": [param("thingId")],
                "get": {"operationId": "one", "responses": answer(thing)},
                "delete": {"operationId": "drop", "responses": {"204": {"description": "gone"}}},
            },
        },
    }


@pytest.mark.parametrize("shape", sorted(NOT_LISTS))
def test_a_get_answering_no_list_is_not_the_engines_list(tmp_path: Path, shape: str) -> None:
    """Ably's ``GET /push/deviceRegistrations`` answers one device, Magento's
    ``/V1/customerGroups/default`` one group: they answered 500 ("has no list operation")."""
    document = not_listed(NOT_LISTS[shape])
    model = read_model(document).collections["/things"]
    assert "list" not in model.operations
    assert model.listing is None
    with client(tmp_path, document) as http:
        got = http.get("/things")
        assert got.status_code == 200, got.text
        made = http.post("/things", json={"label": "x"})
        assert made.status_code == 201, made.text
        assert http.get(f"/things/{made.json()['id']}").json()["label"] == "x"


def named(noun: str, plural: str, key: str, **more: Any) -> dict[str, Any]:
    """``/{plural}`` of records named by ``key`` (no id), read at ``/{plural}/{noun}``,
    answered in a one-property wrapper as AWS does (``{"project": {...}}``), with
    children whose ``{noun}`` property is an ARN, not the name in the path."""
    item = record(
        ("arn", key), arn={"type": "string", "readOnly": True}, **{key: {"type": "string"}}, **more
    )
    arn = {"type": "string", "pattern": f"^arn:[^:]*:{noun}/.*$", "readOnly": True}
    child = record(("name", noun), name={"type": "string"}, **{noun: arn}, **more)
    wrapped = record((noun,), **{noun: item})
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            f"/{plural}": {
                "get": {
                    "operationId": "list",
                    "responses": answer(record(**{plural: {"type": "array", "items": item}})),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(record((key,), **{key: {"type": "string"}})),
                    "responses": answer(wrapped),
                },
            },
            f"/{plural}/{{{noun}}}": {
                "parameters": [param(noun)],
                "get": {"operationId": "one", "responses": answer(wrapped)},
                "delete": {"operationId": "drop", "responses": answer(record())},
            },
            f"/{plural}/{{{noun}}}/kids": {
                "parameters": [param(noun)],
                "get": {
                    "operationId": "kids",
                    "responses": answer(record(kids={"type": "array", "items": child})),
                },
                "post": {
                    "operationId": "bear",
                    "requestBody": json_body(record(("name",), name={"type": "string"})),
                    "responses": answer(record(("kid",), kid=child)),
                },
            },
            f"/{plural}/{{{noun}}}/kids/{{kid}}": {
                "parameters": [param(noun), param("kid")],
                "get": {"operationId": "kid", "responses": answer(record(("kid",), kid=child))},
            },
        },
    }


@pytest.mark.parametrize(
    ("noun", "plural", "key"),
    [
        ("project", "projects", "name"),
        ("launch", "launches", "name"),
        ("policy", "policies", "key"),
    ],
)
def test_a_parameter_naming_the_noun_keys_records_by_their_name(
    tmp_path: Path, noun: str, plural: str, key: str
) -> None:
    """AWS's ``/projects/{project}``: skipped before ("no property ... named like its
    item path parameter"), so a create answered a made-up project never stored."""
    document = named(noun, plural, key)
    model = read_model(document)
    assert model.collections[f"/{plural}"].id_field == key
    assert noun not in model.collections[f"/{plural}/{{{noun}}}/kids"].scope_fields
    with client(tmp_path, document) as http:
        made = http.post(f"/{plural}", json={key: "alpha"})
        assert made.status_code in (200, 201), made.text
        assert made.json()[noun][key] == "alpha"
        assert http.get(f"/{plural}/alpha").json()[noun][key] == "alpha"
        listed = [r[key] for r in http.get(f"/{plural}").json()[plural]]
        assert "alpha" in listed
        child = http.post(f"/{plural}/alpha/kids", json={"name": "kid"})
        assert child.status_code in (200, 201), child.text
        assert child.json()["kid"][noun].startswith("arn:")
        assert http.delete(f"/{plural}/alpha").status_code == 200
        assert http.get(f"/{plural}/alpha").status_code == 404


def test_a_field_shaped_unlike_its_scope_parameter_is_not_filled_from_the_path(
    tmp_path: Path,
) -> None:
    """AWS's experiment ``project`` is the project's ARN, ``{project}`` its name: the
    create stored the name there and answered a body its own schema refuses."""
    document = named("project", "projects", "name", id={"type": "string", "readOnly": True})
    model = read_model(document)
    assert model.collections["/projects"].id_field == "id"
    assert model.collections["/projects/{project}/kids"].scope_fields == {}
    with client(tmp_path, document) as http:
        made = http.post("/projects", json={"name": "alpha"}).json()["project"]
        child = http.post(f"/projects/{made['id']}/kids", json={"name": "kid"})
        assert child.status_code in (200, 201), child.text
        assert child.json()["kid"]["project"].startswith("arn:")
