"""How servicestub is served: uvicorn, with the mock's own connection limits.

Every way of serving the mock (``servicestub serve``, the pytest plugin,
``servicestub contract --self``, the tests) builds its server here, so all get
the same bounds (:class:`ConnectionLimits`):

* **Request head** (request line and header lines): at most
  ``max_header_bytes``; past it a 431, whether the head arrives whole or is
  still unfinished (the bytes of a head are counted as they arrive, so an
  endless header cannot grow the process).
* **A client the server waits on** - for a request, for the rest of a body, or
  to read an answer - must make progress every ``idle_timeout`` seconds, from
  the connection's first byte on (uvicorn alone only times out a connection
  after a first response). A connection that sent part of a request head is
  answered 408 before it is closed; an idle one is just closed.
* **A request head** must be complete ``header_timeout`` seconds after its
  first byte (408), so a head sent a byte at a time cannot hold a connection.
* **Connections**: past ``max_connections`` at once, a 503.
* **Shutdown**: requests in flight get ``shutdown_timeout`` seconds, then the
  app's shutdown runs (it saves ``--state``), also after a second Ctrl-C.

Three choices are made for how requests share the one process (figures in the README,
"Beside every peer, and where the time goes"):

* **uvloop, with connections accepted by the mock** (:func:`event_loop`,
  :class:`_Listener`): uvloop's loop costs a served get about 12 % less CPU than the
  standard library's. Left to itself it accepts one pending connection per turn of the
  loop once the loop is busy: with 32 clients connecting to a server whose requests cost
  3 ms, the last connections waited over a second for their first answer (wrk's p99
  0.5-1.3 s at a p50 of 95 ms, a bare uvicorn app alike), while a request on an
  accepted connection was served in arrival order. :class:`_Listener` accepts every
  pending connection whenever the listening socket is readable, as asyncio's own loop
  does: the same load then gives a p99 of 100-150 ms.
* **One write per connection and turn of the loop** (:class:`_Coalesced`): the head and
  body of an answer go out in one system call, not one each; every connection's writes
  of a turn are flushed by one callback (:class:`_EndOfTurn`).
* **The access log's lines of one turn of the loop in one write** (:class:`_AccessLog`),
  each line what uvicorn's access formatter prints, rendered without a log record.

Answers uvicorn would give itself as ``text/plain`` (a request that is not
HTTP, an overload) go out as problem+json through :func:`send_problem`, after
any answers still owed on the connection, which then closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import errno
import logging
import os
import signal
import socket
import sys
import threading
import time
import weakref
from asyncio import TimerHandle
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import httptools
import uvicorn
import uvloop
from uvicorn._ansi import style as ansi_style
from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG, STARTUP_FAILURE
from uvicorn.logging import AccessFormatter
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from servicestub.core.errors import (
    ApiError,
    BadRequest,
    RequestHeaderFieldsTooLarge,
    RequestTimeout,
    ServiceUnavailable,
)
from servicestub.core.problems import send_problem

#: uvicorn's logger of the server's own events, which accept() errors go to.
logger = logging.getLogger("uvicorn.error")
#: Bytes handed to the HTTP parser at a time, so that the bytes of a request
#: head are counted (and refused past the limit) at this granularity.
_SLICE = 16 * 1024
#: Seconds a refused connection is kept half-open, reading and dropping what the
#: client still sends, so that the client reads the refusal rather than a reset.
_LINGER = 2.0


@dataclasses.dataclass(frozen=True)
class ConnectionLimits:
    """The bounds every servicestub server applies to its connections."""

    #: Request line plus header lines, in bytes (431 past it).
    max_header_bytes: int = 64 * 1024
    #: Seconds a waited-on client may make no progress before it is dropped.
    idle_timeout: float = 5.0
    #: Seconds from a request head's first byte until it must be complete (408).
    header_timeout: float = 10.0
    #: Connections served at once (503 past it).
    max_connections: int = 1000
    #: Seconds requests in flight get at shutdown before they are cut.
    shutdown_timeout: int = 5


class _Refusal:
    """An ASGI app that answers every request with one problem."""

    def __init__(self, error: ApiError) -> None:
        self.error = error

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send_problem(send, scope, self.error)


class _AnsweredWhenCut:
    """The app, answering a request that shutdown cuts short (after
    ``shutdown_timeout``, or a second Ctrl-C) with a 503 problem rather than
    uvicorn's traceback and text/plain 500. The cut lands at an ``await``: in this
    app a wait (a fault or ``Prefer`` delay, a body still arriving) before the
    handler, whose writes run without one, so a request cut short changed nothing.
    One cut after its answer began is closed with uvicorn's one-line log."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if not started:
                error = ServiceUnavailable(
                    "The server shut down before this request was answered; send it again "
                    "once the server is back."
                )
                await send_problem(send, scope, error)


