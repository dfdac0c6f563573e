"""How servicestub's server shares its one process and writes (servicestub/server.py):
uvloop, with every pending connection accepted at once (``_Listener``), one write per
connection and turn of the loop (``_Coalesced``), and access lines rendered as uvicorn's
formatter renders them and written once per turn (``_AccessLog``), or left to logging when
it is set up otherwise."""

from __future__ import annotations

import asyncio
import errno
import io
import itertools
import logging
import os
import socket
import urllib.request
from typing import Any

import pytest
import uvloop
from hypothesis import given, settings
from hypothesis import strategies as st
from uvicorn.logging import AccessFormatter

from servicestub.server import (
    _ACCESS_FORMAT,
    _AccessLog,
    _Coalesced,
    _Listener,
    _listening,
    _Loop,
    event_loop,
    serving,
)

_names = itertools.count()


def _logger(formatter: logging.Formatter, level: int = logging.INFO) -> tuple[logging.Logger, Any]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger(f"servicestub-test.access.{next(_names)}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(level)
    return logger, stream


def _in_loop(access: _AccessLog, calls: list[tuple[Any, ...]]) -> None:
    """``calls`` made to ``access`` within one turn of a running loop, then the turn ends."""

    async def turn() -> None:
        for call in calls:
            access.info('%s - "%s %s HTTP/%s" %d', *call)
        await asyncio.sleep(0)  # the end of the turn: the pending lines are written

    asyncio.run(turn())


requests = st.tuples(
    st.sampled_from(["127.0.0.1:50123", "[::1]:8080", "10.0.0.7:1"]),
    st.sampled_from(["GET", "POST", "PATCH", "DELETE", "OPTIONS"]),
    st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"'), min_size=1
    ).map(lambda text: "/" + text),
    st.sampled_from(["1.0", "1.1"]),
    st.integers(min_value=100, max_value=599),
)


@settings(max_examples=150, deadline=None)
@given(calls=st.lists(requests, min_size=1, max_size=6), colours=st.booleans())
def test_access_lines_are_what_uvicorns_formatter_prints(
    calls: list[tuple[Any, ...]], colours: bool
) -> None:
    ours, ours_stream = _logger(AccessFormatter(_ACCESS_FORMAT, use_colors=colours))
    theirs, theirs_stream = _logger(AccessFormatter(_ACCESS_FORMAT, use_colors=colours))
    _in_loop(_AccessLog(ours), calls)
    for call in calls:
        theirs.info('%s - "%s %s HTTP/%s" %d', *call)
    assert ours_stream.getvalue() == theirs_stream.getvalue()
    assert ours_stream.getvalue().count("\n") == len(calls)


def test_lines_of_one_turn_are_one_write() -> None:
    logger, stream = _logger(AccessFormatter(_ACCESS_FORMAT, use_colors=False))
    writes: list[str] = []
    original = stream.write
    stream.write = lambda text: writes.append(text) or original(text)  # type: ignore[method-assign]
    call = ("127.0.0.1:1", "GET", "/x", "1.1", 200)
    _in_loop(_AccessLog(logger), [call, call, call])
    assert len(writes) == 1 and writes[0].count("\n") == 3


def test_a_line_pending_at_shutdown_is_written_by_flush() -> None:
    logger, stream = _logger(AccessFormatter(_ACCESS_FORMAT, use_colors=False))
    access = _AccessLog(logger)

    async def answered_then_stopped() -> None:
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/x", "1.1", 204)

    asyncio.run(answered_then_stopped())
    access.flush()
    assert stream.getvalue().count("204 No Content") == 1


