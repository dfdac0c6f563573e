"""`make bench`'s comparison with every peer in one run (issue #15 point 5).

servicestub (request validation, then request + response validation), json-server 0.17,
WireMock 3.13, Stoplight Prism 5 and bare Starlette + orjson on servicestub's uvicorn
settings, each serving the same bodies servicestub answered for "list 20 orders" and
"get one order" (captured from servicestub first, then fed to json-server's db,
WireMock's stubs, Prism's spec examples and the bare app), under identical wrk load.
Each server gets a short warm-up (the JVM's JIT most of all) before it is measured, and
its bodies are checked against servicestub's. Prints the figures and the ratios the
issue sets targets for. The peers install themselves from npm into the git-ignored
``tests/benchmarks/.peers``; a JVM from Debian's packages when ``java`` is missing.

    PYTHONPATH=src python tests/benchmarks/peers.py     (or `make bench-peers`)

BENCH_PEER_DURATION (default 8s) is each measured wrk run; BENCH_WARMUP (default 2s)
each server's warm-up."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import yaml
from loadtools import ROOT, Figures, P, ensure_wrk, free_port, start_mock, stop, wait_for, wrk

HERE = Path(__file__).parent
PEERS_DIR = HERE / ".peers"
#: Pinned so every run measures the same peers.
NPM_PACKAGES = ("json-server@0.17.4", "wiremock@3.13.2", "@stoplight/prism-cli@5.14.2")
DURATION = os.environ.get("BENCH_PEER_DURATION", "8s")
WARMUP = os.environ.get("BENCH_WARMUP", "2s")
CASES = ("list 20 orders", "get one order")


@dataclass(frozen=True)
class Captured:
    """servicestub's answers for the two cases, the bodies every peer must serve."""

    paths: dict[str, str]
    bodies: dict[str, bytes]

    def value(self, case: str) -> object:
        return orjson.loads(self.bodies[case])


@dataclass(frozen=True)
class Peer:
    """A server to measure: the command serving ``captured`` on ``port`` (files in
    ``workdir``), extra environment, and the base path it drops from servicestub's."""

    name: str
    command: Callable[[Captured, Path, int], list[str]]
    env: Callable[[Path], dict[str, str]] = lambda _workdir: {}
    drop_prefix: str = ""
    ready_timeout: float = 120


def ensure_peers() -> Path:
    """``.peers/node_modules``, installing the pinned npm packages when one is missing."""
    modules = PEERS_DIR / "node_modules"
    wanted = [modules / "json-server", modules / "wiremock", modules / "@stoplight" / "prism-cli"]
    if not all(path.exists() for path in wanted):
        if not shutil.which("npm"):
            raise SystemExit("npm is missing (Debian: apt-get install npm): no peers to run")
        print(f"installing {', '.join(NPM_PACKAGES)} into {PEERS_DIR} ...", file=sys.stderr)
        PEERS_DIR.mkdir(exist_ok=True)
        subprocess.run(
            [
                *("npm", "install", "--silent", "--no-audit", "--no-fund"),
                *("--prefix", str(PEERS_DIR), *NPM_PACKAGES),
            ],
            check=True,
            timeout=900,
        )
    return modules


def ensure_java() -> str:
    found = shutil.which("java")
    if found:
        return found
    print("installing openjdk-17-jre-headless from Debian's packages ...", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "openjdk-17-jre-headless"], check=True)
    return shutil.which("java") or "java"


def capture(origin: str) -> Captured:
    """servicestub's list page of 20 and the first order on it, as answered."""
    listing = f"{P}/service-orders?perPage=20"
    page = urllib.request.urlopen(origin + listing).read()
    uid = orjson.loads(page)["data"][0]["serviceOrderUid"]
    one = f"{P}/service-orders/{uid}"
    return Captured(
        paths={CASES[0]: listing, CASES[1]: one},
        bodies={CASES[0]: page, CASES[1]: urllib.request.urlopen(origin + one).read()},
    )