class _LingeringClose:
    """The transport a refusal is written to: its ``close()`` first sends the end
    of the stream and keeps reading (the protocol drops what arrives) for
    :data:`_LINGER` seconds, as closing at once with unread bytes would reset the
    connection and lose the answer."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        self._transport.write(data)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def close(self) -> None:
        if self._transport.is_closing() or not self._transport.can_write_eof():
            self._transport.close()
            return
        self._transport.write_eof()
        self._protocol.flow.resume_reading()
        self._protocol.loop.call_later(_LINGER, self._transport.close)


T = TypeVar("T", bytes, str)


class _EndOfTurn:
    """The buffers (:class:`_PerTurn`) written to in one turn of one event loop, flushed
    by one callback the first of them schedules (under load the answers of many
    connections are written in one turn: one callback, not one per answer)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._written: list[_PerTurn[Any]] = []

    @staticmethod
    def of(loop: asyncio.AbstractEventLoop) -> _EndOfTurn:
        found = _END_OF_TURN.get(loop)
        if found is None:
            found = _END_OF_TURN[loop] = _EndOfTurn(loop)
        return found

    def add(self, buffer: _PerTurn[Any]) -> None:
        if not self._written:
            self.loop.call_soon(self._flush)
        self._written.append(buffer)

    def _flush(self) -> None:
        written, self._written = self._written, []
        for buffer in written:  # in the order of their first writes
            buffer.flush()


#: Each running loop's :class:`_EndOfTurn` (servers in threads run loops of their own).
_END_OF_TURN: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _EndOfTurn] = (
    weakref.WeakKeyDictionary()
)


class _PerTurn(Generic[T]):
    """What is written within one turn of the event loop, handed to ``out`` joined, once,
    at the end of the turn (:class:`_EndOfTurn`). :meth:`flush` hands it over at once
    (before a close, at shutdown)."""

    def __init__(self, out: Callable[[T], None], empty: T) -> None:
        self._out: Callable[[T], None] = out
        self._empty: T = empty
        self._pending: list[T] = []
        self._turn: _EndOfTurn | None = None  # of the loop last written in

    def write(self, data: T) -> None:
        if not self._pending:
            loop = asyncio.get_running_loop()
            turn = self._turn
            if turn is None or turn.loop is not loop:
                turn = self._turn = _EndOfTurn.of(loop)
            turn.add(self)
        self._pending.append(data)

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self._out(pending[0] if len(pending) == 1 else self._empty.join(pending))


