"""Where a request's time goes in the served mock (issue #15 point 2): ``servicestub serve``
under wrk load while py-spy samples it, each sample charged to the layer of its innermost
frame that belongs to one (a stdlib or asyncio frame is charged to its caller's layer).

    PYTHONPATH=src python tests/benchmarks/profile_layers.py [--seconds 9] [--rate 250]
        [--connections 8] [serve options ...]

Prints per case a table of layers: share of the samples and the estimated microseconds per
request (share x 1 / req/s, the server being saturated). py-spy (PyPI) must be on the
path or beside the interpreter. Raw stacks stay in /tmp for flamegraphs."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections import Counter
from pathlib import Path

import orjson
from loadtools import Figures, P, ensure_wrk, start_mock, stop, wrk

#: (pattern on a frame's file, layer), the first match wins; files py-spy prints relative to
#: their site-packages or source root.
LAYERS: tuple[tuple[str, str], ...] = (
    (r"^logging/", "access log (stdlib logging)"),
    (r"^uvicorn/protocols/http/", "uvicorn httptools protocol"),
    (r"^uvicorn/middleware/proxy_headers", "uvicorn ProxyHeadersMiddleware"),
    (r"^uvicorn/", "uvicorn, other"),
    (r"^servicestub/server\.py", "servicestub server.py (limits, cut answers)"),
    (r"^connexion/middleware/(\w+)\.py", "connexion middleware: {0}"),
    (r"^connexion/decorators/(\w+)\.py", "connexion decorators: {0}"),
    (r"^connexion/(validators|uri_parsing|json_schema)", "connexion validation, URI parsing"),
    (r"^connexion/(\w+)", "connexion: {0}"),
    (r"^starlette/routing\.py", "starlette routing"),
    (r"^starlette/middleware/cors\.py", "starlette CORS"),
    (r"^starlette/(\w+)", "starlette: {0}"),
    (r"^servicestub/middleware/(\w+)\.py", "servicestub middleware: {0}"),
    (r"^servicestub/app/validation\.py", "validation (ours, jsonschema-rs)"),
    (r"^servicestub/app/jsonifier\.py", "serialisation (orjson jsonifier)"),
    (r"^servicestub/app/(\w+)", "servicestub connexion wiring: {0}"),
    (r"^servicestub/handlers/", "handler"),
    (r"^servicestub/engine/(paging|collection|index)", "engine list/sort/page, lookup"),
    (r"^servicestub/engine/", "engine, other"),
    (r"^servicestub/apis/", "API rules and views"),
    (r"^servicestub/control/", "control (journal, faults, Prefer)"),
    (r"^servicestub/", "servicestub, other"),
    (r"^(jsonschema_rs|orjson|openapi_core|jsonschema)", "validation libraries"),
    (r"^(asyncio|uvloop)/", "event loop"),
)
#: (pattern on a layer, the part of the request path it belongs to), the first match wins.
GROUPS: tuple[tuple[str, str], ...] = (
    (r"^socket write", "kernel: socket write (loopback TCP, waking wrk; CPU contention)"),
    (r"^access log", "uvicorn access log"),
    (r"^(uvicorn|servicestub server\.py|event loop)", "uvicorn + httptools, our protocol"),
    (r"routing", "routing (connexion's and the inner app's Starlette routers)"),
    (
        r"validation|uri_parser|decorators: parameter",
        "parameters: URI parsing, validation, argument passing",
    ),
    (r"^(handler|API rules|servicestub connexion wiring: (resolver|operations))", "the handler"),
    (r"^engine", "the engine (list/sort/page, lookup)"),
    (r"serialisation|decorators: response|starlette: responses", "serialisation, the response"),
    (
        r"^(servicestub middleware|control|servicestub, other|servicestub connexion)",
        "our middlewares and wiring",
    ),
    (r"^(connexion|starlette)", "connexion's middleware chain (and Starlette under it)"),
    (r".", "other"),
)
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^:()]+):\d+\)$")


def layer_of(stack: str) -> str:
    """The layer of the innermost frame of ``stack`` (py-spy raw: outermost;...;innermost)
    that belongs to one; the event loop when none does."""
    for frame in reversed(stack.split(";")):
        match = FRAME.match(frame)
        if not match:
            continue
        file = match["file"]
        if match["function"] == "RequestResponseCycle.send" and "httptools_impl" in file:
            return "socket write (uvicorn's send: transport.write)"
        for pattern, layer in LAYERS[:-1]:
            found = re.search(pattern, file)
            if found:
                return layer.format(*found.groups())
    return "event loop"


def group_of(layer: str) -> str:
    return next(group for pattern, group in GROUPS if re.search(pattern, layer))


def read_raw(path: Path) -> Counter[str]:
    """Layer sample counts of a py-spy raw (collapsed stacks) file."""
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        counts[layer_of(stack)] += int(count)
    return counts


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is missing: pip install py-spy")
    return found


def profile(
    binary: str,
    pid: int,
    url: str,
    seconds: int,
    rate: int,
    connections: int,
    nonblocking: bool = False,
) -> tuple[Counter[str], Figures]:
    """Layer sample counts of ``pid`` while wrk loads ``url`` (a second longer on each side)."""
    wrk(binary, url, threads=1, connections=connections, duration="2s")  # warm-up
    figures: Figures = {}
    load = threading.Thread(
        target=lambda: figures.update(
            wrk(binary, url, threads=1, connections=connections, duration=f"{seconds + 2}s")
        )
    )
    load.start()
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False, prefix="profile15-") as raw:
        subprocess.run(
            [
                *(py_spy(), "record", "--pid", str(pid), "-r", str(rate), "-d", str(seconds)),
                *(("--nonblocking",) if nonblocking else ()),
                *("--format", "raw", "-o", raw.name),
            ],
            check=True,
            capture_output=True,
            timeout=seconds + 60,
        )
    load.join()
    print(f"raw stacks: {raw.name}", file=sys.stderr)
    return read_raw(Path(raw.name)), figures


def report(case: str, counts: Counter[str], figures: Figures) -> None:
    total = sum(counts.values())
    per_request_us = 1e6 / figures["rps"]
    print(
        f"\n{case}: {figures['rps']:.0f} req/s under profile ({total} samples), "
        f"so ~{per_request_us:.0f} µs a request\n"
    )
    groups: Counter[str] = Counter()
    for layer, count in counts.items():
        groups[group_of(layer)] += count
    for title, table in (("part of the request path", groups), ("layer", counts)):
        print(f"| {title} | share | µs per request |\n|---|---|---|")
        for name, count in table.most_common():
            share = count / total
            print(f"| {name} | {100 * share:.1f} % | {share * per_request_us:.0f} |")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=9)
    parser.add_argument("--rate", type=int, default=250)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--nonblocking",
        action="store_true",
        help="py-spy samples without pausing the server (less overhead, less exact)",
    )
    parser.add_argument("--only", choices=("list", "get"), help="profile one case only")
    parser.add_argument(
        "--raw",
        nargs=2,
        metavar=("FILE", "REQS_PER_S"),
        help="analyse saved py-spy raw stacks measured at REQS_PER_S instead of a new run",
    )
    options, serve = parser.parse_known_args()
    if options.raw:
        report(options.raw[0], read_raw(Path(options.raw[0])), {"rps": float(options.raw[1])})
        return
    binary = ensure_wrk()
    mock, origin, _ = start_mock(*serve)
    try:
        listing = f"{origin}{P}/service-orders?perPage=20"
        uid = orjson.loads(urllib.request.urlopen(listing).read())["data"][0]["serviceOrderUid"]
        for case, url in (
            ("list 20 orders", listing),
            ("get one order", f"{origin}{P}/service-orders/{uid}"),
        ):
            if options.only and not case.startswith(options.only):
                continue
            counts, figures = profile(
                binary,
                mock.pid,
                url,
                options.seconds,
                options.rate,
                options.connections,
                options.nonblocking,
            )
            report(case, counts, figures)
    finally:
        stop(mock)


if __name__ == "__main__":
    main()
