"""What the engine stores and answers for a spec's collection meets the answer
schemas the spec documents: the server's required fields filled (in nested
objects too) at create and kept on update, the documented status and media type,
a wrapped write body read as the record (responses validated by the app and here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.core.json_schema import components_of, draft4

JsonObject = dict[str, Any]

#: The server's fields a thing's answer requires and no write body holds.
SERVER_FIELDS: JsonObject = {
    "arn": {"type": "string", "pattern": "^arn:[a-z]+:[0-9]{4}$"},
    "status": {"type": "string", "enum": ["ACTIVE", "DELETING"]},
    "version": {"type": "integer", "minimum": 1},
    "config": {
        "type": "object",
        "required": ["kmsKeyId", "rotation"],
        "properties": {
            "kmsKeyId": {"type": "string"},
            "rotation": {
                "type": "object",
                "required": ["days"],
                "properties": {"days": {"type": "integer"}},
            },
        },
    },
    "owners": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["login"],
            "properties": {"login": {"type": "string"}},
        },
    },
}


def _json(schema: JsonObject) -> JsonObject:
    return {"content": {"application/json": {"schema": schema}}}


def _response(schema: JsonObject, description: str = "ok") -> JsonObject:
    return {"description": description, **_json(schema)}


def spec(
    required: list[str],
    *,
    create_answer: JsonObject | None = None,
    item_paths: JsonObject | None = None,
    list_answer: JsonObject | None = None,
    body: JsonObject | None = None,
) -> JsonObject:
    """A collection ``/things`` whose answers require ``name`` and ``required``
    (names of :data:`SERVER_FIELDS`); the rest overridable per test."""
    thing = {
        "type": "object",
        "required": ["thingId", "name", *required],
        "properties": {
            "thingId": {"type": "string", "format": "uuid", "readOnly": True},
            "name": {"type": "string"},
            "size": {"type": "integer"},
            "config": SERVER_FIELDS["config"],
            **{name: SERVER_FIELDS[name] for name in required},
        },
    }
    ref = {"$ref": "#/components/schemas/Thing"}
    write_body = body or {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "size": {"type": "integer"},
            "config": {"type": "object", "properties": {"kmsKeyId": {"type": "string"}}},
        },
    }
    item_paths = item_paths or {
        "get": {"responses": {"200": _response(ref)}},
        "put": {
            "requestBody": {"required": True, **_json(write_body)},
            "responses": {"200": _response(ref)},
        },
        "delete": {"responses": {"204": {"description": "gone"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1"},
        "servers": [{"url": "/api"}],
        "paths": {
            "/things": {
                "get": {
                    "responses": {"200": _response(list_answer or {"type": "array", "items": ref})}
                },
                "post": {
                    "requestBody": {"required": True, **_json(write_body)},
                    "responses": {"201": _response(create_answer or ref)},
                },
            },
            "/things/{thingId}": {
                "parameters": [
                    {
                        "name": "thingId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                **item_paths,
            },
        },
        "components": {"schemas": {"Thing": thing}},
    }


def serve(tmp_path: Path, document: JsonObject) -> TestClient:
    file = tmp_path / "things.json"
    file.write_text(json.dumps(document))
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=3))
    return TestClient(app, raise_server_exceptions=False)


def valid(document: JsonObject, schema: JsonObject, value: Any) -> list[str]:
    """The errors of ``value`` against ``schema`` of ``document`` (none: valid)."""
    validator = draft4(schema, components_of(document))
    assert validator is not None
    return [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(value)]


THING = {"$ref": "#/components/schemas/Thing"}


@pytest.fixture
def things(tmp_path: Path) -> Iterator[tuple[TestClient, JsonObject]]:
    document = spec(list(SERVER_FIELDS))
    with serve(tmp_path, document) as client:
        yield client, document


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(required=st.lists(st.sampled_from(sorted(SERVER_FIELDS)), unique=True, min_size=1))
def test_a_create_answers_every_field_its_answer_requires(
    tmp_path_factory: pytest.TempPathFactory, required: list[str]
) -> None:
    document = spec(required)
    with serve(tmp_path_factory.mktemp("records"), document) as client:
        made = client.post("/api/things", json={"name": "Rex", "config": {"kmsKeyId": "k-1"}})
        assert made.status_code == 201, made.text
        thing = made.json()
        assert valid(document, THING, thing) == []
        assert thing["name"] == "Rex" and thing["config"]["kmsKeyId"] == "k-1"  # as written
        read = client.get(f"/api/things/{thing['thingId']}")
        assert read.status_code == 200, read.text
        assert read.json() == thing
        listed = client.get("/api/things").json()
        assert thing in listed
        assert all(valid(document, THING, record) == [] for record in listed)  # seeded too


def test_an_update_keeps_the_servers_fields_and_completes_what_it_requires(
    things: tuple[TestClient, JsonObject],
) -> None:
    client, document = things
    thing = client.post("/api/things", json={"name": "Rex"}).json()
    replaced = client.put(f"/api/things/{thing['thingId']}", json={"name": "Max", "size": 2})
    assert replaced.status_code == 200, replaced.text
    after = replaced.json()
    assert valid(document, THING, after) == []
    assert after["name"] == "Max" and after["size"] == 2
    assert {k: after[k] for k in ("arn", "status", "version")} == {
        k: thing[k] for k in ("arn", "status", "version")
    }
    assert client.get(f"/api/things/{thing['thingId']}").json() == after


def test_the_record_meets_both_the_create_answer_and_the_item_answer(tmp_path: Path) -> None:
    created = {
        "type": "object",
        "required": ["thingId", "token", "name"],
        "properties": {
            "thingId": {"type": "string"},
            "name": {"type": "string"},
            "token": {"type": "string", "minLength": 8},
        },
    }
    document = spec(["arn", "status"], create_answer=created)
    with serve(tmp_path, document) as client:
        made = client.post("/api/things", json={"name": "Rex"})
        assert made.status_code == 201, made.text
        assert valid(document, created, made.json()) == []
        read = client.get(f"/api/things/{made.json()['thingId']}")
        assert read.status_code == 200, read.text
        assert valid(document, THING, read.json()) == []
        assert read.json()["token"] == made.json()["token"]  # one record, both answers


def test_a_write_body_wrapping_the_record_is_read_as_the_record(tmp_path: Path) -> None:
    inner = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
    }
    body = {"type": "object", "required": ["thing"], "properties": {"thing": inner}}
    document = spec([], body=body)
    with serve(tmp_path, document) as client:
        made = client.post("/api/things", json={"thing": {"name": "Rex", "size": 3}})
        assert made.status_code == 201, made.text
        assert made.json()["name"] == "Rex" and made.json()["size"] == 3
        uid = made.json()["thingId"]
        client.put(f"/api/things/{uid}", json={"thing": {"name": "Max"}})
        assert client.get(f"/api/things/{uid}").json()["name"] == "Max"


def test_answers_take_the_documented_status_and_media_type(tmp_path: Path) -> None:
    item = {
        "get": {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/xml": {"schema": THING},
                        "application/json": {"schema": THING},
                    },
                }
            }
        },
        "put": {
            "requestBody": {"required": True, **_json({"type": "object"})},
            "responses": {"201": _response(THING)},  # the update documents only 201
        },
        "delete": {  # several media types, the answer a text
            "responses": {
                "200": {
                    "description": "gone",
                    "content": {
                        "text/plain": {"schema": {"type": "string"}},
                        "text/html": {"schema": {"type": "string"}},
                    },
                }
            }
        },
    }
    document = spec([], item_paths=item)
    with serve(tmp_path, document) as client:
        uid = client.post("/api/things", json={"name": "Rex"}).json()["thingId"]
        read = client.get(f"/api/things/{uid}")
        assert read.status_code == 200, read.text
        assert read.headers["content-type"].startswith("application/json")
        updated = client.put(f"/api/things/{uid}", json={"name": "Max"})
        assert updated.status_code == 201, updated.text
        gone = client.delete(f"/api/things/{uid}")
        assert gone.status_code == 200, gone.text
        assert gone.headers["content-type"].startswith("text/plain")
        assert client.get(f"/api/things/{uid}").status_code == 404


def test_an_answer_that_is_the_id_alone_answers_the_new_id(tmp_path: Path) -> None:
    document = spec([], create_answer={"type": "string", "format": "uuid"})
    with serve(tmp_path, document) as client:
        made = client.post("/api/things", json={"name": "Rex"})
        assert made.status_code == 201, made.text
        uid = made.json()
        assert isinstance(uid, str)
        assert client.get(f"/api/things/{uid}").json()["name"] == "Rex"


def test_a_list_envelope_has_the_fields_its_schema_requires(tmp_path: Path) -> None:
    criteria = {
        "type": "object",
        "required": ["filter_groups"],
        "properties": {"filter_groups": {"type": "array", "items": {"type": "string"}}},
    }
    listed = {
        "type": "object",
        "required": ["items", "search_criteria", "total_count"],
        "properties": {
            "items": {"type": "array", "items": THING},
            "search_criteria": criteria,
            "total_count": {"type": "integer"},
        },
    }
    document = spec(["status"], list_answer=listed)
    with serve(tmp_path, document) as client:
        page = client.get("/api/things")
        assert page.status_code == 200, page.text
        assert valid(document, listed, page.json()) == []
        assert page.json()["items"]  # seeded


def test_a_created_integer_id_that_is_taken_gives_way_to_the_servers(tmp_path: Path) -> None:
    document = spec([])
    thing = document["components"]["schemas"]["Thing"]
    thing["properties"]["thingId"] = {"type": "integer"}
    document["paths"]["/things/{thingId}"]["parameters"][0]["schema"] = {"type": "integer"}
    for write in (
        document["paths"]["/things"]["post"],
        document["paths"]["/things/{thingId}"]["put"],
    ):
        write["requestBody"]["content"]["application/json"]["schema"]["properties"]["thingId"] = {
            "type": "integer"
        }
    with serve(tmp_path, document) as client:
        seeded = client.get("/api/things").json()[0]
        taken = seeded["thingId"]
        made = client.post("/api/things", json={"thingId": taken, "name": "Rex"})
        assert made.status_code == 201, made.text
        assert made.json()["thingId"] != taken
        assert client.get(f"/api/things/{taken}").json() == seeded  # the seeded one untouched
        free = client.post("/api/things", json={"thingId": 4242, "name": "Max"})
        assert free.json()["thingId"] == 4242  # a free id the client gives is kept
