"""A PATCH body the spec's PATCH schema allows is accepted although a merge patch
replaces an array whole: what the record schema requires of its items and the
patch left out is completed (as a create completes), and only what the client's
own values break is refused, with nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app

JsonObject = dict[str, Any]

ROLE: JsonObject = {
    "type": "object",
    "required": ["role", "scope"],
    "properties": {"role": {"type": "string"}, "scope": {"type": "string"}},
}
USER: JsonObject = {
    "type": "object",
    "required": ["id", "name", "roles"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "roles": {"type": "array", "items": ROLE},
        "level": {"type": "integer"},
    },
}
#: What a PATCH may send: every property optional, items too, a level of any type.
USER_PATCH: JsonObject = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "roles": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"role": {"type": "string"}, "scope": {"type": "string"}},
            },
        },
        "level": {},
    },
}


def _content(schema: JsonObject) -> JsonObject:
    return {"content": {"application/json": {"schema": schema}}}


def _answer(schema: JsonObject, status: str = "200") -> JsonObject:
    return {status: {"description": "ok", **_content(schema)}}


DOCUMENT: JsonObject = {
    "openapi": "3.0.3",
    "info": {"title": "readback6", "version": "1"},
    "paths": {
        "/users": {
            "get": {"responses": _answer({"type": "array", "items": USER})},
            "post": {
                "requestBody": {"required": True, **_content(USER)},
                "responses": _answer(USER, "201"),
            },
        },
        "/users/{userId}": {
            "parameters": [
                {"name": "userId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {"responses": _answer(USER)},
            "patch": {
                "requestBody": {"required": True, **_content(USER_PATCH)},
                "responses": _answer(USER),
            },
        },
    },
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("readback6") / "users.json"
    path.write_text(json.dumps(DOCUMENT))
    app = create_app(Settings(specs=((path, "/"),), validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as served:
        yield served


def _created(client: TestClient) -> JsonObject:
    made = client.post(
        "/users", json={"name": "Ann", "roles": [{"role": "admin", "scope": "all"}], "level": 1}
    )
    assert made.status_code == 201, made.text
    body: JsonObject = made.json()
    return body


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    items=st.lists(
        st.fixed_dictionaries({}, optional={"role": text, "scope": text}), min_size=1, max_size=3
    )
)
def test_items_the_patch_leaves_incomplete_are_completed(
    client: TestClient, items: list[JsonObject]
) -> None:
    uid = _created(client)["id"]
    patched = client.patch(f"/users/{uid}", json={"roles": items})
    assert patched.status_code == 200, patched.text
    read = client.get(f"/users/{uid}").json()
    assert read == patched.json()
    assert len(read["roles"]) == len(items)
    for sent, stored in zip(items, read["roles"], strict=True):
        assert {k: stored[k] for k in sent} == sent  # what the client wrote, as written
        assert set(stored) >= {"role", "scope"}  # what it left out, completed
    assert read["name"] == "Ann"


@pytest.mark.parametrize(
    "body",
    [
        {"level": "high"},  # the client's own value breaks the record schema
        {"roles": [{"role": 5}]},  # rejected by the PATCH schema itself
        {"name": None},  # a required field removed
    ],
)
def test_what_the_clients_values_break_is_refused_and_nothing_changes(
    client: TestClient, body: JsonObject
) -> None:
    before = _created(client)
    refused = client.patch(f"/users/{before['id']}", json=body)
    assert refused.status_code in (400, 422), refused.text
    assert client.get(f"/users/{before['id']}").json() == before
