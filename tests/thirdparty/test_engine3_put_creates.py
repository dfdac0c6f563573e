"""Records created by PUT on an item path read back by that path value, whatever the
methods beside it (Azure's ARM resources: PUT creates, PATCH updates, the record's
read-only ``id`` a resource path and ``name`` the path value)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import read_model
from tests.thirdparty.infer_specs import answer, json_body, ref, write

RESOURCE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string", "readOnly": True},
        "type": {"type": "string", "readOnly": True},
        "properties": {"type": "object", "properties": {"displayName": {"type": "string"}}},
    },
}


def arm(methods: tuple[str, ...], required: bool) -> dict[str, Any]:
    """``/accounts/{accountName}/apps`` listed as ``{value: [...]}`` and its item path
    with ``methods`` (PUT among them, its body ``required`` or not)."""
    body = json_body(ref("App"))
    body["required"] = required
    operations: dict[str, Any] = {
        "get": {"operationId": "App_Get", "responses": answer(ref("App"))},
        "put": {"operationId": "App_Create", "requestBody": body, "responses": answer(ref("App"))},
        "patch": {
            "operationId": "App_Update",
            "requestBody": json_body(ref("App")),
            "responses": answer(ref("App")),
        },
        "delete": {"operationId": "App_Delete", "responses": {"204": {"description": "gone"}}},
    }
    name = {"in": "path", "required": True, "schema": {"type": "string"}}
    listed = {"type": "object", "properties": {"value": {"type": "array", "items": ref("App")}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "arm", "version": "1"},
        "paths": {
            "/accounts/{accountName}/apps": {
                "parameters": [{"name": "accountName", **name}],
                "get": {"operationId": "App_List", "responses": answer(listed)},
            },
            ITEM: {
                "parameters": [{"name": "accountName", **name}, {"name": "appName", **name}],
                **{m: operations[m] for m in methods},
            },
        },
        "components": {"schemas": {"App": RESOURCE}},
    }


ITEM = "/accounts/{accountName}/apps/{appName}"
SHAPES = [
    (methods, required)
    for methods in (("get", "put", "patch", "delete"), ("get", "put", "delete"))
    for required in (True, False)
]


@pytest.mark.parametrize(("methods", "required"), SHAPES)
def test_every_item_operation_is_the_collections(methods: tuple[str, ...], required: bool) -> None:
    model = read_model(arm(methods, required)).collections["/accounts/{accountName}/apps"]
    served = {arm(methods, required)["paths"][ITEM][m]["operationId"] for m in methods}
    assert set(model.operations.values()) == {"App_List"} | served
    assert model.put_creates is not None


@pytest.mark.parametrize(("methods", "required"), SHAPES)
def test_a_put_created_record_reads_back_by_its_path_value(
    tmp_path: Path, methods: tuple[str, ...], required: bool
) -> None:
    spec = write(tmp_path, arm(methods, required))
    client = TestClient(create_app(Settings(specs=((spec, None),), validate_responses=True)))
    base = "/accounts/acc-1/apps"
    created = client.put(f"{base}/my-app", json={"properties": {"displayName": "Mine"}})
    assert created.status_code in (200, 201), created.text
    read = client.get(f"{base}/my-app")
    assert read.status_code == 200, read.text
    assert read.json()["properties"] == {"displayName": "Mine"}
    assert read.json() == created.json()
    assert created.json() in client.get(base).json()["value"]
    if "patch" in methods:
        patched = client.patch(f"{base}/my-app", json={"properties": {"displayName": "New"}})
        assert patched.status_code == 200, patched.text
        assert client.get(f"{base}/my-app").json()["properties"] == {"displayName": "New"}
    assert client.delete(f"{base}/my-app").status_code == 204
    assert client.get(f"{base}/my-app").status_code == 404