class _Coalesced:
    """A connection's transport whose writes within one turn of the event loop leave
    as one (:class:`_PerTurn`): the head and body of an answer, or several pipelined
    answers. Closing, or ending the stream, sends what is pending first; the rest is
    the transport's."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._writes = _PerTurn(self._send, b"")

    def _send(self, data: bytes) -> None:
        if not self._transport.is_closing():
            self._transport.write(data)

    def write(self, data: bytes) -> None:
        self._writes.write(bytes(data))

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def write_eof(self) -> None:
        self._writes.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self._writes.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


#: The format of uvicorn's access lines (its ``LOGGING_CONFIG``), the one
#: :class:`_AccessLog` renders itself.
_ACCESS_FORMAT = LOGGING_CONFIG["formatters"]["access"]["fmt"]


@dataclasses.dataclass
class _Rendering:
    """How the access lines of one handler set up as servicestub sets it up are
    rendered (what its :class:`~uvicorn.logging.AccessFormatter` would print) and
    written (its stream, under its lock, once per turn of the loop)."""

    handler: logging.StreamHandler[Any]
    formatter: AccessFormatter
    prefix: str
    lines: _PerTurn[str] = dataclasses.field(init=False)
    statuses: dict[int, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lines = _PerTurn(self._write, "")

    @classmethod
    def of(cls, handler: logging.Handler) -> _Rendering | None:
        """The rendering of ``handler``, or ``None`` when it is not servicestub's set-up."""
        formatter = handler.formatter
        if (
            type(handler) is not logging.StreamHandler
            or handler.filters
            or handler.level > logging.INFO
            or not isinstance(formatter, AccessFormatter)
            or type(formatter).formatMessage is not AccessFormatter.formatMessage
            or formatter._fmt != _ACCESS_FORMAT
        ):
            return None
        name = "INFO"
        shown = formatter.color_level_name(name, logging.INFO) if formatter.use_colors else name
        return cls(handler, formatter, shown + ":" + " " * (8 - len(name)))

    def line(self, client: Any, method: Any, path: Any, version: Any, status: int) -> str:
        shown = self.statuses.get(status)
        if shown is None:
            shown = self.statuses[status] = self.formatter.get_status_code(int(status))
        request_line = f"{method} {path} HTTP/{version}"
        if self.formatter.use_colors:
            request_line = ansi_style(request_line, bold=True)
        return f'{self.prefix} {client} - "{request_line}" {shown}{self.handler.terminator}'

    def _write(self, text: str) -> None:
        # The handler's lock, as logging takes it (servers in other threads share the
        # stream); a stream closed or gone is let go of, as logging does.
        with (
            self.handler.lock or contextlib.nullcontext(),
            contextlib.suppress(OSError, ValueError),
        ):
            self.handler.stream.write(text)
            self.handler.stream.flush()


class _AccessLog:
    """uvicorn's access log, the logger ``uvicorn.access``, as its request cycles call it
    (``info(message, client, method, path, http_version, status)``).

    While that logger is as servicestub configures it (INFO on, no filter, one stream
    handler with uvicorn's :class:`~uvicorn.logging.AccessFormatter` in its own format),
    each line is rendered as that formatter renders it (colours included) and the lines of
    one turn of the event loop are written to the handler's stream at once, at the end of
    the turn (:class:`_Rendering`): a log record, its caller's frame, a copy of it and a
    write and flush per request cost the served mock about a sixth of a request. Any other
    set-up (a level, filter, handler or format of the user's) gets the call through
    :mod:`logging` unchanged."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        #: The handler last seen and its rendering (``None``: it is not servicestub's).
        self._seen: tuple[logging.Handler, _Rendering | None] | None = None

    def _rendering(self) -> _Rendering | None:
        """The rendering of the logger's one handler, made once per handler."""
        logger = self.logger
        handlers = logger.handlers
        if len(handlers) != 1 or logger.filters or logger.disabled:
            return None
        if not logger.isEnabledFor(logging.INFO):
            return None
        if self._seen is None or self._seen[0] is not handlers[0]:
            self.flush()  # lines of a handler replaced go out where they were bound
            self._seen = (handlers[0], _Rendering.of(handlers[0]))
        return self._seen[1]

    def info(self, message: str, *args: Any) -> None:
        rendering = self._rendering() if len(args) == 5 else None
        if rendering is None:
            self.logger.info(message, *args)
            return
        rendering.lines.write(rendering.line(*args))

    def flush(self) -> None:
        """Write the lines rendered and not yet written."""
        if self._seen is not None and self._seen[1] is not None:
            self._seen[1].lines.flush()


