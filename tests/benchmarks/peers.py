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

BENCH_PEER_DURATION (default 8s) is each measured wrk run, BENCH_WARMUP (default 2s)
each server's and case's warm-up (BENCH_JVM_WARMUP, default 6s, WireMock's), BENCH_ROUNDS
(default 1) how many rounds measure every server in turn (all of them up at once): the
tables give medians, and the ratios' range over the rounds (each taken within one round)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
import yaml
from loadtools import (
    ROOT,
    Figures,
    P,
    ensure_command,
    ensure_wrk,
    free_port,
    start_mock,
    stop,
    uvicorn_command,
    wait_for,
    wrk,
)

HERE = Path(__file__).parent
PEERS_DIR = HERE / ".peers"
#: Pinned so every run measures the same peers.
NPM_PACKAGES = ("json-server@0.17.4", "wiremock@3.13.2", "@stoplight/prism-cli@5.14.2")
DURATION = os.environ.get("BENCH_PEER_DURATION", "8s")
WARMUP = os.environ.get("BENCH_WARMUP", "2s")
JVM_WARMUP = os.environ.get("BENCH_JVM_WARMUP", "6s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
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
    #: wrk's warm-up of each case before any is measured; the JVM's JIT needs longer.
    warmup: str = WARMUP


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
                *("npm", "install", "--silent", "--no-audit", "--no-fund", "--save-exact"),
                *("--prefix", str(PEERS_DIR), *NPM_PACKAGES),
            ],
            check=True,
            timeout=900,
        )
    return modules


def ensure_java() -> str:
    return ensure_command("java", "openjdk-17-jre-headless")


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
    return uvicorn_command("bare_app:app", port)


def _servicestub(*options: str) -> Callable[[Captured, Path, int], list[str]]:
    def command(_captured: Captured, _workdir: Path, port: int) -> list[str]:
        return [sys.executable, "-m", "servicestub", "serve", "--port", str(port), *options]

    return command


SERVICESTUB = "servicestub"
SERVICESTUB_RESPONSES = "servicestub, responses validated"
JSON_SERVER = "json-server 0.17"
WIREMOCK = "WireMock 3.13"
PRISM = "Prism 5"
BARE = "bare Starlette + orjson"
PEERS = (
    Peer(SERVICESTUB, _servicestub()),
    Peer(SERVICESTUB_RESPONSES, _servicestub("--validate-responses")),
    Peer(
        JSON_SERVER,
        _json_server,
        env=lambda _w: {"NODE_PATH": str(PEERS_DIR / "node_modules")},
    ),
    Peer(WIREMOCK, _wiremock, warmup=JVM_WARMUP),
    Peer(PRISM, _prism, drop_prefix="/v1"),
    Peer(
        BARE,
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


@contextlib.contextmanager
def serving(peer: Peer, captured: Captured) -> Iterator[dict[str, str]]:
    """``peer`` serving ``captured`` on a free port until the block ends: its URL per case."""
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
            yield urls
        finally:
            stop(process)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


#: Runs[peer][case]: one wrk figure per round.
Runs = dict[str, dict[str, list[Figures]]]


def run_all(binary: str, captured: Captured, rounds: int) -> tuple[Runs, dict[str, dict[str, str]]]:
    """Every peer up at once (the idle ones cost nothing), each warmed up and its bodies
    checked, then ``rounds`` rounds each measuring every peer and case in turn, so that a
    change of the machine's load falls on all of them alike."""
    with contextlib.ExitStack() as stack:
        urls = {peer.name: stack.enter_context(serving(peer, captured)) for peer in PEERS}
        bodies = {
            name: {
                case: same_body(captured.bodies[case], urllib.request.urlopen(url).read())
                for case, url in cases.items()
            }
            for name, cases in urls.items()
        }
        for peer in PEERS:
            for url in urls[peer.name].values():
                wrk(binary, url, duration=peer.warmup)
        runs: Runs = {name: {case: [] for case in CASES} for name in urls}
        for _ in range(rounds):
            for name, cases in urls.items():
                for case, url in cases.items():
                    runs[name][case].append(wrk(binary, url, duration=DURATION))
    return runs, bodies


def ratio(mine: list[Figures], theirs: list[Figures], *, percent: bool = False) -> str:
    """The median of the per-round ratios of req/s (as a percentage with ``percent``), with
    their range when there were several rounds."""
    ratios = [
        a["rps"] / b["rps"] * (100 if percent else 1) if b["rps"] else float("inf")
        for a, b in zip(mine, theirs, strict=True)
    ]
    form, unit = (".0f", " %") if percent else (".2f", "x")
    text = f"{median(ratios):{form}}{unit}"
    if len(ratios) > 1:
        text += f" ({min(ratios):{form}}-{max(ratios):{form}})"
    return text


def compare(binary: str, rounds: int = ROUNDS) -> Runs:
    """Every peer measured in this run, then the two tables printed."""
    ensure_peers()
    mock, origin, _ = start_mock()
    try:
        captured = capture(origin)
    finally:
        stop(mock)
    runs, bodies = run_all(binary, captured, rounds)
    print(
        f"\npeers, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"wrk -t2 -c32 -d{DURATION} after a {WARMUP} warm-up each ({JVM_WARMUP} WireMock's), "
        f"{rounds} round(s) "
        "(medians); bodies: "
        + ", ".join(f"{case} {len(captured.bodies[case])} B" for case in CASES)
        + " (servicestub's, fed to each peer)\n"
    )
    print(
        "| server | list req/s | p50 ms | p99 ms | get req/s | p50 ms | p99 ms "
        "| non-2xx | timeouts | list body | get body |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, cases in runs.items():
        cells = " | ".join(
            " | ".join(
                f"{median([f[key] for f in cases[case]]):{form}}"
                for key, form in (("rps", ".0f"), ("p50", ".2f"), ("p99", ".2f"))
            )
            for case in CASES
        )
        bad = sum(f["non2xx"] for case in CASES for f in cases[case])
        timeouts = sum(f["timeouts"] for case in CASES for f in cases[case])
        print(
            f"| {name} | {cells} | {bad} | {timeouts} "
            f"| {bodies[name][CASES[0]]} | {bodies[name][CASES[1]]} |"
        )
    print(
        "\n| servicestub | case | vs WireMock (>= 1.0) | vs json-server (>= 1.0) "
        "| vs Prism (>= 1.5; >= 1.0 validating responses) | of bare (>= 40 %) |"
    )
    print("|---|---|---|---|---|---|")
    for name in (SERVICESTUB, SERVICESTUB_RESPONSES):
        label = "requests validated" if name == SERVICESTUB else "requests + responses validated"
        for case in CASES:
            mine = runs[name][case]
            print(
                f"| {label} | {case} | {ratio(mine, runs[WIREMOCK][case])} "
                f"| {ratio(mine, runs[JSON_SERVER][case])} "
                f"| {ratio(mine, runs[PRISM][case])} "
                f"| {ratio(mine, runs[BARE][case], percent=True)} |"
            )
    if any(body == "DIFFERENT" for cases in bodies.values() for body in cases.values()):
        print("\nA peer served a DIFFERENT body: its figures do not compare.")
    return runs


if __name__ == "__main__":
    compare(ensure_wrk())
