"""What a client writes to a third-party collection reads back, and every answer of the
engine is in its documented shape (responses validated by the app and here):

* an item path written with a trailing slash (``/apps/{app_id}/`` beside ``/apps/``)
  is its collection's item path, so the record created reads back from it;
* a collection whose GET answers no records (an array of ids) leaves that GET to the
  documented answers, never a 500;
* a record answered in a wrapper (``{status_code, status, data}``) carries every field
  the wrapper's schema requires;
* a create whose body is an array of records creates each (all or none) and answers
  in the documented shape.
"""

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

THING: JsonObject = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "size": {"type": "integer"},
    },
}
NEW_THING: JsonObject = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "size": {"type": "integer"},
    },
}


def _content(schema: JsonObject) -> JsonObject:
    return {"content": {"application/json": {"schema": schema}}}


def _answer(schema: JsonObject, status: str = "200") -> JsonObject:
    return {status: {"description": "ok", **_content(schema)}}


def _param(name: str) -> JsonObject:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _document(paths: JsonObject) -> JsonObject:
    return {
        "openapi": "3.0.3",
        "info": {"title": "records5", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {"Thing": THING, "NewThing": NEW_THING},
        },
    }


def _ref(name: str) -> JsonObject:
    return {"$ref": f"#/components/schemas/{name}"}


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    clients: list[TestClient] = []

    def start(document: JsonObject, validate: bool = True) -> TestClient:
        path = tmp_path / f"spec{len(clients)}.json"
        path.write_text(json.dumps(document))
        app = create_app(Settings(specs=((path, "/"),), validate_responses=validate))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


def _valid(document: JsonObject, schema: JsonObject, value: Any) -> bool:
    validator = draft4(schema, components_of(document))
    assert validator is not None
    return bool(validator.is_valid(value))


# -- a trailing slash ---------------------------------------------------------


def _slashed(slash: str) -> JsonObject:
    item = {"parameters": [_param("app_id")], "get": {"responses": _answer(_ref("Thing"))}}
    return _document(
        {
            f"/apps{slash}": {
                "get": {"responses": _answer({"type": "array", "items": _ref("Thing")})},
                "post": {
                    "requestBody": {"required": True, **_content(_ref("NewThing"))},
                    "responses": _answer(_ref("Thing"), "201"),
                },
            },
            f"/apps/{{app_id}}{slash}": item,
        }
    )


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    slash=st.sampled_from(["", "/"]),
    name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    size=st.integers(-(2**31), 2**31 - 1),
)
def test_what_is_created_reads_back_from_its_item_path_with_or_without_a_slash(
    serve: Any, slash: str, name: str, size: int
) -> None:
    client = serve(_slashed(slash))
    created = client.post(f"/apps{slash}", json={"name": name, "size": size})
    assert created.status_code == 201, created.text
    uid = created.json()["id"]
    read = client.get(f"/apps/{uid}{slash}")
    assert read.status_code == 200, read.text
    assert read.json()["name"] == name and read.json()["size"] == size
    assert client.get(f"/apps/no-such-app{slash}").status_code == 404


# -- a GET answering ids alone ------------------------------------------------


def test_a_collection_listed_as_ids_answers_its_documented_list_not_a_500(serve: Any) -> None:
    ids = {"type": "array", "items": {"type": "integer", "format": "int32"}}
    document = _document(
        {
            "/regions": {"get": {"responses": _answer(ids)}},
            "/regions/{region_id}": {
                "parameters": [_param("region_id")],
                "get": {"responses": _answer(_ref("Thing"))},
            },
        }
    )
    client = serve(document)
    listed = client.get("/regions")
    assert listed.status_code == 200, listed.text
    assert _valid(document, ids, listed.json())


# -- a wrapper's required fields ----------------------------------------------

WRAPPED: JsonObject = {
    "type": "object",
    "required": ["status_code", "status", "data"],
    "properties": {
        "status_code": {"type": "integer", "example": 200},
        "status": {"type": "string", "example": "OK"},
        "service": {"type": "string"},
        "data": _ref("Thing"),
    },
}


