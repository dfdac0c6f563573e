"""The stack's own tail under saturation, for `make bench`'s 100,000-order cases: a bare ASGI
app on servicestub's uvicorn settings that spends ``BENCH_BURN_MS`` of CPU per request (what
servicestub spends on one, measured at one client) and answers ``BENCH_BURN_BYTES`` bytes.
Beside servicestub's p99 at 32 clients it shows what one event loop serving requests that
cost that much gives at 32 clients whatever the app does."""

from __future__ import annotations

import os
import time
from typing import Any

BURN = float(os.environ.get("BENCH_BURN_MS", "1")) / 1000
BODY = b"x" * int(os.environ.get("BENCH_BURN_BYTES", "20000"))
HEADERS = [(b"content-type", b"application/json")]


async def app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    end = time.perf_counter() + BURN
    while time.perf_counter() < end:
        pass
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
