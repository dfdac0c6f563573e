"""What a client creates reads back where the spec's records name their id ``Id``
(AWS) and the item path names it otherwise (``/extensions/{ExtensionIdentifier}``):
the collection is stateful, not answered from its schema."""

from __future__ import annotations

import json
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