def _orders(captured: Captured) -> list[object]:
    """The orders of the page, the one read whole (as a get answers it) first."""
    one = captured.value(CASES[1])
    page = captured.value(CASES[0])
    assert isinstance(one, dict) and isinstance(page, dict)
    rest = [o for o in page["data"] if o["serviceOrderUid"] != one["serviceOrderUid"]]
    return [one, *rest]


def _json_server(captured: Captured, workdir: Path, port: int) -> list[str]:
    db = workdir / "db.json"
    db.write_text(
        json.dumps({"page": captured.value(CASES[0]), "service-orders": _orders(captured)})
    )
    return ["node", str(HERE / "jsonserver.js"), str(db), str(port)]


def _wiremock(captured: Captured, workdir: Path, port: int) -> list[str]:
    root = workdir / "wiremock"
    (root / "mappings").mkdir(parents=True)
    (root / "__files").mkdir()
    for number, case in enumerate(CASES):
        (root / "__files" / f"{number}.json").write_bytes(captured.bodies[case])
        stub = {
            "request": {"method": "GET", "url": captured.paths[case]},
            "response": {
                "status": 200,
                "bodyFileName": f"{number}.json",
                "headers": {"Content-Type": "application/json"},
            },
        }
        (root / "mappings" / f"{number}.json").write_text(json.dumps(stub))
    jar = next((PEERS_DIR / "node_modules" / "wiremock").rglob("wiremock-standalone-*.jar"))
    return [
        ensure_java(),
        "-jar",
        str(jar),
        "--port",
        str(port),
        "--bind-address",
        "127.0.0.1",
        "--root-dir",
        str(root),
        "--disable-banner",
    ]


#: The spec's two operations the cases call, under its ``/v1`` server.
OPERATIONS = {
    CASES[0]: "/tenants/{tenantId}/stores/{storeId}/service-orders",
    CASES[1]: "/tenants/{tenantId}/stores/{storeId}/service-orders/{serviceOrderUid}",
}


def _prism(captured: Captured, workdir: Path, port: int) -> list[str]:
    """Prism mocking the real spec (so it validates requests against it), each of the two
    operations' 200 answer carrying servicestub's body as its only example."""
    spec = yaml.safe_load((ROOT / "openapi" / "service-orders.yaml").read_text())
    for case, path in OPERATIONS.items():
        media = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        media.pop("examples", None)
        media["example"] = captured.value(case)
    target = workdir / "prism.json"
    target.write_text(json.dumps(spec))
    prism = PEERS_DIR / "node_modules" / ".bin" / "prism"
    return [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), str(target)]


def _bare(captured: Captured, workdir: Path, port: int) -> list[str]:
    one = captured.value(CASES[1])
    assert isinstance(one, dict)
    answers = {"list": captured.value(CASES[0]), "orders": {one["serviceOrderUid"]: one}}
    (workdir / "bare.json").write_bytes(orjson.dumps(answers))
    # servicestub's settings (servicestub/server.py): httptools, no websockets, keep-alive
    # 5 s, log level info with the access log on (its output discarded, as here).
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(HERE),
        "bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--http",
        "httptools",
        "--ws",
        "none",
        "--timeout-keep-alive",
        "5",
        "--log-level",
        "info",
    ]


def _servicestub(*options: str) -> Callable[[Captured, Path, int], list[str]]:
    def command(_captured: Captured, _workdir: Path, port: int) -> list[str]:
        return [sys.executable, "-m", "servicestub", "serve", "--port", str(port), *options]

    return command


SERVICESTUB = "servicestub"
SERVICESTUB_RESPONSES = "servicestub, responses validated"
PEERS = (
    Peer(SERVICESTUB, _servicestub()),
    Peer(SERVICESTUB_RESPONSES, _servicestub("--validate-responses")),
    Peer(
        "json-server 0.17",
        _json_server,
        env=lambda _w: {"NODE_PATH": str(PEERS_DIR / "node_modules")},
    ),
    Peer("WireMock 3.13", _wiremock),
    Peer("Prism 5", _prism, drop_prefix="/v1"),
    Peer(
        "bare Starlette + orjson",
        _bare,
        env=lambda w: {"BENCH_BARE_ANSWERS": str(w / "bare.json")},
    ),
)


