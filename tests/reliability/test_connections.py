"""Connection limits of every servicestub server (servicestub.server): the size
of a request head, clients that stall or drip-feed, too many connections, and
the problems uvicorn would otherwise answer as text/plain."""

from __future__ import annotations

import itertools
import re
import select
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicestub import Settings, create_app
from servicestub.server import ConnectionLimits, serving

LIMITS = ConnectionLimits(
    max_header_bytes=2048, idle_timeout=0.5, header_timeout=1.5, max_connections=1000
)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def problem(self) -> dict:
        assert self.headers["content-type"] == "application/problem+json", self
        problem = orjson.loads(self.body)
        assert problem["status"] == self.status and problem["title"] and problem["detail"]
        return problem


def _port(origin: str) -> int:
    return int(origin.rsplit(":", 1)[1])


def exchange(
    port: int, chunks: Sequence[bytes], pause: float = 0.0, sock: socket.socket | None = None
) -> Answer:
    """Send ``chunks`` (``pause`` s apart; no more once the server answered), then
    read until the server closes."""
    start = time.monotonic()
    sock = sock or socket.create_connection(("127.0.0.1", port), timeout=10)
    with sock:
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # answered already
            try:
                sock.sendall(chunk)
            except OSError:
                break
            time.sleep(pause)
        data = b""
        try:
            while part := sock.recv(65536):
                data += part
        except OSError:
            pass
    seconds = time.monotonic() - start
    if not data:
        return Answer(0, {}, b"", seconds)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return Answer(
        int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body, seconds
    )


def health_request(pad: int) -> bytes:
    return (
        b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"X-Pad: " + b"a" * pad + b"\r\n\r\n"
    )


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with serving(create_app(Settings()), log_level="error", limits=LIMITS) as origin:
        yield _port(origin)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pad=st.integers(LIMITS.max_header_bytes - 200, LIMITS.max_header_bytes + 200)
    | st.integers(0, 40 * LIMITS.max_header_bytes),
    cuts=st.lists(st.integers(1, 10**6), max_size=6),
)
def test_a_head_over_the_limit_is_a_431_however_it_arrives(port, pad, cuts):
    request = health_request(pad)
    head = len(request)
    points = sorted({cut % head for cut in cuts} | {0, head})
    chunks = [request[a:b] for a, b in itertools.pairwise(points)]
    answer = exchange(port, chunks)
    if head <= LIMITS.max_header_bytes:
        assert answer.status == 200, answer
    else:
        assert answer.status == 431, answer
        assert f"limit of {LIMITS.max_header_bytes} bytes" in answer.problem()["detail"]


def test_the_default_limit_refuses_a_megabyte_header_and_answers_others():
    with serving(create_app(Settings()), log_level="error") as origin:
        big = exchange(_port(origin), [health_request(1 << 20)])
        assert big.status == 431, big
        assert "65536 bytes" in big.problem()["detail"]
        assert exchange(_port(origin), [health_request(60_000)]).status == 200


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_timeout(port):
    answer = exchange(port, [])
    assert answer.status == 0  # closed without a word: nothing was asked
    assert LIMITS.idle_timeout * 0.8 <= answer.seconds <= LIMITS.idle_timeout + 2