@pytest.mark.parametrize(
    "set_up",
    [
        "own format",
        "a filter on the logger",
        "a filter on the handler",
        "two handlers",
        "level warning",
    ],
)
def test_any_other_logging_set_up_is_left_to_logging(set_up: str) -> None:
    fmt = "%(message)s" if set_up == "own format" else _ACCESS_FORMAT
    made = [_logger(AccessFormatter(fmt, use_colors=False)) for _ in range(2)]
    for logger, _ in made:
        if set_up == "a filter on the logger":
            logger.addFilter(lambda record: "hidden" not in record.getMessage())
        if set_up == "a filter on the handler":
            logger.handlers[0].addFilter(lambda record: "hidden" not in record.getMessage())
        if set_up == "two handlers":
            logger.addHandler(logging.StreamHandler(io.StringIO()))
        if set_up == "level warning":
            logger.setLevel(logging.WARNING)
    (ours, ours_stream), (theirs, theirs_stream) = made
    calls = [
        ("127.0.0.1:1", "GET", "/shown", "1.1", 200),
        ("127.0.0.1:1", "GET", "/hidden", "1.1", 404),
    ]
    _in_loop(_AccessLog(ours), calls)
    for call in calls:
        theirs.info('%s - "%s %s HTTP/%s" %d', *call)
    assert ours_stream.getvalue() == theirs_stream.getvalue()


def test_a_changed_handler_is_planned_anew() -> None:
    logger, first = _logger(AccessFormatter(_ACCESS_FORMAT, use_colors=False))
    access = _AccessLog(logger)
    call = ("127.0.0.1:1", "GET", "/x", "1.1", 200)
    _in_loop(access, [call])
    second = io.StringIO()
    handler = logging.StreamHandler(second)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers = [handler]
    _in_loop(access, [call])
    assert first.getvalue().count("\n") == 1
    assert second.getvalue() == '127.0.0.1:1 - "GET /x HTTP/1.1" 200\n'


class _Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)
        self.events.append("write")

    def write_eof(self) -> None:
        self.events.append("eof")

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


@given(turns=st.lists(st.lists(st.binary(min_size=1, max_size=20), max_size=5), max_size=5))
def test_writes_of_one_turn_leave_as_one_in_order(turns: list[list[bytes]]) -> None:
    transport = _Transport()

    async def run() -> None:
        coalesced = _Coalesced(transport)  # type: ignore[arg-type]
        for chunks in turns:
            for chunk in chunks:
                coalesced.write(chunk)
            await asyncio.sleep(0)

    asyncio.run(run())
    assert transport.writes == [b"".join(chunks) for chunks in turns if chunks]


@pytest.mark.parametrize("end", ["close", "write_eof"])
def test_closing_sends_what_is_pending_first(end: str) -> None:
    transport = _Transport()

    async def run() -> None:
        coalesced = _Coalesced(transport)  # type: ignore[arg-type]
        coalesced.write(b"head")
        coalesced.write(b"body")
        getattr(coalesced, end)()
        assert coalesced.get_extra_info("peername") == "info peername"
        await asyncio.sleep(0)

    asyncio.run(run())
    assert transport.writes == [b"headbody"]
    assert transport.events == ["write", "close" if end == "close" else "eof"]


def test_nothing_is_written_to_a_transport_closed_meanwhile() -> None:
    transport = _Transport()

    async def run() -> None:
        coalesced = _Coalesced(transport)  # type: ignore[arg-type]
        coalesced.write(b"late")
        transport.closing = True  # the connection was lost in the same turn
        await asyncio.sleep(0)

    asyncio.run(run())
    assert transport.writes == []


