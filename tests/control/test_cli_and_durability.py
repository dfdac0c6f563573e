"""The command line: scenarios, snapshots, serve's safety rules, and --state
surviving a restart; determinism across processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from servicestub.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_scenarios_list_shows_descriptions():
    result = CliRunner().invoke(main, ["scenarios", "list"])
    assert result.exit_code == 0
    assert "busy-store" in result.output and "Hundreds of orders" in result.output


def test_scenarios_validate_names_file_path_and_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "description: broken\ntenants:\n  acme:\n    stores:\n      north:\n"
        "        serviceOrders:\n"
        "          - {}\n          - {}\n          - {}\n          - {priority: HUGE}\n"
    )
    result = CliRunner().invoke(
        main, ["scenarios", "validate", str(bad), str(ROOT / "fixtures/empty.yaml")]
    )
    assert result.exit_code == 1
    assert (
        f"{bad}: tenants.acme.stores.north.serviceOrders[3].priority: "
        "'HUGE' is not one of NONE, LOW, NORMAL, HIGH, URGENT"
    ) in result.output
    assert "empty.yaml: ok" in result.output


def test_every_shipped_scenario_is_valid():
    paths = sorted(str(p) for p in (ROOT / "fixtures").glob("*.yaml"))
    result = CliRunner().invoke(main, ["scenarios", "validate", *paths])
    assert result.exit_code == 0, result.output


def test_serve_refuses_a_public_address_without_admin_token(monkeypatch):
    monkeypatch.delenv("SERVICESTUB_ADMIN_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "--admin-token" in result.output


def _snapshot_in_new_process(tmp_path: Path, name: str) -> bytes:
    out = tmp_path / name
    subprocess.run(
        [
            sys.executable,
            "-m",
            "servicestub",
            "snapshot",
            "--seed",
            "9",
            "--scenario",
            "overdue-and-urgent",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def test_same_seed_and_scenario_give_identical_state_across_processes(tmp_path):
    first = _snapshot_in_new_process(tmp_path, "a.json")
    assert first == _snapshot_in_new_process(tmp_path, "b.json")
    assert json.loads(first)["orders"]["tenants"][0]["tenantId"] == "acme"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port: int, state: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "servicestub", "serve", "--port", str(port), "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_mock/health", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("server did not start")


def _get(port: int, path: str) -> bytes:
    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()


def test_state_saved_on_shutdown_comes_back_identical(tmp_path):
    state, port = tmp_path / "state.json", _free_port()
    server = _serve(port, state)
    try:
        types = json.loads(_get(port, "/v1/tenants/kept/service-types"))["data"]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/tenants/kept/stores/main/service-orders",
            data=json.dumps(
                {"title": "Kept order", "serviceTypeUid": types[0]["serviceTypeUid"]}
            ).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        assert urllib.request.urlopen(request, timeout=5).status == 201
        before = _get(port, "/_mock/state")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert state.exists() and state.read_bytes() == before
    server = _serve(port, state)
    try:
        assert _get(port, "/_mock/state") == before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_corrupt_state_file_is_refused_and_left_untouched(tmp_path):
    state = tmp_path / "state.json"
    state.write_bytes(b'{"format": "servicestub-state", "version": 0}')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicestub",
            "serve",
            "--port",
            str(_free_port()),
            "--state",
            str(state),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert result.returncode != 0
    assert "version 0 is not supported" in result.stdout + result.stderr
    assert state.read_bytes() == b'{"format": "servicestub-state", "version": 0}'
