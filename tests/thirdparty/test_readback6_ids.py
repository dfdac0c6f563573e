"""A new record's id meets its id property even where the item path takes any
string: the property's own pattern or lengths (Twilio's ``sid``:
``^ZS[0-9a-fA-F]{32}$`` under ``/v1/Services/{Sid}``) narrow the ids issued, so
the create answers a valid record that reads back by its id."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.core.json_schema import components_of, draft4

JsonObject = dict[str, Any]

ID_SCHEMAS: list[JsonObject] = [
    {"type": "string", "pattern": "^ZS[0-9a-fA-F]{32}$", "minLength": 34, "maxLength": 34},
    {"type": "string", "pattern": "^[a-z]{5}-[0-9]{4}$"},
    {"type": "string", "minLength": 40, "maxLength": 48},
    {"type": "string", "maxLength": 12, "nullable": True},
]


def _document(id_schema: JsonObject) -> JsonObject:
    service = {
        "type": "object",
        "properties": {
            "sid": id_schema,
            "unique_name": {"type": "string", "nullable": True},
        },
    }
    ok = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}}}
    form = {
        "type": "object",
        "required": ["UniqueName"],
        "properties": {"UniqueName": {"type": "string"}},
    }
    listed = {"type": "object", "properties": {"services": {"type": "array", "items": service}}}
    return {
        "openapi": "3.0.1",
        "info": {"title": "ids", "version": "1"},
        "paths": {
            "/v1/Services": {
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
                        "content": {"application/x-www-form-urlencoded": {"schema": form}}
                    },
                    "responses": {"201": {"description": "Created", **ok}},
                },
            },
            "/v1/Services/{Sid}": {
                "parameters": [
                    {"name": "Sid", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"responses": {"200": {"description": "ok", **ok}}},
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {"schemas": {"Service": service}},
    }


@pytest.mark.parametrize("id_schema", ID_SCHEMAS, ids=lambda s: json.dumps(s)[:40])
def test_new_ids_meet_the_id_property(tmp_path: Path, id_schema: JsonObject) -> None:
    document = _document(id_schema)
    path = tmp_path / "serverless.json"
    path.write_text(json.dumps(document))
    validator = draft4(id_schema, components_of(document))
    assert validator is not None
    app = create_app(Settings(specs=((path, "/"),), validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        for n in range(3):
            made = client.post("/v1/Services", data={"UniqueName": f"svc-{n}"})
            assert made.status_code == 201, made.text
            sid = made.json()["sid"]
            assert validator.is_valid(sid), sid
            assert re.fullmatch(r"[^/?#]+", sid)
            read = client.get(f"/v1/Services/{sid}")
            assert read.status_code == 200, read.text
            assert read.json()["sid"] == sid
