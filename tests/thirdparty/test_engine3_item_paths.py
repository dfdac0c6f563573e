"""A collection whose path ends in a slash (``/roles/``), and whose item operations
sit on two item paths naming the id differently (``PUT /roles/{id}``, ``GET`` and
``DELETE /roles/{roleId}``), as Magento writes them: one collection, round-tripped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.thirdparty.infer_specs import answer, json_body, ref, write


def param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def roles(collection: str) -> dict[str, Any]:
    role = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "role_name": {"type": "string"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            collection: {
                "get": {
                    "operationId": "list",
                    "responses": answer({"type": "array", "items": ref("Role")}),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Role")),
                    "responses": answer(ref("Role")),
                },
            },
            "/roles/{id}": {
                "put": {
                    "operationId": "save",
                    "parameters": [param("id")],
                    "requestBody": json_body(ref("Role")),
                    "responses": answer(ref("Role")),
                }
            },
            "/roles/{roleId}": {
                "parameters": [param("roleId")],
                "get": {"operationId": "one", "responses": answer(ref("Role"))},
                "delete": {"operationId": "drop", "responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {"schemas": {"Role": role}},
    }


@pytest.mark.parametrize("collection", ["/roles", "/roles/"])
def test_one_collection_round_trips(tmp_path: Path, collection: str) -> None:
    client = TestClient(create_app(Settings(specs=((write(tmp_path, roles(collection)), None),))))
    made = client.post(collection, json={"role_name": "admin"})
    assert made.status_code in (200, 201), made.text
    uid = made.json()["id"]
    assert client.get(f"/roles/{uid}").json() == made.json()
    assert uid in [r["id"] for r in client.get(collection).json()]
    saved = client.put(f"/roles/{uid}", json={"role_name": "owner"})
    assert saved.status_code == 200, saved.text
    assert client.get(f"/roles/{uid}").json()["role_name"] == "owner"
    assert client.delete(f"/roles/{uid}").status_code == 204
    assert client.get(f"/roles/{uid}").status_code == 404
    assert uid not in [r["id"] for r in client.get(collection).json()]