async def _loop_kind(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    kind = type(asyncio.get_running_loop())
    body = f"{kind.__module__}.{kind.__qualname__}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def test_requests_are_served_on_uvloop_with_the_mocks_own_accepting() -> None:
    with serving(_loop_kind) as origin:
        served_on = urllib.request.urlopen(origin + "/").read().decode()
    assert served_on == "servicestub.server._Loop", served_on
    assert issubclass(_Loop, uvloop.Loop)


class _Recorded(asyncio.Protocol):
    """Records the turn of the loop its connection was made in."""

    def __init__(self, turns: list[int], made: list[int]) -> None:
        self._turns = turns
        self._made = made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._made.append(self._turns[0])


def _turns_connected(loop: asyncio.AbstractEventLoop, pending: int) -> list[int]:
    """The turn of ``loop`` in which each of ``pending`` connections, all waiting to be
    accepted at once, was made while every turn of the loop is busy."""
    turns, made = [0], []
    busy_turns = pending + 5

    async def run() -> None:
        listener = await loop.create_server(lambda: _Recorded(turns, made), "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]

        def busy() -> None:  # a turn with a request's worth of work in it
            turns[0] += 1
            sum(range(20_000))
            if turns[0] < busy_turns:
                loop.call_soon(busy)

        loop.call_soon(busy)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(pending)]
        while turns[0] < busy_turns:
            await asyncio.sleep(0)
        listener.close()
        for client in clients:
            client.close()

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return made


@settings(max_examples=15, deadline=None)
@given(pending=st.integers(1, 24))
def test_connections_waiting_at_once_are_all_accepted_in_one_turn(pending: int) -> None:
    """However many connections wait, a busy loop accepts them in one turn (uvloop alone
    accepts one a turn: the last waits a turn for each before it)."""
    made = _turns_connected(event_loop(), pending)
    assert len(made) == pending
    assert len(set(made)) == 1, made


def test_a_port_in_use_is_refused_with_the_address_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=rf"127\.0\.0\.1', {port}\).*in use"):
            _listening("127.0.0.1", port, 100)


@given(writes=st.lists(st.integers(0, 4), min_size=1, max_size=20))
def test_the_writes_of_many_connections_in_one_turn_are_flushed_by_one_callback(
    writes: list[int],
) -> None:
    """However many connections write in one turn, one callback sends what each wrote,
    each connection's writes as one, in order."""
    transports = [_Transport() for _ in range(5)]
    scheduled: list[Any] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()
        real = loop.call_soon

        def counted(callback: Any, *args: Any, **kwargs: Any) -> Any:
            scheduled.append(callback)
            return real(callback, *args, **kwargs)

        loop.call_soon = counted  # type: ignore[method-assign]
        connections = [_Coalesced(t) for t in transports]  # type: ignore[arg-type]
        for number, connection in enumerate(writes):
            connections[connection].write(b"%d," % number)
        assert all(t.writes == [] for t in transports)  # nothing before the turn ends
        await asyncio.sleep(0)
        loop.call_soon = real  # type: ignore[method-assign]

    asyncio.run(run())
    flushes = [c for c in scheduled if getattr(c, "__name__", "") == "_flush"]
    assert len(flushes) == 1
    for index, transport in enumerate(transports):
        mine = [b"%d," % number for number, connection in enumerate(writes) if connection == index]
        assert transport.writes == ([b"".join(mine)] if mine else [])


class _Listening:
    """A listening socket whose ``accept`` raises each of ``errors`` in turn, then has
    nothing pending."""

    def __init__(self, errors: list[int]) -> None:
        self.errors = errors
        self.accepts = 0

    def fileno(self) -> int:
        return 99_999

    def setblocking(self, _flag: bool) -> None:
        return None

    def accept(self) -> Any:
        self.accepts += 1
        if self.errors:
            code = self.errors.pop(0)
            raise OSError(code, os.strerror(code))
        raise BlockingIOError


class _Readers:
    """The reader calls a :class:`_Listener` makes of its loop."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.later: list[Any] = []

    def add_reader(self, _fd: int, *_args: Any) -> None:
        self.calls.append("add")

    def remove_reader(self, _fd: int) -> None:
        self.calls.append("remove")

    def call_later(self, delay: float, callback: Any, *args: Any) -> None:
        self.later.append((delay, callback, args))


def test_accepting_pauses_when_short_of_file_descriptors_and_resumes() -> None:
    loop, listening = _Readers(), _Listening([errno.ECONNABORTED, errno.EMFILE])
    listener = _Listener(loop, asyncio.Protocol, [listening])  # type: ignore[arg-type,list-item]
    listener._accept(listening)  # type: ignore[arg-type]
    # an aborted connection ends one accept only; running out of descriptors stops accepting
    assert listening.accepts == 2
    assert loop.calls == ["add", "remove"]
    ((delay, resume, args),) = loop.later
    assert delay > 0
    resume(*args)
    assert loop.calls == ["add", "remove", "add"]
    listener._accept(listening)  # type: ignore[arg-type]
    assert listening.accepts == 3  # nothing pending: it waits for the socket again
