"""A path parameter holding ``/`` sent as ``%2F`` (an AWS ARN in
``/tags/{resourceArn}``) is routed to its operation, and the handler gets the
value as sent: requests are routed on the raw path, not the decoded one where
that slash would split the segment."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicestub.app.factory import create_app
from servicestub.app.uri_parser import routed_path
from servicestub.core.settings import Settings
from tests.thirdparty.answers_support import spec

KEY = {"type": "object", "properties": {"keyId": {"type": "string"}, "name": {"type": "string"}}}


def _answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "x", "content": {"application/json": {"schema": schema}}}}


ARN = {"type": "string", "pattern": "^arn:[^/]+/.+$"}
DOCUMENT = spec(
    {
        "/keys": {
            "get": {
                "operationId": "listKeys",
                "responses": _answer({"type": "array", "items": KEY}),
            },
            "post": {
                "operationId": "createKey",
                "requestBody": {"content": {"application/json": {"schema": KEY}}},
                "responses": _answer(KEY, "201"),
            },
        },
        "/keys/{keyId}": {
            "parameters": [
                {"name": "keyId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {"operationId": "getKey", "responses": _answer(KEY)},
        },
        "/tags/{resourceArn}": {
            "get": {
                "operationId": "listTags",
                "parameters": [
                    {"name": "resourceArn", "in": "path", "required": True, "schema": ARN}
                ],
                "responses": _answer({"type": "object"}),
            }
        },
    }
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    file = tmp_path_factory.mktemp("routing") / "keys.json"
    file.write_text(json.dumps(DOCUMENT))
    return create_app(Settings(specs=((file, "/"),), seed=1, validate_responses=True))


def _requests(app: Any, *calls: tuple[str, str, Any]) -> list[httpx.Response]:
    """The answers of ``calls`` (method, raw path, JSON body) as a server hands
    the path over (httpx's ASGI transport, like uvicorn, gives ``path`` decoded
    once and ``raw_path`` as sent)."""

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return [await client.request(m, p, json=body) for m, p, body in calls]

    return asyncio.run(run())


#: Ids of any printable characters (the request guard refuses control characters in a path).
IDS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12
)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(IDS.filter(lambda value: value not in (".", "..")))
def test_a_record_whose_id_holds_any_character_reads_back_at_its_encoded_path(
    app: Any, key_id: str
) -> None:
    created, read = _requests(
        app,
        ("POST", "/keys", {"keyId": key_id, "name": "n"}),
        ("GET", f"/keys/{quote(key_id, safe='')}", None),
    )
    assert created.status_code in (201, 409), created.text  # 409: drawn again
    assert read.status_code == 200, read.text
    assert read.json()["keyId"] == key_id


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tags/arn:aws:kms:eu-west-1:012345678901:key%2Fmy-key", 200),
        ("/tags/arn%3Aaws%3As3%2Fbucket%2Fdeep%2Fkey", 200),
        ("/tags/arn:aws:kms%2F", 400),  # routed, then its decoded value refused
        ("/tags/arn:aws/kms", 404),  # a slash not encoded splits the segment
    ],
)
def test_an_arn_with_an_encoded_slash_reaches_its_operation(
    app: Any, path: str, status: int
) -> None:
    (response,) = _requests(app, ("GET", path, None))
    assert response.status_code == status, response.text


@settings(derandomize=True)
@given(st.lists(st.text(max_size=8), min_size=1, max_size=5))
def test_each_segment_of_the_routed_path_decodes_to_the_segment_sent(segments: list[str]) -> None:
    raw = "/" + "/".join(quote(segment, safe="") for segment in segments)
    scope = {"path": unquote(raw), "raw_path": raw.encode()}
    assert [unquote(part) for part in routed_path(scope).split("/")[1:]] == segments
