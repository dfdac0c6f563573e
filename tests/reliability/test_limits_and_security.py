"""Bounded memory, atomic state files, slow clients, and what answers never reveal."""

from __future__ import annotations

import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.apis.orders.public_hash import PublicHasher
from servicestub.core.files import write_atomic
from tests.api.helpers import assert_problem


def test_reading_many_invented_tenants_keeps_only_the_bound():
    app = create_app(Settings(max_clean_tenants=16))
    with TestClient(app) as client:
        client.post("/v1/tenants/kept/hourly-rates", json={"name": "Written", "price": 10})
        for number in range(2_000):
            assert client.get(f"/v1/tenants/fuzz{number}/service-types").status_code == 200
        held = app.runtime.orders.tenants()
        assert len([t for t in held if not t.dirty]) == 16
        assert "kept" in {t.tenant_id for t in held}
        again = client.get("/v1/tenants/fuzz0/service-types").json()
        with TestClient(create_app(Settings())) as fresh:
            assert fresh.get("/v1/tenants/fuzz0/service-types").json() == again


_WRITER = """
import sys
from pathlib import Path
from servicestub.core.files import write_atomic
path, a, b = Path(sys.argv[1]), Path(sys.argv[2]).read_bytes(), Path(sys.argv[3]).read_bytes()
print("ready", flush=True)
while True:
    write_atomic(path, a)
    write_atomic(path, b)
"""


def test_sigkill_while_saving_leaves_the_old_or_the_new_file(tmp_path):
    old = orjson.dumps({"format": "servicestub-state", "v": "old", "pad": "a" * 3_000_000})
    new = orjson.dumps({"format": "servicestub-state", "v": "new", "pad": "b" * 3_000_000})
    (tmp_path / "a").write_bytes(old)
    (tmp_path / "b").write_bytes(new)
    state = tmp_path / "state.json"
    write_atomic(state, old)
    chance = random.Random(20261122)
    for _ in range(25):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(state), str(tmp_path / "a"), str(tmp_path / "b")],
            stdout=subprocess.PIPE,
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
        time.sleep(chance.uniform(0.0, 0.05))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert state.read_bytes() in (old, new)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".state.json.")]
    assert len(leftovers) <= 25  # temp files of killed writers; the state file itself is whole


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_idle_and_half_sent_connections_do_not_block_other_clients():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "servicestub", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    idle: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        for number in range(200):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if number % 2:
                sock.sendall(
                    b"GET /v1/tenants/demo/service-types HTTP/1.1\r\nHost: x\r\n"
                )  # never finished
            idle.append(sock)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(
                b"GET /_mock/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")
    finally:
        for sock in idle:
            sock.close()
        server.terminate()
        server.wait(timeout=30)


def test_an_unexpected_error_reveals_no_trace_path_or_secret():
    app = create_app(Settings(secret="very-secret-value"))
    app.runtime.catalogue = object()  # every v4 handler now fails inside
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v4/Service/1001")
    problem = assert_problem(response, 500)
    text = response.text
    assert "Traceback" not in text and "/work" not in text and ".py" not in text
    assert "very-secret-value" not in text and "trackingId" in problem


def test_admin_token_errors_say_the_same_however_close_the_guess():
    with TestClient(create_app(Settings(admin_token="correct-horse-battery"))) as client:
        bodies = {
            client.get("/_mock/health", headers={"Authorization": f"Bearer {guess}"}).json()[
                "detail"
            ]
            for guess in ("", "c", "correct-horse-batter", "correct-horse-batteryX", "wrong")
        }
    assert len(bodies) == 1


def test_ten_thousand_random_and_mutated_hashes_never_open():
    hasher = PublicHasher.from_secret(None, 42)
    genuine = hasher.seal("demo", "main", "9839c062-738b-43b2-a37a-ad1a898a2370")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    chance = random.Random(7)
    for attempt in range(10_000):
        if attempt % 2:
            forged = "".join(chance.choice(alphabet) for _ in range(len(genuine)))
        else:
            chars = list(genuine)
            for _ in range(chance.randint(1, 3)):
                chars[chance.randrange(len(chars))] = chance.choice(alphabet)
            forged = "".join(chars)
        if forged != genuine:
            assert hasher.open(forged, "demo", "main") is None
    assert hasher.open(genuine, "demo", "other") is None
    assert hasher.open(genuine, "other", "main") is None


@pytest.mark.parametrize("store", ["main", "other"])
def test_a_public_hash_moved_to_another_store_is_404_over_http(client, store):
    order = client.get("/v1/tenants/demo/stores/main/service-orders").json()["data"][0]
    url = f"/v1/tenants/demo/stores/{store}/public/service-orders/{order['publicHash']}"
    response = client.get(url)
    assert response.status_code == (200 if store == "main" else 404)


def test_state_write_is_atomic_in_process(tmp_path: Path):
    target = tmp_path / "s.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two" and [p.name for p in tmp_path.iterdir()] == ["s.json"]
