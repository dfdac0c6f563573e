"""`make bench`: load figures of the running mock, measured with wrk: first beside every
peer serving the same bodies (``peers.py``), then each case against Stoplight Prism serving
the same specs from their examples, in the same run.

Traffic goes to 127.0.0.1 only; every run is bounded (wrk -d). Prints one
Markdown tables. Not collected by pytest."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import peers
from loadtools import (
    DURATION,
    ROOT,
    Figures,
    P,
    cpu_seconds,
    ensure_wrk,
    free_port,
    lua,
    rss_mb,
    start_mock,
    uvicorn_command,
    wait_for,
    wrk,
)


def ensure_prism() -> Path | None:
    """Prism from the peers' install (``peers.ensure_peers``); None when npm is missing."""
    try:
        return peers.ensure_peers() / ".bin" / "prism"
    except SystemExit as missing:
        print(f"{missing}: Prism is skipped, no ratios.", file=sys.stderr)
        return None


def prism_figures(
    binary: str, prism: Path, spec: str, base: str, cases: list[tuple[str, str, str | None]]
) -> dict[str, dict]:
    """The same cases against Prism mocking ``spec`` from its examples."""
    port = free_port()
    process = subprocess.Popen(
        [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), str(ROOT / "openapi" / spec)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        # Prism mounts the paths without the servers' base path.
        wait_for(origin + cases[0][1].removeprefix(base), timeout=60)
        return {
            name: wrk(binary, origin + path.removeprefix(base), script=script)
            for name, path, script in cases
        }
    finally:
        process.terminate()
        process.wait()


def startup_times(count: int = 3) -> list[float]:
    """Seconds from launch to the first orders-list answer, for ``count`` launches."""
    times = []
    for _ in range(count):
        process, _origin, seconds = start_mock()
        process.terminate()
        process.wait()
        times.append(seconds)
    return times


def main() -> None:
    binary = ensure_wrk()
    peers.compare(binary)
    prism = ensure_prism()
    startups = startup_times()
    mock, origin, _ = start_mock()
    try:
        page = json.loads(urllib.request.urlopen(f"{origin}{P}/service-orders").read())
        uid = page["data"][0]["serviceOrderUid"]
        types = json.loads(urllib.request.urlopen(f"{origin}/v1/tenants/demo/service-types").read())
        create = lua(
            "POST", {"title": "Bench order", "serviceTypeUid": types["data"][0]["serviceTypeUid"]}
        )
        search = lua("POST", {"query": "an"})
        cases = [
            ("list 20 orders", f"{P}/service-orders?perPage=20", None),
            ("get one order", f"{P}/service-orders/{uid}", None),
            ("search", f"{P}/service-orders/search?perPage=20", search),
            ("create order", f"{P}/service-orders", create),
            ("v4 Paged", "/api/v4/Service/Paged?pageSize=20", None),
        ]
        measured = {name: wrk(binary, origin + path, script=script) for name, path, script in cases}
    finally:
        mock.terminate()
        mock.wait()
    mock, origin, _ = start_mock("--validate-responses")
    try:
        validated = {
            name: wrk(binary, origin + path, script=script)
            for name, path, script in cases
            if name != "create order"
        }
    finally:
        mock.terminate()
        mock.wait()
    generic = generic_collection(binary)
    prism_rates: dict[str, dict] = {}
    if prism:
        for spec, base in (("service-orders.yaml", "/v1"), ("services-v4.yaml", "/api/v4")):
            mine = [case for case in cases if case[1].startswith(base)]
            prism_rates |= prism_figures(binary, prism, spec, base, mine)
    print(
        f"\nservicestub bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, wrk -t2 -c32 -d{DURATION}; "
        f"start-up to first answer {sorted(startups)[len(startups) // 2]:.2f} s "
        f"(median of {len(startups)} launches: {', '.join(f'{t:.2f}' for t in startups)})\n"
    )
    print("| case | validation | req/s | p50 ms | p99 ms | non-2xx | Prism req/s | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for label, table in (("requests", measured), ("requests + responses", validated)):
        for name, figures in table.items():
            reference = prism_rates.get(name)
            ratio = f"{figures['rps'] / reference['rps']:.2f}x" if reference else "-"
            prism_rps = f"{reference['rps']:.0f}" if reference else "-"
            print(
                f"| {name} | {label} | {figures['rps']:.0f} | {figures['p50']:.2f} "
                f"| {figures['p99']:.2f} "
                f"| {figures['non2xx']} | {prism_rps} | {ratio} |"
            )
    print_generic(generic)
    scale(binary)


#: Records created in the generic collection before it is measured (a page of 20 is listed).
GENERIC_RECORDS = 50
#: Rounds of the generic collection's comparison, and each wrk run's length in them.
GENERIC_ROUNDS = int(os.environ.get("BENCH_GENERIC_ROUNDS", "5"))
GENERIC_DURATION = os.environ.get("BENCH_GENERIC_DURATION", "4s")
GENERIC_SPEC = Path(__file__).parent / "generic-collection.yaml"


def generic_collection(binary: str) -> dict[str, list[tuple[Figures, Figures]]]:
    """A generic collection of a third-party spec (#14 point 7) beside the Service Orders
    list and read: a page of 20 and one record, each pair measured in rounds of
    orders, generic, generic, orders (wrk ``GENERIC_DURATION`` each) with both mocks
    up, so that both meet the same load on a machine whose speed moves. Case ->
    per round, (generic, orders) figures, each the two runs' mean."""
    orders, orders_origin, _ = start_mock()
    mock, origin, _ = start_mock("--spec", str(GENERIC_SPEC), ready="/bench/things?limit=1")
    things = f"{origin}/bench/things"
    try:
        created = [
            json.loads(
                urllib.request.urlopen(
                    urllib.request.Request(
                        things,
                        data=json.dumps(
                            {"name": f"Thing {n}", "email": f"t{n}@example.com", "size": n}
                        ).encode(),
                        headers={"Content-Type": "application/json"},
                    )
                ).read()
            )
            for n in range(GENERIC_RECORDS)
        ]
        page = json.loads(urllib.request.urlopen(f"{orders_origin}{P}/service-orders").read())
        uid = page["data"][0]["serviceOrderUid"]
        cases = {
            "list 20": (f"{things}?limit=20", f"{orders_origin}{P}/service-orders?perPage=20"),
            "get one": (f"{things}/{created[0]['id']}", f"{orders_origin}{P}/service-orders/{uid}"),
        }

        def run(process: subprocess.Popen[bytes], url: str) -> Figures:
            """wrk's figures, and the server's CPU µs per request answered."""
            before = cpu_seconds(process.pid)
            figures = wrk(binary, url, duration=GENERIC_DURATION)
            used = cpu_seconds(process.pid) - before
            return figures | {"cpu_us": used * 1e6 / max(figures["requests"], 1)}

        rounds: dict[str, list[tuple[Figures, Figures]]] = {}
        for name, (generic, theirs) in cases.items():
            for _ in range(GENERIC_ROUNDS):
                first = run(orders, theirs)
                mine = [run(mock, generic) for _ in range(2)]
                last = run(orders, theirs)
                rounds.setdefault(name, []).append((_mean(mine), _mean([first, last])))
        return rounds
    finally:
        for process in (orders, mock):
            process.terminate()
            process.wait()


def print_generic(generic: dict[str, list[tuple[Figures, Figures]]]) -> None:
    """The table of :func:`generic_collection`'s rounds."""
    print(
        "\ngeneric third-party collection (tests/benchmarks/generic-collection.yaml, "
        f"serve --spec, {GENERIC_RECORDS} records) beside Service Orders, no validation; "
        f"{GENERIC_ROUNDS} rounds of orders, generic, generic, orders (-d{GENERIC_DURATION}):"
    )
    print(
        "| case | figure | generic by round | orders by round | generic/orders rate by round "
        "| >= 1.0 |"
    )
    print("|---|---|---|---|---|---|")
    for name, pairs in generic.items():
        # Each as a rate, higher the faster: req/s, and requests per CPU second.
        for figure, key, rate in (
            ("req/s", "rps", lambda f: f["rps"]),
            ("CPU µs/req", "cpu_us", lambda f: 1 / f["cpu_us"]),
        ):
            ratios = [rate(mine) / rate(theirs) for mine, theirs in pairs]
            generic_row = ", ".join(f"{figures[key]:.0f}" for figures, _ in pairs)
            orders_row = ", ".join(f"{figures[key]:.0f}" for _, figures in pairs)
            print(
                f"| {name} | {figure} | {generic_row} | {orders_row} "
                f"| {', '.join(f'{r:.2f}x' for r in ratios)} "
                f"| {sum(ratio >= 1.0 for ratio in ratios)} of {len(ratios)} |"
            )


def _mean(runs: list[Figures]) -> Figures:
    """The mean of each figure of ``runs``."""
    return {key: sum(run[key] for run in runs) / len(runs) for key in runs[0]}


def timed(url: str, body: dict | None = None) -> float:
    """Milliseconds one request takes."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    started = time.monotonic()
    urllib.request.urlopen(request, timeout=120).read()
    return (time.monotonic() - started) * 1000


def beside(*runs: Callable[[], Figures]) -> list[Figures]:
    """The figures of ``runs`` (wrk runs) made at the same time."""
    with ThreadPoolExecutor(len(runs)) as pool:
        return list(pool.map(lambda run: run(), runs))


def scale(binary: str) -> None:
    """100,000 orders in one store: start-up, filtered+sorted list and search at one client
    and at 32, and a get of one order while 31 clients run the filtered list.

    Each index is built the first time a request needs it: that first request is
    timed on its own, then wrk measures the steady state."""
    count = os.environ.get("BENCH_SCALE_ORDERS", "100000")
    mock, origin, startup = start_mock("--orders-per-store", count)
    listing = f"{origin}{P}/service-orders?states=DONE&priorities=HIGH&sort=createdAt&order=DESC"
    searching = f"{origin}{P}/service-orders/search"
    query = {"query": "anna"}
    try:
        first_list, first_search = timed(listing), timed(searching, query)
        filtered = wrk(binary, listing, threads=1, connections=1)
        search = wrk(binary, searching, script=lua("POST", query), threads=1, connections=1)
        busy = wrk(binary, listing)
        searches = wrk(binary, searching, script=lua("POST", query))
        uid = json.loads(urllib.request.urlopen(f"{origin}{P}/service-orders?perPage=1").read())
        one = f"{origin}{P}/service-orders/{uid['data'][0]['serviceOrderUid']}"
        get, _ = beside(
            lambda: wrk(binary, one, threads=1, connections=1),
            lambda: wrk(binary, listing, connections=31),
        )
        rss = rss_mb(mock.pid)
    finally:
        mock.terminate()
        mock.wait()
    stack = {
        name: burned(binary, one_client["p50"], lua_script)
        for name, one_client, lua_script in (
            ("list", filtered, None),
            ("search", search, lua("POST", query)),
        )
    }
    print(
        f"\nscale: {count} orders in demo/main — first answer from that store "
        f"{startup:.2f} s after launch (seeding included), RSS {rss:.0f} MB; "
        f"the first filtered list and the first search build their indexes "
        f"({first_list:.0f} ms, {first_search:.0f} ms)"
    )
    print("| case | clients | req/s | p50 ms | p99 ms | timeouts |\n|---|---|---|---|---|---|")
    for name, clients, figures in (
        ("list, 2 filters + sort", 1, filtered),
        ("search query", 1, search),
        ("list, 2 filters + sort", 32, busy),
        ("search query", 32, searches),
        ("get one order while 31 clients list", 1, get),
    ):
        print(
            f"| {name} | {clients} | {figures['rps']:.0f} | {figures['p50']:.2f} "
            f"| {figures['p99']:.2f} | {figures['timeouts']} |"
        )
    for name, figures in stack.items():
        print(
            f"| the stack alone: a bare ASGI app spending the {name}'s one-client p50 "
            f"({figures['burn']:.2f} ms) per request | 32 | {figures['rps']:.0f} "
            f"| {figures['p50']:.2f} | {figures['p99']:.2f} | {figures['timeouts']} |"
        )


def burned(binary: str, milliseconds: float, script: str | None) -> dict[str, Any]:
    """wrk at 32 clients against ``burn_app.py`` spending ``milliseconds`` per request on
    servicestub's uvicorn settings (httptools, access log on, servicestub's loop): the tail of
    the stack alone."""
    port = free_port()
    process = subprocess.Popen(
        uvicorn_command("burn_app:app", port, loop="servicestub.server:event_loop"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "BENCH_BURN_MS": f"{milliseconds:.3f}"},
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", timeout=30)
        figures: dict[str, Any] = dict(wrk(binary, f"http://127.0.0.1:{port}/", script=script))
    finally:
        process.terminate()
        process.wait()
    figures["burn"] = milliseconds
    return figures


def invented_tenants(binary: str) -> None:
    """Distinct invented tenants read as a fuzzer does: RSS must stay bounded."""
    seconds = os.environ.get("BENCH_TENANT_SECONDS", "120")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(
            "local n = 0\nfunction setup(thread) thread:set('id', math.random(1, 1000000)) end\n"
            "function request()\n  n = n + 1\n"
            '  local path = "/v1/tenants/fz" .. id .. "x" .. n .. "/service-types"\n'
            "  return wrk.format(nil, path)\nend\n"
        )
    mock, origin, _ = start_mock()
    try:
        before = rss_mb(mock.pid)
        command = [binary, "-t2", "-c8", f"-d{seconds}s", "-s", handle.name, origin]
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=int(seconds) + 60
        ).stdout
        reads = int(re.search(r"(\d+) requests in", output).group(1))
        after = rss_mb(mock.pid)
    finally:
        mock.terminate()
        mock.wait()
    print(
        f"\ninvented tenants: {reads} distinct tenants read in {seconds} s; "
        f"RSS {before:.0f} MB before, {after:.0f} MB after"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["generic"]:  # the generic collection's comparison alone
        print_generic(generic_collection(ensure_wrk()))
    else:
        main()
        invented_tenants(ensure_wrk())