def _wrapped() -> JsonObject:
    return _document(
        {
            "/items": {
                "get": {
                    "responses": _answer(
                        {
                            "type": "object",
                            "required": ["status_code", "data"],
                            "properties": {
                                "status_code": {"type": "integer"},
                                "data": {"type": "array", "items": _ref("Thing")},
                            },
                        }
                    )
                },
                "post": {
                    "requestBody": {"required": True, **_content(_ref("NewThing"))},
                    "responses": _answer(WRAPPED, "201"),
                },
            },
            "/items/{id}": {
                "parameters": [_param("id")],
                "get": {"responses": _answer(WRAPPED)},
                "patch": {
                    "requestBody": {"required": True, **_content(_ref("NewThing"))},
                    "responses": _answer(WRAPPED),
                },
            },
        }
    )


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.text(max_size=8), renamed=st.text(max_size=8))
def test_a_wrapped_record_is_answered_with_every_field_its_wrapper_requires(
    serve: Any, name: str, renamed: str
) -> None:
    document = _wrapped()
    client = serve(document)
    created = client.post("/items", json={"name": name})
    assert created.status_code == 201, created.text
    assert _valid(document, WRAPPED, created.json())
    uid = created.json()["data"]["id"]
    read = client.get(f"/items/{uid}")
    assert read.status_code == 200, read.text
    assert _valid(document, WRAPPED, read.json()) and read.json()["data"]["name"] == name
    changed = client.patch(f"/items/{uid}", json={"name": renamed})
    assert changed.status_code == 200, changed.text
    assert _valid(document, WRAPPED, changed.json())
    assert changed.json()["data"]["name"] == renamed
    # the same answer for the same record: drawn deterministically
    assert client.get(f"/items/{uid}").json() == client.get(f"/items/{uid}").json()


# -- a create with an array body ----------------------------------------------


def _bulk(answer: JsonObject) -> JsonObject:
    return _document(
        {
            "/teams/{team}/reviews": {
                "parameters": [_param("team")],
                "post": {
                    "requestBody": {
                        "required": True,
                        **_content({"type": "array", "items": _ref("NewThing")}),
                    },
                    "responses": _answer(answer),
                },
            },
            "/teams/{team}/reviews/{id}": {
                "parameters": [_param("team"), _param("id")],
                "get": {"responses": _answer(_ref("Thing"))},
            },
        }
    )


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(names=st.lists(st.text(max_size=6), min_size=1, max_size=4))
def test_an_array_body_creates_each_record_and_answers_their_ids(
    serve: Any, names: list[str]
) -> None:
    ids = {"type": "array", "items": {"type": "string"}}
    client = serve(_bulk(ids))
    created = client.post("/teams/t/reviews", json=[{"name": name} for name in names])
    assert created.status_code == 200, created.text
    answered = created.json()
    assert len(answered) == len(names) and len(set(answered)) == len(names)
    for uid, name in zip(answered, names, strict=True):
        read = client.get(f"/teams/t/reviews/{uid}")
        assert read.status_code == 200 and read.json()["name"] == name


def test_an_array_body_answered_as_records_answers_them(serve: Any) -> None:
    client = serve(_bulk({"type": "array", "items": _ref("Thing")}))
    created = client.post("/teams/t/reviews", json=[{"name": "a"}, {"name": "b"}])
    assert created.status_code == 200, created.text
    assert [record["name"] for record in created.json()] == ["a", "b"]


def test_an_array_body_creates_all_or_none(serve: Any) -> None:
    client = serve(_bulk({"type": "array", "items": {"type": "string"}}))
    taken = [{"id": "same", "name": "a"}, {"id": "same", "name": "b"}]
    refused = client.post("/teams/t/reviews", json=taken)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/teams/t/reviews/same").status_code == 404


def test_an_array_body_answered_as_one_record_answers_the_first(serve: Any) -> None:
    client = serve(_bulk(_ref("Thing")))
    created = client.post("/teams/t/reviews", json=[{"name": "a"}, {"name": "b"}])
    assert created.status_code == 200, created.text
    assert created.json()["name"] == "a"
    empty = client.post("/teams/t/reviews", json=[])
    assert empty.status_code == 400, empty.text
    assert "at least one" in empty.json()["detail"]


# -- an answer documented in a media range -------------------------------------


@pytest.mark.parametrize("media", ["*/*", "application/*"])
def test_an_answer_documented_as_a_media_range_is_sent_as_json(serve: Any, media: str) -> None:
    def ranged(status: str) -> JsonObject:
        return {status: {"description": "ok", "content": {media: {"schema": _ref("Thing")}}}}

    document = _document(
        {
            "/things": {
                "post": {
                    "requestBody": {"required": True, **_content(_ref("NewThing"))},
                    "responses": ranged("201"),
                }
            },
            "/things/{id}": {
                "parameters": [_param("id")],
                "get": {"responses": ranged("200")},
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        }
    )
    client = serve(document)
    created = client.post("/things", json={"name": "n", "size": 3})
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/json"
    assert created.headers["location"].endswith(created.json()["id"])
    read = client.get(f"/things/{created.json()['id']}")
    assert read.status_code == 200, read.text
    assert read.headers["content-type"] == "application/json"
    assert _valid(document, THING, read.json()) and read.json()["name"] == "n"
    assert client.delete(f"/things/{created.json()['id']}").status_code == 204


# -- read-only as answered, written on create ---------------------------------


def test_a_field_read_only_as_answered_but_written_by_the_client_is_stored(serve: Any) -> None:
    resource = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string", "readOnly": True},
            "location": {"type": "string", "readOnly": True},
            "state": {"type": "string", "readOnly": True, "enum": ["ready"]},
        },
    }
    params = {
        "type": "object",
        "required": ["location"],
        "properties": {"location": {"type": "string"}, "name": {"type": "string"}},
    }
    document = _document(
        {
            "/accounts/{name}": {
                "parameters": [_param("name")],
                "get": {"responses": _answer(resource)},
                "put": {
                    "requestBody": {"required": True, **_content(params)},
                    "responses": _answer(resource, "201"),
                },
            }
        }
    )
    client = serve(document)
    created = client.put("/accounts/acc1", json={"location": "westeurope", "name": "acc1"})
    assert created.status_code == 201, created.text
    read = client.get("/accounts/acc1").json()
    assert read["location"] == "westeurope" and read["name"] == "acc1"
    assert _valid(document, resource, read)
    # a field read-only in every schema stays the server's
    replaced = client.put("/accounts/acc1", json={"location": "x", "state": "gone"})
    assert replaced.status_code in (200, 201), replaced.text
    assert client.get("/accounts/acc1").json().get("state") != "gone"


