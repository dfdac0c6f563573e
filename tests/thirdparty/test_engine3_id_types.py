"""Ids of a collection whose item path takes a number while its records hold the id
as text (Billbee's ``/orders/{id}``: an int64 path, a string ``Id``): every id the
server draws or keeps is one the path accepts, so every listed record reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.thirdparty.infer_specs import answer, json_body, ref, write


def orders(path_schema: dict[str, Any], id_schema: dict[str, Any]) -> dict[str, Any]:
    record = {
        "type": "object",
        "properties": {"Id": id_schema, "Total": {"type": "number"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/orders": {
                "get": {
                    "operationId": "list",
                    "responses": answer({"type": "array", "items": ref("Order")}),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Order")),
                    "responses": answer(ref("Order"), "201"),
                },
            },
            "/orders/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": path_schema}
                ],
                "get": {"operationId": "one", "responses": answer(ref("Order"))},
            },
        },
        "components": {"schemas": {"Order": record}},
    }


PATHS = [{"type": "integer", "format": "int64"}, {"type": "integer", "format": "int32"}]
PATHS += [{"type": "number"}]
IDS = [{"type": "string"}, {"type": "string", "description": "external id"}, {}]


@pytest.mark.parametrize("path_schema", PATHS)
@pytest.mark.parametrize("id_schema", IDS)
def test_every_id_reads_back_by_its_numeric_path(
    tmp_path: Path, path_schema: dict[str, Any], id_schema: dict[str, Any]
) -> None:
    spec = write(tmp_path, orders(path_schema, id_schema))
    client = TestClient(create_app(Settings(specs=((spec, None),), validate_responses=True)))
    made = [client.post("/orders", json={"Total": 1.5}), client.post("/orders", json={"Id": "x-1"})]
    for answer_ in made:
        assert answer_.status_code == 201, answer_.text
    listed = client.get("/orders")
    assert listed.status_code == 200, listed.text
    ids = [record["Id"] for record in listed.json()]
    assert len(ids) >= 2 and len(set(map(str, ids))) == len(ids)
    for uid in ids:
        read = client.get(f"/orders/{uid}")
        assert read.status_code == 200, (uid, read.text)
        assert read.json()["Id"] == uid
