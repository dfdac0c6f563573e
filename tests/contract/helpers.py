"""Test helpers: an ASGI wrapper that records every request it passes on."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


def recording(app: Any, seen: list[Seen]) -> Any:
    """``app``, appending each HTTP request (with its whole body) to ``seen``."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        messages = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(m.get("body", b"") for m in messages)
        headers = tuple(scope["headers"])
        seen.append(Seen(scope["method"], scope["path"], scope["query_string"], headers, body))
        pending = iter(messages)

        async def replay() -> dict:
            return next(pending, None) or await receive()

        await app(scope, replay, send)

    return wrapped
