"""ASGI middleware around the connexion stack: runtime, tracking ids, body limit."""

from __future__ import annotations

import hmac
import os
import re
import uuid
from collections.abc import Awaitable
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicestub.core.errors import ApiError, BadRequest, PayloadTooLarge, Unauthorized
from servicestub.core.memo import KeptWhenShort
from servicestub.core.problems import TRACKING_KEY, send_problem
from servicestub.middleware.origins import ControlPlanePolicy
from servicestub.middleware.wire import header, set_header
from servicestub.runtime import SCOPE_KEY, Runtime
from servicestub.specs import (
    APIS,
    SERVICES,
    ApiSpec,
    array_query_parameters,
    may_be_under,
    under,
)

TRACKING_HEADER = "x-tracking-id"
_TRACKING_HEADER = TRACKING_HEADER.encode()
#: A control character (C0 or DEL) in a request path.
_CONTROL = re.compile("[\x00-\x1f\x7f]")
#: How many query strings (of at most :data:`QUERY_KEPT_LENGTH` bytes) keep their
#: verdict: clients send any, so the cache is bounded in both.
QUERY_VERDICTS_KEPT = 512
QUERY_KEPT_LENGTH = 1024


def wants_tracking(path: str) -> bool:
    """Services v4 answers carry a ``trackingId``."""
    return under(path, SERVICES.base_path)


def new_tracking_id() -> str:
    """A random (version 4, RFC 4122 variant) UUID, as ``str(uuid.uuid4())`` gives it,
    from the same 16 random bytes, in half the time."""
    h = os.urandom(16).hex()
    # version nibble 4; variant bits 10 (the nibble is 8, 9, a or b)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _tracking_id(scope: Scope) -> str:
    sent = header(scope["headers"], _TRACKING_HEADER)
    if sent:
        try:
            return str(uuid.UUID(sent))
        except ValueError:
            pass
    return new_tracking_id()


class RuntimeMiddleware:
    """Puts the app's :class:`Runtime` in each request's scope; for Services v4,
    fixes the request's tracking id and echoes it as ``X-Tracking-Id``."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        scope[SCOPE_KEY] = self.runtime
        if not wants_tracking(scope["path"]):
            return self.app(scope, receive, send)
        scope[TRACKING_KEY] = _tracking_id(scope)
        return self.app(scope, receive, _sending_tracking_id(scope, send))


def _sending_tracking_id(scope: Scope, send: Send) -> Send:
    """``send`` with the request's tracking id set as ``X-Tracking-Id`` on the answer."""
    tracking_id = scope[TRACKING_KEY].encode("latin-1")

    async def send_with_tracking(message: Message) -> None:
        if message["type"] == "http.response.start":
            set_header(message, _TRACKING_HEADER, tracking_id)
        await send(message)

    return send_with_tracking


class TrackingHeaderMiddleware:
    """Sets ``X-Tracking-Id`` inside connexion's stack as well, so that response
    validation sees the header the spec declares on every Services v4 response
    (:class:`RuntimeMiddleware`, further out, sets it on answers made outside:
    errors, faults, refused bodies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether a request routed to an operation under ``base_path`` may be one of
        Services v4 (:func:`wants_tracking`)."""
        return may_be_under(base_path, SERVICES.base_path)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if TRACKING_KEY in scope:
            send = _sending_tracking_id(scope, send)
        return self.app(scope, receive, send)