class _Flow(FlowControl):
    """uvicorn's flow control, telling the protocol when reading pauses or resumes
    (a client is not idle while the server is not reading from it)."""

    def __init__(self, transport: asyncio.Transport, changed: Callable[[], None]) -> None:
        super().__init__(transport)
        self._changed = changed

    def pause_reading(self) -> None:
        super().pause_reading()
        self._changed()

    def resume_reading(self) -> None:
        super().resume_reading()
        self._changed()


class _Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with :class:`ConnectionLimits` applied."""

    def __init__(
        self,
        config: _Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = config.limits
        self.access_logger = config.access_lines  # type: ignore[assignment]
        self.limit_concurrency = None  # checked below, to answer it as problem+json
        self._awaiting_head = True  # no complete head since the last message
        self._head_started = False  # a byte of the next head was parsed
        self._head_bytes = 0
        self._refused = False  # a refusal is owed: nothing more is read
        # Deadlines (loop time; ``None``: none runs) checked by one timer per
        # connection, which re-arms itself for the earliest: moving a deadline on
        # every read and answer costs an assignment, not a timer made and cancelled.
        self._stall_due: float | None = None
        self._head_due: float | None = None
        self._timer: TimerHandle | None = None
        self._timer_due: float | None = None

    # -- progress timers -----------------------------------------------------

    def _waiting_on_client(self) -> bool:
        if self.transport.is_closing():
            return False
        if self.flow.write_paused:
            return True  # an answer the client does not read
        if self.flow.read_paused:
            return False  # the server does not read: not the client's delay
        cycle = self.cycle
        return cycle is None or cycle.response_complete or cycle.more_body

    def _rearm(self) -> None:
        """(Re)start the progress deadline when the server waits on the client."""
        self._stall_due = (
            self.loop.time() + self.limits.idle_timeout if self._waiting_on_client() else None
        )
        self._schedule()

    def _schedule(self) -> None:
        """Have the timer fire by the earliest deadline (a later one is left to it:
        it re-arms itself when it fires early)."""
        dues = [due for due in (self._stall_due, self._head_due) if due is not None]
        if not dues:
            return  # a timer still set finds nothing due and stops
        due = min(dues)
        if self._timer is not None and self._timer_due is not None and self._timer_due <= due:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_due = due
        self._timer = self.loop.call_at(due, self._fire)

    def _fire(self) -> None:
        self._timer = self._timer_due = None
        now = self.loop.time()
        if self._head_due is not None and self._head_due <= now:
            self._head_due = None
            self._head_too_slow()
        if self._stall_due is not None and self._stall_due <= now:
            self._stall_due = None
            self._stalled()
        self._schedule()

    def _stalled(self) -> None:
        if self.transport.is_closing():
            return
        if self._head_started and self._awaiting_head and not self._refused:
            self._refuse(
                RequestTimeout(
                    f"The request head stopped arriving for {self.limits.idle_timeout:g} s; "
                    "send the request line and headers without pausing."
                )
            )
        else:
            self.transport.close()

    def _head_too_slow(self) -> None:
        if not self.transport.is_closing():
            self._refuse(
                RequestTimeout(
                    "The request head (request line and headers) was not complete "
                    f"{self.limits.header_timeout:g} s after its first byte; send it whole."
                )
            )

    def _cancel_timers(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_due = self._stall_due = self._head_due = None

    # -- refusals ------------------------------------------------------------

    def _head_too_large(self) -> RequestHeaderFieldsTooLarge:
        return RequestHeaderFieldsTooLarge(
            "The request line and headers are larger than the limit of "
            f"{self.limits.max_header_bytes} bytes; send fewer or shorter headers."
        )

    def _refuse(self, error: ApiError, method: str = "-", path: str = "-") -> None:
        """Answer ``error`` once the answers owed before it are sent, then close;
        nothing more is read from this connection."""
        if self._refused:
            return
        self._refused = True
        self.flow.pause_reading()
        scope: Any = {
            "type": "http",
            "asgi": {"version": self.asgi_version, "spec_version": "2.3"},
            "http_version": "1.1",
            "server": self.server,
            "client": self.client,
            "scheme": self.scheme,
            "root_path": "",
            "method": method,
            "path": path,
            "raw_path": path.encode("latin-1", "replace"),
            "query_string": b"",
            "headers": [],
            "state": {},
        }
        cycle = RequestResponseCycle(
            scope=scope,
            transport=_LingeringClose(self.transport, self),  # type: ignore[arg-type]
            flow=self.flow,
            logger=self.logger,
            access_logger=self.access_logger,
            access_log=self.access_log,
            default_headers=self.server_state.default_headers,
            message_event=asyncio.Event(),
            expect_100_continue=False,
            keep_alive=False,
            on_response=self.on_response_complete,
        )
        cycle.more_body = False
        owed: RequestResponseCycle | None = self.cycle
        self.cycle = cycle
        if owed is not None and not owed.response_complete and owed.more_body:
            # The refused bytes were the body of the request in progress (its chunked
            # framing broke): that body will never arrive, so the refusal answers in
            # that request's place.
            waiting = [entry for entry in self.pipeline if entry[0] is owed]
            if waiting:  # its app has not started: it never will
                self.pipeline.remove(waiting[0])
                self.pipeline.appendleft((cycle, _Refusal(error)))
                return
            owed.disconnected = True  # its app reads the client as gone, answers nothing
            owed.message_event.set()
            if owed.response_started:
                self.transport.close()
                return
            owed = None
        if owed is None or owed.response_complete:
            self._start_asgi_task(cycle, _Refusal(error))
        else:
            self.pipeline.appendleft((cycle, _Refusal(error)))

    # -- uvicorn's protocol --------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.flow = _Flow(transport, self._rearm)
        self.transport = _Coalesced(transport)  # type: ignore[assignment]
        self._rearm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self._refused:
            return
        view = memoryview(data)
        for start in range(0, len(view), _SLICE):
            piece = view[start : start + _SLICE]
            if self._awaiting_head:
                self._head_bytes += len(piece)
            try:
                self.parser.feed_data(piece)
            except httptools.HttpParserUpgrade:
                self._unsupported_upgrade_warning()  # the mock serves no WebSockets
                break
            except httptools.HttpParserError as error:
                self.logger.warning("Invalid HTTP request received: %s", error)
                self._refuse(
                    BadRequest(
                        f"The request is not valid HTTP/1.1 ({_reason(error)}); "
                        "check the request line and headers."
                    )
                )
                return
            if self._refused:  # a parser callback refused
                return  # type: ignore[unreachable]
            if self._awaiting_head and self._head_bytes > self.limits.max_header_bytes:
                self._refuse(self._head_too_large())
                return
        self._rearm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_started = True
        if self._head_due is None:
            self._head_due = self.loop.time() + self.limits.header_timeout
            self._schedule()

    def on_headers_complete(self) -> None:
        self._head_due = None
        self._awaiting_head = self._head_started = False
        if self._refused:
            return
        method = self.parser.get_method().decode("ascii")
        size = len(method) + len(self.url) + len(b"  HTTP/1.1\r\n\r\n")
        size += sum(len(name) + len(value) + 4 for name, value in self.headers)
        path = self.url[:200].decode("latin-1")
        if size > self.limits.max_header_bytes:
            self._refuse(self._head_too_large(), method, path)
            return
        limit = self.limits.max_connections
        if len(self.connections) > limit or len(self.tasks) >= limit:
            self.logger.warning("Exceeded the limit of %d connections.", limit)
            self._refuse(
                ServiceUnavailable(
                    f"The server is at its limit of {limit} connections at once; retry in a moment."
                ),
                method,
                path,
            )
            return
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._awaiting_head = True
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._rearm()

    def pause_writing(self) -> None:
        super().pause_writing()
        self._rearm()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._rearm()


#: accept() errors that say the process or system is out of a resource: asyncio's own loop
#: stops accepting for a second on them rather than spin (the others end one accept).
_SHORT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
_ACCEPT_PAUSE = 1.0


class _Listener:
    """The listening sockets of one ``create_server`` call, each pending connection
    accepted whenever one is readable (the module's docstring) and handed to the loop's
    ``connect_accepted_socket``; what uvicorn uses of an ``asyncio.Server``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol_factory: Callable[[], asyncio.Protocol],
        sockets: list[socket.socket],
    ) -> None:
        self._loop = loop
        self._protocol_factory = protocol_factory
        self.sockets = sockets
        self._connecting: set[asyncio.Task[Any]] = set()
        self._closed = False
        for listening in sockets:
            listening.setblocking(False)
            loop.add_reader(listening.fileno(), self._accept, listening)

    def _accept(self, listening: socket.socket) -> None:
        while not self._closed:
            try:
                accepted, _address = listening.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                if error.errno not in _SHORT_OF_RESOURCES:
                    continue  # this connection was lost before it was accepted
                logger.error("Accepting connections paused for %g s: %s", _ACCEPT_PAUSE, error)
                self._loop.remove_reader(listening.fileno())
                self._loop.call_later(_ACCEPT_PAUSE, self._resume, listening)
                return
            accepted.setblocking(False)  # uvloop's transport of it sets TCP_NODELAY
            self._connect(accepted)

    def _connect(self, accepted: socket.socket) -> None:
        task = self._loop.create_task(
            self._loop.connect_accepted_socket(self._protocol_factory, accepted)
        )
        self._connecting.add(task)
        task.add_done_callback(lambda done: self._connected(done, accepted))

    def _connected(self, task: asyncio.Task[Any], accepted: socket.socket) -> None:
        self._connecting.discard(task)
        if task.cancelled() or task.exception() is not None:
            accepted.close()

    def _resume(self, listening: socket.socket) -> None:
        if not self._closed:
            self._loop.add_reader(listening.fileno(), self._accept, listening)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for listening in self.sockets:
            self._loop.remove_reader(listening.fileno())
            listening.close()

    async def wait_closed(self) -> None:
        if self._connecting:
            await asyncio.gather(*self._connecting, return_exceptions=True)


