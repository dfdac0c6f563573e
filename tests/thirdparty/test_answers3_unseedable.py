"""A collection whose records cannot be drawn (an account ``name`` whose ``pattern``
no string of its lengths matches) is served without state, decided at start-up: no request
draws it, so its children answer without a 5xx, whatever the seed (after a
reset too). (The collection's own operations are answered from the spec, whose
schema has the same flaw: that answer is not this test's.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.thirdparty.answers_support import serve, spec

#: No string matches both: one digit, of three characters or more. (PeerTube's
#: JavaScript regex literals, ``/^[a-z0-9._]+$/``, were such a pattern until
#: ``specs/patterns.py`` read them as JavaScript does.)
IMPOSSIBLE = {"type": "string", "pattern": "^[0-9]$", "minLength": 3}
ACCOUNT = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": IMPOSSIBLE, "bio": {"type": "string"}},
}
FOLLOWER = {
    "type": "object",
    "properties": {"followerId": {"type": "string", "readOnly": True}, "since": {"type": "string"}},
}


def _json(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "x", "content": {"application/json": {"schema": schema}}}}


def _collection(path: str, item: str, schema: dict[str, Any], scope: list[str]) -> dict[str, Any]:
    """A list/create path and its item path (read, delete) for ``schema``."""
    scoped = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in scope
    ]
    name = path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
    return {
        path: {
            "parameters": scoped,
            "get": {
                "operationId": f"list_{name}",
                "responses": _json({"type": "array", "items": schema}),
            },
            "post": {
                "operationId": f"create_{name}",
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": _json(schema, "201"),
            },
        },
        f"{path}/{{{item}}}": {
            "parameters": [
                *scoped,
                {"name": item, "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "get": {"operationId": f"get_{name}", "responses": _json(schema)},
            "delete": {"operationId": f"delete_{name}", "responses": {"204": {"description": "x"}}},
        },
    }


DOCUMENT = spec(
    {
        **_collection("/accounts", "name", ACCOUNT, []),
        **_collection("/accounts/{name}/followers", "followerId", FOLLOWER, ["name"]),
    }
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_children_of_a_collection_that_cannot_be_seeded_answer_without_a_server_error(
    tmp_path: Path, seed: int
) -> None:
    client = serve(tmp_path, DOCUMENT, seed=seed)
    for reset in (None, seed + 10):
        if reset is not None:
            assert client.post("/_mock/reset", json={"seed": reset}).status_code == 200
        listed = client.get("/accounts/alice/followers")
        assert listed.status_code == 200, listed.text
        created = client.post("/accounts/alice/followers", json={"since": "2020"})
        assert created.status_code == 201, created.text
        read = client.get(f"/accounts/alice/followers/{created.json()['followerId']}")
        assert read.status_code == 200, read.text
        assert read.json()["since"] == "2020"
