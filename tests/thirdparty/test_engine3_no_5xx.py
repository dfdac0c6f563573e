"""No legal request answers 5xx for the engine's seeding: a collection under a parent
whose records cannot be drawn (an id pattern no string matches) is served, its parent served
without state and never checked for a record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.thirdparty.infer_specs import answer, write

NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
FOLLOWER_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def record(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def spec(pattern: str) -> dict[str, Any]:
    account = record(name={"type": "string", "pattern": pattern})
    follower = record(id={"type": "string"}, label={"type": "string"})
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/accounts": {
                "get": {
                    "operationId": "la",
                    "responses": answer({"type": "array", "items": account}),
                }
            },
            "/accounts/{name}": {
                "parameters": [NAME],
                "get": {"operationId": "ga", "responses": answer(account)},
            },
            "/accounts/{name}/followers": {
                "parameters": [NAME],
                "get": {
                    "operationId": "lf",
                    "responses": answer({"type": "array", "items": follower}),
                },
            },
            "/accounts/{name}/followers/{id}": {
                "parameters": [NAME, FOLLOWER_ID],
                "get": {"operationId": "gf", "responses": answer(follower)},
            },
        },
    }


@pytest.mark.parametrize("pattern", ["^$x", "[a-z]{5}\\d{200}$^"])
def test_a_child_of_a_parent_that_cannot_be_seeded_is_served(tmp_path: Path, pattern: str) -> None:
    client = TestClient(
        create_app(Settings(specs=((write(tmp_path, spec(pattern)), None),))),
        raise_server_exceptions=False,
    )
    for name in ("bob", "alice"):
        listed = client.get(f"/accounts/{name}/followers")
        assert listed.status_code == 200, listed.text
        for follower in listed.json():
            read = client.get(f"/accounts/{name}/followers/{follower['id']}")
            assert read.status_code == 200, read.text
            assert read.json() == follower