# -- an id space smaller than the seed count ----------------------------------


@pytest.mark.parametrize("names", [["$default"], ["primary", "secondary"]])
def test_a_collection_of_few_possible_ids_is_served_with_state(
    serve: Any, names: list[str]
) -> None:
    param = {"name": "configName", "in": "path", "required": True}
    param["schema"] = {"type": "string", "enum": names}
    document = _document(
        {
            "/configs": {
                "get": {
                    "responses": _answer(
                        {
                            "type": "object",
                            "properties": {"value": {"type": "array", "items": _ref("Thing")}},
                        }
                    )
                }
            },
            "/configs/{configName}": {
                "parameters": [param],
                "get": {"responses": _answer(_ref("Thing"))},
                "put": {
                    "requestBody": {"required": True, **_content(_ref("NewThing"))},
                    "responses": _answer(_ref("Thing")),
                },
            },
        }
    )
    client = serve(document)
    listed = client.get("/configs").json()["value"]
    assert 1 <= len(listed) <= len(names) and {r["id"] for r in listed} <= set(names)
    written = client.put(f"/configs/{names[0]}", json={"name": "mine", "size": 7})
    assert written.status_code in (200, 201), written.text
    read = client.get(f"/configs/{names[0]}").json()
    assert read["name"] == "mine" and read["size"] == 7 and read["id"] == names[0]


# -- a 2XX answer, and writeOnly properties nested in a record ----------------


def test_a_create_documented_as_2xx_answers_its_record_without_nested_write_only(
    serve: Any,
) -> None:
    device = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "platform": {"type": "string", "enum": ["ios", "android"]},
            "recipient": {
                "type": "object",
                "properties": {
                    "transport": {"type": "string"},
                    "secret": {"type": "string", "writeOnly": True},
                },
            },
        },
    }
    error = {"type": "object", "required": ["code"], "properties": {"code": {"type": "integer"}}}
    document = _document(
        {
            "/devices": {
                "post": {
                    "requestBody": {"required": True, **_content(device)},
                    "responses": {
                        "2XX": {"description": "ok", **_content(device)},
                        "default": {"description": "error", **_content(error)},
                    },
                }
            },
            "/devices/{id}": {
                "parameters": [_param("id")],
                "get": {"responses": {"2XX": {"description": "ok", **_content(device)}}},
            },
        }
    )
    # connexion's response validation knows no ``2XX`` (it judges a 201 by ``default``):
    # the answers are judged here, against the 2XX schema
    client = serve(document, validate=False)
    body = {"platform": "ios", "recipient": {"transport": "apns", "secret": "s3"}}
    created = client.post("/devices", json=body)
    assert created.status_code // 100 == 2, created.text
    assert "code" not in created.json()  # the error schema is not the answer's
    assert _valid(document, device, created.json())
    assert created.json()["recipient"] == {"transport": "apns"}
    read = client.get(f"/devices/{created.json()['id']}")
    assert read.status_code == 200, read.text
    assert read.json()["platform"] == "ios" and read.json()["recipient"] == {"transport": "apns"}


# -- a status that documents its own content ----------------------------------


def test_a_put_that_creates_answers_what_its_201_documents(serve: Any) -> None:
    document = _document(
        {
            "/nodes/{id}": {
                "parameters": [_param("id")],
                "get": {"responses": _answer(_ref("Thing"))},
                "put": {
                    "requestBody": {"required": True, **_content(_ref("NewThing"))},
                    "responses": {"200": {"description": "ok"}, **_answer(_ref("Thing"), "201")},
                },
            }
        }
    )
    client = serve(document)
    created = client.put("/nodes/n1", json={"name": "first"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "first" and _valid(document, THING, created.json())
    replaced = client.put("/nodes/n1", json={"name": "second"})
    assert replaced.status_code == 200 and replaced.content == b""
    assert client.get("/nodes/n1").json()["name"] == "second"
