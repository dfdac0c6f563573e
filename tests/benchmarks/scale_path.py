"""Time per filtered+sorted list, search and single read of one store of 100,000 orders,
through the mock's ASGI app in process (no sockets); ``--profile`` shows where the time goes.

    PYTHONPATH=src python tests/benchmarks/scale_path.py [--orders 100000] [--n 200] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import time
from typing import Any

import orjson
import request_path
from request_path import BASE, print_by_area, startup

from servicestub import Settings, create_app

LIST_QUERY = b"states=DONE&priorities=HIGH&sort=createdAt&order=DESC"
SEARCH_BODY = {"query": "anna"}


async def call(app: Any, method: str, path: str, query: bytes = b"", body: Any = None) -> bytes:
    """One request through ``app``; its body (asserting a 200)."""
    status, answer = await request_path.call(app, path, query, method=method, body=body)
    assert status == 200, (status, answer)
    return answer


class CollectorTime:
    """Milliseconds the cyclic garbage collector ran, by generation."""

    def __init__(self) -> None:
        self.spent = [0.0, 0.0, 0.0]
        self._began = 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.spent[info["generation"]] += (time.perf_counter() - self._began) * 1000

    def take(self) -> list[float]:
        spent, self.spent = self.spent, [0.0, 0.0, 0.0]
        return spent


async def main(orders: int, n: int, profile: bool) -> None:
    collector = CollectorTime()
    started = time.perf_counter()
    app = create_app(Settings(orders_per_store=orders))
    await startup(app)
    page = orjson.loads(await call(app, "GET", BASE, b"perPage=1"))
    print(f"first answer {time.perf_counter() - started:.2f} s")
    uid = page["data"][0]["serviceOrderUid"]
    cases = {
        "list, 2 filters + sort": ("GET", BASE, LIST_QUERY, None),
        "search query": ("POST", f"{BASE}/search", b"", SEARCH_BODY),
        "get one order": ("GET", f"{BASE}/{uid}", b"", None),
    }
    for name, (method, path, query, body) in cases.items():
        collector.take()
        first = time.perf_counter()
        await call(app, method, path, query, body)
        first_ms = (time.perf_counter() - first) * 1000
        timings = []
        for _ in range(n):
            each = time.perf_counter()
            await call(app, method, path, query, body)
            timings.append((time.perf_counter() - each) * 1000)
        timings.sort()
        spent = collector.take()
        print(
            f"{name:24} first {first_ms:7.1f} ms  median {timings[len(timings) // 2]:6.2f} ms"
            f"  p99 {timings[int(len(timings) * 0.99)]:6.2f} ms"
            f"  (collector: {', '.join(f'{t / n:.2f}' for t in spent)} ms by generation)"
        )
        if profile and name != "get one order":
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(n):
                await call(app, method, path, query, body)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(15)
            print_by_area(stats, n)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    asyncio.run(main(options.orders, options.n, options.profile))