def same_body(captured: bytes, served: bytes) -> str:
    """How ``served`` compares with servicestub's body."""
    if served == captured:
        return "identical"
    if orjson.loads(served) == orjson.loads(captured):
        return f"same JSON, {len(served) - len(captured):+d} bytes"
    return "DIFFERENT"


def measure(binary: str, peer: Peer, captured: Captured) -> dict[str, Figures]:
    """The peer's figures for each case, after its warm-up, with how its bodies compare."""
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as name:
        workdir = Path(name)
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        urls = {
            case: origin + path.removeprefix(peer.drop_prefix)
            for case, path in captured.paths.items()
        }
        process = subprocess.Popen(
            peer.command(captured, workdir, port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=os.environ | peer.env(workdir),
            cwd=workdir,
        )
        try:
            wait_for(urls[CASES[0]], timeout=peer.ready_timeout)
            results: dict[str, Figures] = {}
            for case, url in urls.items():
                body = urllib.request.urlopen(url).read()
                wrk(binary, url, duration=WARMUP)
                results[case] = wrk(binary, url, duration=DURATION) | {
                    "body": same_body(captured.bodies[case], body)
                }
            return results
        finally:
            stop(process)


def ratio(mine: Figures, theirs: Figures | None) -> str:
    return f"{mine['rps'] / theirs['rps']:.2f}x" if theirs and theirs["rps"] else "-"


def compare(binary: str) -> dict[str, dict[str, Figures]]:
    """Every peer measured in this run, then the two tables printed."""
    modules = ensure_peers()
    assert modules.exists()
    mock, origin, _ = start_mock()
    try:
        captured = capture(origin)
    finally:
        stop(mock)
    figures = {peer.name: measure(binary, peer, captured) for peer in PEERS}
    print(
        f"\npeers, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"wrk -t2 -c32 -d{DURATION} after a {WARMUP} warm-up each; bodies of "
        + ", ".join(f"{case} {len(captured.bodies[case])} B" for case in CASES)
        + " (servicestub's, fed to each peer)\n"
    )
    print(
        "| server | list req/s | p50 ms | p99 ms | get req/s | p50 ms | p99 ms "
        "| non-2xx | timeouts | bodies |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, cases in figures.items():
        cells = " | ".join(
            f"{cases[case]['rps']:.0f} | {cases[case]['p50']:.2f} | {cases[case]['p99']:.2f}"
            for case in CASES
        )
        bad = sum(cases[case]["non2xx"] for case in CASES)
        timeouts = sum(cases[case]["timeouts"] for case in CASES)
        bodies = "; ".join(sorted({cases[case]["body"] for case in CASES}))
        print(f"| {name} | {cells} | {bad} | {timeouts} | {bodies} |")
    print(
        "\n| servicestub | case | vs WireMock (>= 1.0) | vs json-server (>= 1.0) "
        "| vs Prism (>= 1.5; >= 1.0 validating responses) | of bare (>= 40 %) |"
    )
    print("|---|---|---|---|---|---|")
    bare = figures["bare Starlette + orjson"]
    for name in (SERVICESTUB, SERVICESTUB_RESPONSES):
        label = "requests validated" if name == SERVICESTUB else "requests + responses validated"
        for case in CASES:
            mine = figures[name][case]
            print(
                f"| {label} | {case} | {ratio(mine, figures['WireMock 3.13'][case])} "
                f"| {ratio(mine, figures['json-server 0.17'][case])} "
                f"| {ratio(mine, figures['Prism 5'][case])} "
                f"| {100 * mine['rps'] / bare[case]['rps']:.0f} % |"
            )
    return figures


if __name__ == "__main__":
    compare(ensure_wrk())