def _listening(host: str | None, port: int, backlog: int) -> list[socket.socket]:
    """Listening sockets on every address ``host`` names (all interfaces when empty),
    each made by ``socket.create_server`` (address reuse, IPv6 only on IPv6); an
    ``OSError`` worded as asyncio's ``create_server`` words it when one cannot be bound."""
    infos = socket.getaddrinfo(
        host or None,
        port,
        family=socket.AF_UNSPEC,
        type=socket.SOCK_STREAM,
        flags=socket.AI_PASSIVE,
    )
    made: list[socket.socket] = []
    try:
        for family, _kind, _proto, _name, address in dict.fromkeys(infos):
            try:
                made.append(socket.create_server(address, family=family, backlog=backlog))
            except OSError as error:
                reason = os.strerror(error.errno) if error.errno else str(error)
                raise OSError(
                    error.errno,
                    f"error while attempting to bind on address {address!r}: {reason.lower()}",
                ) from None
    except BaseException:
        for listening in made:
            listening.close()
        raise
    return made


class _Loop(uvloop.Loop):
    """uvloop, its TCP servers' connections accepted by :class:`_Listener`."""

    async def create_server(  # type: ignore[override]
        self,
        protocol_factory: Callable[[], asyncio.Protocol],
        host: str | None = None,
        port: int | None = None,
        *,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        **options: Any,
    ) -> Any:
        """A TCP server of host and port, or of a listening ``sock``, as uvicorn asks for
        one; other servers (TLS, other options) are uvloop's own."""
        if ssl is not None or options or (sock is None and port is None):
            return await super().create_server(
                protocol_factory,
                host,
                port,  # type: ignore[arg-type]
                sock=sock,  # type: ignore[arg-type]
                backlog=backlog,
                ssl=ssl,
                **options,
            )
        if sock is not None:
            sock.listen(backlog)
            return _Listener(self, protocol_factory, [sock])
        assert port is not None
        return _Listener(self, protocol_factory, _listening(host, port, backlog))


