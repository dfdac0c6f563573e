"""``ApiCorsMiddleware`` adds, to every answer that is no preflight, exactly the
headers Starlette's ``CORSMiddleware`` adds with the same configuration (it does
so without Starlette's per-request ``Headers`` objects): checked against
Starlette's own ``__call__`` run on the same instance, for any request headers
and any answer headers."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from starlette.middleware.cors import CORSMiddleware

from servicestub.middleware.cors import ApiCorsMiddleware

REQUEST_HEADERS = st.lists(
    st.tuples(
        st.sampled_from([b"origin", b"access-control-request-method", b"accept", b"vary"]),
        st.sampled_from([b"http://a.example", b"null", b"", b"GET", b"TRACE", b"x"]),
    ),
    max_size=4,
)
ANSWER_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            [b"vary", b"access-control-allow-origin", b"content-type", b"x-tracking-id"]
        ),
        st.sampled_from([b"Accept", b"*", b"application/json", b"Origin"]),
    ),
    max_size=4,
)


def _answers(
    middleware: ApiCorsMiddleware,
    call: Any,
    method: str,
    request: list[tuple[bytes, bytes]],
    answer: list[tuple[bytes, bytes]],
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(answer)})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware.app = inner
    scope = {"type": "http", "method": method, "path": "/v1/x", "headers": list(request)}
    asyncio.run(call(middleware, scope, receive, send))
    return sent


@settings(max_examples=200, derandomize=True)
@given(
    method=st.sampled_from(["GET", "POST", "OPTIONS"]),
    request=REQUEST_HEADERS,
    answer=ANSWER_HEADERS,
)
def test_answers_carry_starlettes_cors_headers(
    method: str, request: list[tuple[bytes, bytes]], answer: list[tuple[bytes, bytes]]
) -> None:
    middleware = ApiCorsMiddleware(lambda *_: None)
    names = [name for name, _ in request]
    preflight = method == "OPTIONS" and b"origin" in names
    # a preflight is answered by Starlette itself (after our method check)
    assume(not (preflight and b"access-control-request-method" in names))
    ours = _answers(middleware, ApiCorsMiddleware.__call__, method, request, answer)
    theirs = _answers(middleware, CORSMiddleware.__call__, method, request, answer)
    assert ours == theirs