#: HTTP versions whose request without ``Content-Length`` or ``Transfer-Encoding`` has no
#: body (an HTTP/2 request may send one without either).
_FRAMED_BY_HEADERS = frozenset({"1.0", "1.1"})


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413, whether announced by
    ``Content-Length`` or streamed in chunks."""

    def __init__(self, app: ASGIApp, max_bytes: int, overrides: dict[str, int]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = overrides

    @staticmethod
    def _error(limit: int) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"The request body is larger than the limit of {limit} bytes; send less."
        )

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        limit = self.overrides.get(scope["path"], self.max_bytes)
        raw = scope["headers"]
        length = header(raw, b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return send_problem(send, scope, self._error(limit))
        if length is None:
            encoding = header(raw, b"transfer-encoding")
            if encoding is None and scope.get("http_version") in _FRAMED_BY_HEADERS:
                return self.app(scope, receive, send)  # no body (RFC 9112 6.3): none to count
            if "chunked" in (encoding or "").lower():
                return self._buffer_chunked(scope, receive, send, limit)
        return self.app(scope, self._limited(receive, limit), send)

    def _limited(self, receive: Receive, limit: int) -> Receive:
        """``receive``, refusing the body once more than ``limit`` bytes have come."""
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise self._error(limit)
            return message

        return limited_receive

    async def _buffer_chunked(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Read a chunked body whole (up to the limit) and hand it on with a
        ``Content-Length``, which connexion's body validation relies on."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_problem(send, scope, self._error(limit))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        raw = [(k, v) for k, v in scope["headers"] if k.lower() != b"transfer-encoding"]
        raw.append((b"content-length", str(len(body)).encode()))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": raw}, replay, send)


class RequestGuardMiddleware:
    """Refuses, before routing, what would otherwise slip through: paths with
    control characters (NUL, line breaks), which would fall through to a 404;
    a single-valued query parameter given more than once, which would silently
    lose one of its values; and a NUL character in a query parameter.
    (Media types are checked per operation, by ``negotiation.MediaTypeMiddleware``.)"""

    def __init__(self, app: ASGIApp, apis: tuple[ApiSpec, ...] = APIS) -> None:
        self.app = app
        self.repeatable = array_query_parameters(apis)

    def _problem(self, scope: Scope) -> ApiError | None:
        if _CONTROL.search(scope["path"]):
            return BadRequest(
                "The request path contains control characters (such as NUL or a line break); "
                "ids may use only letters, digits, '_' and '-'."
            )
        query = scope.get("query_string", b"")
        detail = query_problem(query, self.repeatable) if query else None
        return None if detail is None else BadRequest(detail)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == "http" and (error := self._problem(scope)) is not None:
            return send_problem(send, scope, error)
        return self.app(scope, receive, send)


def _query_problem(query: bytes, repeatable: frozenset[str]) -> str | None:
    """Why the query string ``query`` is refused (a single-valued parameter given
    more than once, a NUL character), or ``None``."""
    seen: set[str] = set()
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        # ``name[]`` appends to an array (``style: deepObject``, as Stripe writes it)
        if name in seen and name not in repeatable and not name.endswith("[]"):
            return f"The query parameter '{name}' is given more than once; send it once."
        if "\x00" in name or "\x00" in value:
            return (
                f"The query parameter '{name.replace(chr(0), '')}' contains a NUL character "
                "(%00); leave it out."
            )
        seen.add(name)
    return None


#: :func:`_query_problem`, a short query's verdict kept (a query is a pure function of its bytes).
query_problem = KeptWhenShort(_query_problem, QUERY_VERDICTS_KEPT, QUERY_KEPT_LENGTH)
_kept_query_problem = query_problem.kept


class AdminGuardMiddleware:
    """The one guard of the control plane (``prefix``, i.e. ``/_mock``): refuses
    with 403 what :class:`~servicestub.middleware.origins.ControlPlanePolicy` refuses (web
    pages of other origins, foreign Host names on loopback), then, when an admin
    token is configured, requires ``Authorization: Bearer <token>``; the
    comparison takes the same time however close a guess is."""

    def __init__(
        self, app: ASGIApp, token: str | None, prefix: str, policy: ControlPlanePolicy
    ) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None
        self.prefix = prefix
        self.policy = policy

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether a request routed to an operation under ``base_path`` may be under
        the control plane's ``prefix``."""
        return may_be_under(base_path, self.prefix)

    def _problem(self, scope: Scope) -> ApiError | None:
        refusal = self.policy.refusal(scope)
        if refusal is not None or self.expected is None:
            return refusal
        sent = (header(scope["headers"], b"authorization") or "").encode("latin-1", "replace")
        if hmac.compare_digest(sent, self.expected):
            return None
        return Unauthorized(
            "The control plane needs 'Authorization: Bearer <admin token>' "
            "(--admin-token or SERVICESTUB_ADMIN_TOKEN)."
        )

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        guarded = scope["type"] == "http" and under(scope.get("path", ""), self.prefix)
        if guarded and (error := self._problem(scope)) is not None:
            return send_problem(send, scope, error)
        return self.app(scope, receive, send)
