"""What a client creates reads back where the spec's records name their id ``Id``
(AWS) and the item path names it otherwise (``/extensions/{ExtensionIdentifier}``):
the collection is stateful, not answered from its schema."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app

JsonObject = dict[str, Any]


def _document(id_name: str, param: str) -> JsonObject:
    record = {
        "type": "object",
        "properties": {
            id_name: {"allOf": [{"$ref": "#/components/schemas/Id"}, {"description": "id"}]},
            "Name": {"type": "string"},
            "Description": {"type": "string"},
        },
    }
    new = {
        "type": "object",
        "required": ["Name"],
        "properties": {"Name": {"type": "string"}, "Description": {"type": "string"}},
    }
    ok = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Extension"}}}}
    listed = {
        "type": "object",
        "properties": {
            "Items": {"type": "array", "items": record},
            "NextToken": {"type": "string"},
        },
    }
    return {
        "openapi": "3.0.0",
        "info": {"title": "ext", "version": "1"},
        "paths": {
            "/extensions": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": listed}},
                        }
                    }
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": new}},
                    },
                    "responses": {"201": {"description": "made", **ok}},
                },
            },
            f"/extensions/{{{param}}}": {
                "parameters": [
                    {"name": param, "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"responses": {"200": {"description": "ok", **ok}}},
            },
        },
        "components": {
            "schemas": {
                "Extension": record,
                "Id": {"type": "string", "pattern": "^[a-z0-9]{4,7}$"},
            }
        },
    }


@pytest.mark.parametrize(
    ("id_name", "param"), [("Id", "ExtensionIdentifier"), ("ID", "Identifier"), ("id", "ref")]
)
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=10))
def test_a_record_whose_id_is_capitalised_reads_back(
    tmp_path: Path, id_name: str, param: str, name: str
) -> None:
    path = tmp_path / f"ext-{id_name}.json"
    path.write_text(json.dumps(_document(id_name, param)))
    app = create_app(Settings(specs=((path, "/"),), validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        made = client.post("/extensions", json={"Name": name, "Description": "d"})
        assert made.status_code == 201, made.text
        assert made.json()["Name"] == name
        uid = made.json()[id_name]
        read = client.get(f"/extensions/{uid}")
        assert read.status_code == 200, read.text
        assert read.json() == made.json()
        assert made.json() in client.get("/extensions").json()["Items"]


# -- a record in a named wrapper beside other objects -------------------------

CONSENT: JsonObject = {
    "type": "object",
    "required": ["ConsentId", "Status"],
    "properties": {
        "ConsentId": {"type": "string", "readOnly": True},
        "Status": {"type": "string", "enum": ["Authorised", "Rejected"]},
        "ExpirationDateTime": {"type": "string", "format": "date-time"},
        "Permissions": {"type": "array", "items": {"type": "string"}},
    },
}
LINKS: JsonObject = {"type": "object", "properties": {"Self": {"type": "string"}}}


def _consents() -> JsonObject:
    written = {
        "type": "object",
        "required": ["Data"],
        "properties": {
            "Data": {
                "type": "object",
                "properties": {
                    "ExpirationDateTime": {"type": "string", "format": "date-time"},
                    "Permissions": {"type": "array", "items": {"type": "string"}},
                },
            },
            "Risk": {"type": "object", "properties": {"Note": {"type": "string"}}},
        },
    }
    answered = {
        "type": "object",
        "required": ["Data"],
        "properties": {"Data": CONSENT, "Links": LINKS, "Meta": LINKS},
    }
    ok = {"content": {"application/json": {"schema": answered}}}
    return {
        "openapi": "3.0.0",
        "info": {"title": "consents", "version": "1"},
        "paths": {
            "/consents": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": written}},
                    },
                    "responses": {"201": {"description": "made", **ok}},
                }
            },
            "/consents/{ConsentId}": {
                "parameters": [
                    {
                        "name": "ConsentId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "get": {"responses": {"200": {"description": "ok", **ok}}},
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        },
    }


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    expires=st.datetimes(timezones=st.just(UTC)).map(
        lambda d: d.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    ),
    permissions=st.lists(st.sampled_from(["ReadA", "ReadB", "ReadC"]), max_size=3),
)
def test_a_record_wrapped_beside_other_objects_reads_back(
    tmp_path: Path, expires: str, permissions: list[str]
) -> None:
    path = tmp_path / "consents.json"
    path.write_text(json.dumps(_consents()))
    app = create_app(Settings(specs=((path, "/"),), validate_responses=True))
    sent = {"ExpirationDateTime": expires, "Permissions": permissions}
    with TestClient(app, raise_server_exceptions=False) as client:
        made = client.post("/consents", json={"Data": sent, "Risk": {}})
        assert made.status_code == 201, made.text
        data = made.json()["Data"]
        assert {k: data[k] for k in sent} == sent
        read = client.get(f"/consents/{data['ConsentId']}")
        assert read.status_code == 200, read.text
        assert read.json()["Data"] == data
        assert client.delete(f"/consents/{data['ConsentId']}").status_code == 204
        assert client.get(f"/consents/{data['ConsentId']}").status_code == 404