def test_a_head_that_stops_arriving_is_a_408(port):
    answer = exchange(port, [b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-"])
    assert answer.status == 408 and "stopped arriving" in answer.problem()["detail"]
    assert answer.seconds <= LIMITS.idle_timeout + 2


def test_a_head_sent_a_byte_at_a_time_is_cut_at_the_header_timeout(port):
    drip = [bytes([byte]) for byte in health_request(200)]  # never idle for long
    answer = exchange(port, drip, pause=LIMITS.idle_timeout / 5)
    assert answer.status == 408, answer
    assert "not complete 1.5 s after its first byte" in answer.problem()["detail"]
    assert LIMITS.header_timeout * 0.8 <= answer.seconds <= LIMITS.header_timeout + 2


def test_a_client_waiting_for_a_slow_answer_is_not_cut(port):
    request = (
        b"GET /v1/tenants/slow/service-types HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Prefer: delay=1500\r\n\r\n"
    )
    answer = exchange(port, [request])
    assert answer.status == 200 and answer.seconds >= 1.5


def test_a_large_body_held_back_by_a_fault_delay_is_not_cut(port):
    rule = orjson.dumps({"method": "POST", "path": "/v1/tenants/slow/*", "delayMs": 1500})
    created = exchange(
        port,
        [
            b"POST /_mock/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(rule), rule)
        ],
    )
    assert created.status == 201, created
    body = orjson.dumps({"name": "x" * 600_000, "price": 5})
    answer = exchange(
        port,
        [
            b"POST /v1/tenants/slow/hourly-rates HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Connection: close\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body),
            body,
        ],
    )
    assert answer.status in (201, 400), answer  # answered, whatever the rules say of it
    assert answer.seconds >= 1.5


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /_mock/health HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET /\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"POST /_mock/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
        b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\x00b\r\n\r\n",
    ],
    ids=["request line", "header line", "byte in path", "content-length", "NUL in value"],
)
def test_a_request_that_is_not_http_is_a_problem_json_400(port, request_bytes):
    answer = exchange(port, [request_bytes])
    assert answer.status == 400, answer
    assert answer.problem()["detail"].startswith("The request is not valid HTTP/1.1 (")
    assert answer.headers["connection"] == "close"


def test_answers_owed_before_a_broken_request_are_sent_first(port):
    ok = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nPrefer: delay=300\r\n\r\n"
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(ok + b"GARBAGE\r\n\r\n")
    answer = exchange(port, [], sock=sock)
    assert answer.status == 200, answer
    second = answer.body.partition(b"HTTP/1.1 ")[2]
    assert second.startswith(b"400 ") and b"application/problem+json" in second


def test_idle_connections_hold_the_limit_only_until_their_timeout():
    limits = ConnectionLimits(idle_timeout=1.0, max_connections=8)
    with serving(create_app(Settings()), log_level="error", limits=limits) as origin:
        port = _port(origin)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
        try:
            time.sleep(0.2)
            full = exchange(port, [health_request(0)])
            assert full.status == 503, full
            assert "limit of 8 connections" in full.problem()["detail"]
            time.sleep(limits.idle_timeout + 0.5)  # the idle ones are dropped by now
            assert exchange(port, [health_request(0)]).status == 200
            assert all(sock.recv(1) == b"" for sock in idle)  # closed by the server
        finally:
            for sock in idle:
                sock.close()


@pytest.mark.parametrize(
    "framing",
    [
        b"ffffffffffffffffffff\r\n",  # a chunk size past 64 bits
        b"zz\r\n",  # a chunk size that is not hex
        b"2\r\n{}XX",  # chunk data not followed by CRLF
        b"2\r\n{}\r\n0\r\nX-Trailer\r\n\r\n",  # a trailer line without a colon
    ],
    ids=["size overflow", "size not hex", "no CRLF after data", "broken trailer"],
)
def test_a_body_whose_chunked_framing_breaks_is_a_400_and_closed(port, framing):
    # The head was complete, so the app already waits for the body: it must be
    # told the body will not come, not left waiting with the connection open.
    head = (
        b"POST /v1/tenants/chunks/stores/s/service-orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer = exchange(port, [head, framing], pause=0.1)
    assert answer.status == 400, answer
    assert answer.problem()["detail"].startswith("The request is not valid HTTP/1.1 (")
    assert answer.seconds <= LIMITS.idle_timeout + 2


def test_a_pipelined_body_whose_framing_breaks_is_answered_after_the_answers_owed(port):
    ok = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nPrefer: delay=300\r\n\r\n"
    broken = (
        b"POST /v1/tenants/chunks/stores/s/service-orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    )
    answer = exchange(port, [ok + broken])
    assert answer.status == 200, answer
    rest = answer.body.partition(b"HTTP/1.1 ")[2]
    assert rest.startswith(b"400 ") and b"application/problem+json" in rest, answer
    assert len(re.findall(rb"HTTP/1\.1 \d{3} ", answer.body)) == 1  # one answer each, no more
    assert answer.seconds <= LIMITS.idle_timeout + 2
