"""Time per request through the mock's ASGI app, in process (no sockets): an
ASGI call loop over a GET of one order and a page of the list, and with
``--profile`` where the time goes. Figures in docs/request-path.md.

    PYTHONPATH=src python tests/benchmarks/request_path.py [--n 2000] [--profile]
        [--only "one order"|list|health] [--chain]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time
from typing import Any

import orjson

from servicestub import Settings, create_app

BASE = "/v1/tenants/demo/stores/main/service-orders"
#: Interleaved rounds per case of the lean/chain comparison (the median is printed).
ROUNDS = 7


def scope_of(path: str, query: bytes = b"") -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def call(
    app: Any, path: str, query: bytes = b"", *, method: str = "GET", body: Any = None
) -> tuple[int, bytes]:
    """One request through ``app`` (``body``, if any, sent as JSON): its status and body."""
    sent: list[dict[str, Any]] = []
    data = b"" if body is None else orjson.dumps(body)
    scope = scope_of(path, query)
    scope["method"] = method
    if body is not None:
        scope["headers"] = [
            *scope["headers"],
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
        ]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": data, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def bare(body: bytes) -> Any:
    """An ASGI app answering ``body`` to everything: what the call loop itself costs."""

    async def app(_scope: Any, _receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": orjson.dumps(orjson.loads(body))})

    return app


async def startup(app: Any) -> None:
    messages = iter([{"type": "lifespan.startup"}])

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "lifespan.shutdown"})

    async def send(_message: dict[str, Any]) -> None:
        return None

    task = asyncio.ensure_future(app({"type": "lifespan", "state": {}}, receive, send))
    await asyncio.sleep(0.05)
    task.cancel()


async def loop(app: Any, path: str, query: bytes, n: int) -> float:
    for _ in range(50):  # warm up
        status, _ = await call(app, path, query)
        assert status == 200, status
    started = time.perf_counter()
    for _ in range(n):
        await call(app, path, query)
    return (time.perf_counter() - started) / n * 1e6


async def main(
    n: int, profile: bool, validate_responses: bool, only: str | None = None, chain: bool = False
) -> None:
    """Each case through the lean dispatch (``app/lean.py``, the default) and through
    connexion's whole chain (``lean_dispatch=False``); ``chain``: profile the latter."""
    apps = {
        dispatch: create_app(
            Settings(validate_responses=validate_responses, lean_dispatch=dispatch == "lean")
        )
        for dispatch in ("lean", "chain")
    }
    for each in apps.values():
        await startup(each)
    app = apps["chain" if chain else "lean"]

    _, page = await call(app, BASE, b"perPage=1")
    uid = orjson.loads(page)["data"][0]["serviceOrderUid"]
    cases = {
        "GET one order": (f"{BASE}/{uid}", b""),
        "GET list, 20 per page": (BASE, b"perPage=20"),
        "GET /_mock/health": ("/_mock/health", b""),
    }
    if only:  # one case alone, e.g. for an outside profiler (py-spy record -- ...)
        cases = {name: case for name, case in cases.items() if only in name}
        for name, (path, query) in cases.items():
            print(f"{name:26} {await loop(app, path, query, n):8.0f} µs/request")
        return
    print(f"{'µs/request (median of 7)':26} {'lean':>8} {'chain':>8}")
    for name, (path, query) in cases.items():
        rounds: dict[str, list[float]] = {"lean": [], "chain": []}
        for _ in range(ROUNDS):  # interleaved, so that both see the same load
            for dispatch, times in rounds.items():
                times.append(await loop(apps[dispatch], path, query, max(n // ROUNDS, 1)))
        lean, whole = (statistics.median(rounds[dispatch]) for dispatch in ("lean", "chain"))
        print(f"{name:26} {lean:8.0f} {whole:8.0f}")
    print(f"{'floor: bare ASGI app':26} {await loop(bare(page), BASE, b'', n):8.0f}")
    if profile:
        path, query = cases["GET one order"]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            await call(app, path, query)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        print_by_area(stats, n)


#: Where a function's own time is counted, by the path of its source file.
AREAS = (
    ("servicestub/middleware", "servicestub middleware"),
    ("servicestub/app", "servicestub connexion wiring (validators, resolver)"),
    ("servicestub/handlers", "handler"),
    ("servicestub/apis", "API rules and views"),
    ("servicestub/engine", "engine"),
    ("servicestub", "servicestub, other"),
    ("connexion/middleware/routing", "connexion routing"),
    ("connexion/middleware/request_validation", "connexion request validation"),
    ("connexion/validators", "connexion request validation"),
    ("connexion/uri_parsing", "connexion URI parsing"),
    ("connexion/decorators", "connexion parameter/response decorators"),
    ("connexion", "connexion, other middleware"),
    ("starlette/routing", "starlette routing"),
    ("starlette", "starlette, other"),
    ("jsonschema_rs", "jsonschema-rs"),
)


def print_by_area(stats: pstats.Stats, n: int) -> None:
    """Own time per request by area (µs), largest first."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        area = next((label for key, label in AREAS if key in filename), "Python and asyncio")
        if filename == "~":
            area = "builtins (orjson, re, dict, ...)"
        totals[area] = totals.get(area, 0.0) + own
    whole = sum(totals.values())
    for area, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        share = seconds / whole * 100
        print(f"{area:55} {seconds / n * 1e6:7.0f} µs {share:5.1f} %")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--validate-responses", action="store_true")
    parser.add_argument("--only", choices=("one order", "list", "health"), help="one case alone")
    parser.add_argument(
        "--chain", action="store_true", help="--only/--profile: connexion's chain, not lean"
    )
    options = parser.parse_args()
    asyncio.run(
        main(options.n, options.profile, options.validate_responses, options.only, options.chain)
    )