def event_loop() -> asyncio.AbstractEventLoop:
    """The loop the mock is served on (the module's docstring)."""
    return _Loop()


def _reason(error: httptools.HttpParserError) -> str:
    """The parser's reason, or what a callback of ours could not read."""
    cause = error.__context__
    if isinstance(error, httptools.HttpParserCallbackError) and cause is not None:
        return f"{type(cause).__name__}: {cause}"
    return str(error) or type(error).__name__


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the mock's own logger printed the same way."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["servicestub"] = {"handlers": ["default"], "propagate": False}
    return config


class _Config(uvicorn.Config):
    def __init__(self, app: Any, limits: ConnectionLimits, **options: Any) -> None:
        self.limits = limits
        self.access_lines = _AccessLog(logging.getLogger("uvicorn.access"))
        super().__init__(
            app,
            http=_Protocol,
            ws="none",
            log_config=_log_config(),
            timeout_keep_alive=max(1, round(limits.idle_timeout)),
            timeout_graceful_shutdown=limits.shutdown_timeout,
            loop="servicestub.server:event_loop",  # the module's docstring
            **options,
        )

    def load(self) -> None:
        super().load()
        self.loaded_app = _AnsweredWhenCut(self.loaded_app)

    def configure_logging(self) -> None:
        super().configure_logging()
        level = self.log_level
        if level is not None:
            level = LOG_LEVELS[level] if isinstance(level, str) else level
            logging.getLogger("servicestub").setLevel(level)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn's SIGINT and SIGTERM, plus SIGHUP (the terminal the server runs
        in was closed) when it would kill the process: each stops the server the
        same way, so the app's shutdown saves ``--state``; the signal is raised
        again after it, as uvicorn does with its own."""
        with super().capture_signals():
            hangup = getattr(signal, "SIGHUP", None)
            main = threading.current_thread() is threading.main_thread()
            if hangup is None or not main or signal.getsignal(hangup) != signal.SIG_DFL:
                yield  # no such signal, not ours to catch, or ignored (nohup)
                return
            signal.signal(hangup, self.handle_exit)
            try:
                yield
            finally:
                signal.signal(hangup, signal.SIG_DFL)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        if isinstance(self.config, _Config):
            self.config.access_lines.flush()
        if self.force_exit:
            # A second Ctrl-C skips uvicorn's wait for requests in flight and the
            # app's shutdown with it; the app's shutdown saves --state: run it.
            await self.lifespan.shutdown()


def server(
    app: Any,
    host: str,
    port: int,
    *,
    limits: ConnectionLimits | None = None,
    log_level: str = "info",
    access_log: bool = True,
) -> uvicorn.Server:
    """A uvicorn server of ``app`` with :class:`ConnectionLimits` applied."""
    config = _Config(
        app,
        limits or ConnectionLimits(),
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
    )
    return _Server(config)


def run(app: Any, host: str, port: int, *, limits: ConnectionLimits | None = None) -> None:
    """Serve ``app`` in this thread until SIGTERM, SIGHUP or Ctrl-C (the app's shutdown runs
    either way); exits with uvicorn's start-up failure status when it cannot listen."""
    serving_server = server(app, host, port, limits=limits)
    with contextlib.suppress(KeyboardInterrupt):
        serving_server.run()
    if not serving_server.started:
        sys.exit(STARTUP_FAILURE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(
    app: Any, log_level: str = "warning", limits: ConnectionLimits | None = None
) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port in a thread until the block ends;
    yields its origin."""
    port = free_port()
    running = server(app, "127.0.0.1", port, limits=limits, log_level=log_level)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=30)
