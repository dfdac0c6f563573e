"""The command line: scenarios, snapshots, serve's safety rules, and --state
surviving a restart; determinism across processes."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.cli import main
from servicestub.control.snapshot import SnapshotError
from servicestub.core import files
from tests.api.helpers import assert_problem

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


def _serve(port: int, state: Path) -> subprocess.Popen[bytes]:
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


def _write_order(port: int, tenant: str) -> None:
    types = json.loads(_get(port, f"/v1/tenants/{tenant}/service-types"))["data"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/tenants/{tenant}/stores/main/service-orders",
        data=json.dumps({"title": "Kept", "serviceTypeUid": types[0]["serviceTypeUid"]}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    assert urllib.request.urlopen(request, timeout=5).status == 201


def _slow_request(port: int) -> threading.Thread:
    """A request still in flight when the server is told to stop (its answer is
    not awaited: the server may cut it)."""

    def ask() -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/_mock/health", headers={"Prefer": "delay=4000"}
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=30).read()

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    time.sleep(0.5)
    return thread


@pytest.mark.parametrize(
    "signals",
    [(signal.SIGTERM,), (signal.SIGINT,), (signal.SIGINT, signal.SIGINT), (signal.SIGHUP,)],
    ids=["SIGTERM", "Ctrl-C", "Ctrl-C twice during a request", "terminal closed (SIGHUP)"],
)
def test_every_way_of_stopping_saves_the_state(tmp_path, signals):
    state, port = tmp_path / "state.json", _free_port()
    server = _serve(port, state)
    try:
        _write_order(port, "kept")
        before = _get(port, "/_mock/state")
        if len(signals) > 1:
            _slow_request(port)  # the second Ctrl-C then cuts the wait for it short
        for number in signals:
            server.send_signal(number)
            time.sleep(0.3)
        output, _ = server.communicate(timeout=30)
    finally:
        server.kill()
    assert state.exists(), output.decode()
    assert state.read_bytes() == before
    assert b"state saved to" in output and b"Traceback" not in output


@pytest.mark.parametrize("case", ["missing folder", "folder is a file", "path is a folder"])
def test_a_state_file_that_could_not_be_written_is_refused_at_start(tmp_path, case, monkeypatch):
    (tmp_path / "a-file").write_text("x")
    path = {
        "missing folder": tmp_path / "no" / "such" / "state.json",
        "folder is a file": tmp_path / "a-file" / "state.json",
        "path is a folder": tmp_path,
    }[case]
    with pytest.raises(SnapshotError, match=re.escape(str(path))):
        create_app(Settings(state_file=path))

    def served(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr("servicestub.server.run", served)
    result = CliRunner().invoke(main, ["serve", "--state", str(path)])
    assert result.exit_code != 0 and str(path) in result.output, result.output
    assert "Traceback" not in result.output


def test_a_folder_without_write_permission_is_refused_at_start(tmp_path, monkeypatch):
    def denied(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    with pytest.raises(SnapshotError, match=r"cannot write in the folder .*Permission denied"):
        create_app(Settings(state_file=tmp_path / "state.json"))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def servicestub_log():
    records = _Records()
    logger = logging.getLogger("servicestub")
    logger.addHandler(records)
    yield records.messages
    logger.removeHandler(records)


@pytest.mark.parametrize("failure", ["disk full", "folder removed"])
def test_a_save_that_fails_later_is_a_409_and_keeps_the_previous_file(
    tmp_path, monkeypatch, servicestub_log, failure
):
    folder = tmp_path / "data"
    folder.mkdir()
    state = folder / "state.json"
    app = create_app(Settings(state_file=state))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/_mock/state/save").status_code == 200
        previous = state.read_bytes()
        client.post("/v1/tenants/lost/hourly-rates", json={"name": "New", "price": 5})
        if failure == "disk full":

            def full(_fd: int) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(files.os, "fsync", full)
            reason = "No space left on device"
        else:
            shutil.rmtree(folder)
            reason = "No such file or directory"
        problem = assert_problem(client.post("/_mock/state/save"), 409, reason)
        assert str(state) in problem["detail"]
    # The shutdown save fails the same way: said in the log, nothing raised.
    assert any(str(state) in message and reason in message for message in servicestub_log)
    if failure == "disk full":
        assert state.read_bytes() == previous
        assert [path.name for path in folder.iterdir()] == ["state.json"]  # no temporary left
    else:
        assert not folder.exists()


def test_a_save_that_fails_at_shutdown_says_why_without_a_traceback(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    port = _free_port()
    server = _serve(port, folder / "state.json")
    try:
        _write_order(port, "kept")
        shutil.rmtree(folder)
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    finally:
        server.kill()
    assert b"could not be written to" in output and b"No such file or directory" in output
    assert b"Traceback" not in output
