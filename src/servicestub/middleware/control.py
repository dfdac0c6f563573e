"""ASGI middleware of the control plane: journal, fault rules and ``Prefer``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicestub.control.faults import Rule
from servicestub.control.prefer import parse_prefer
from servicestub.core.errors import BadRequest, StatusProblem
from servicestub.core.problems import (
    PROBLEM_JSON,
    render,
    render_document,
    send_problem,
    send_rendered,
)
from servicestub.middleware.operations import created_location, routed_operation_id
from servicestub.middleware.wire import header, set_header
from servicestub.runtime import SCOPE_KEY, Runtime
from servicestub.specs import APIS, is_api_request, is_control_plane


async def send_json(
    send: Send, scope: Scope, status: int, body: object, media_type: str, headers: dict[str, str]
) -> None:
    """Answer a documented (non-problem) body straight from a middleware."""
    payload = b"" if body is None or status == 204 else orjson.dumps(body)
    raw = [(b"content-length", str(len(payload)).encode())]
    if payload:
        raw.append((b"content-type", media_type.encode()))
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


def api_request(scope: Scope) -> bool:
    """``scope`` is an HTTP request to one of the APIs its runtime serves (not
    their docs, not the control plane)."""
    if scope["type"] != "http":
        return False
    runtime: Runtime | None = scope.get(SCOPE_KEY)
    return is_api_request(scope["path"], APIS if runtime is None else runtime.apis)


class _ApiRequestMiddleware:
    """Acts on API requests only; the control plane, docs and specs pass through.

    Like each middleware of ours, it hands a request it has nothing to do with on as the
    next layer's awaitable (see :mod:`servicestub.middleware`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if not api_request(scope):
            return self.app(scope, receive, send)
        return self.handle(scope, receive, send, scope[SCOPE_KEY])

    def handle(
        self, scope: Scope, receive: Receive, send: Send, runtime: Runtime
    ) -> Awaitable[None]:
        raise NotImplementedError

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether it may act on a request routed to an operation under ``base_path``
        (the lean dispatch leaves it out of the chains of those it never acts on)."""
        return acts_on_api_requests(base_path)


def acts_on_api_requests(base_path: str) -> bool:
    """Whether a request under ``base_path`` may be an API request (not all control plane)."""
    return not is_control_plane(base_path)


class JournalMiddleware(_ApiRequestMiddleware):
    """Records every API request (not the control plane or docs) with its outcome."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, runtime: Runtime) -> None:
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            runtime.journal.record(
                scope["method"],
                scope["path"],
                scope.get("query_string", b""),
                status,
                started,
                scope.get("servicestub.fault"),
            )


class FaultMiddleware(_ApiRequestMiddleware):
    """Applies the first matching fault rule before the request reaches a handler."""

    def handle(
        self, scope: Scope, receive: Receive, send: Send, runtime: Runtime
    ) -> Awaitable[None]:
        rule = runtime.faults.match(scope["method"], scope["path"])
        if rule is None:
            return self.app(scope, receive, send)
        return self._apply(rule, scope, receive, send)

    async def _apply(self, rule: Rule, scope: Scope, receive: Receive, send: Send) -> None:
        scope["servicestub.fault"] = rule["id"]
        if rule["delayMs"]:
            await asyncio.sleep(rule["delayMs"] / 1000)
        if rule["status"] is None:
            await self.app(scope, receive, send)
            return
        status = rule["status"]
        detail = (
            f"Fault rule {rule['id']} answered this request with {status} (see GET /_mock/faults)."
        )
        await send_problem(send, scope, StatusProblem(status, detail))


class PreferMiddleware:
    """``Prefer: delay=`` waits first; ``Prefer: code=`` answers the operation's
    documented response for that status instead of calling the handler. Only
    API requests (:func:`~servicestub.specs.is_api_request`): the control plane
    and the docs ignore it.

    Runs after connexion's routing, so it knows the operation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        return acts_on_api_requests(base_path)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # The header first: most requests send none, and then nothing else is asked.
        sent = header(scope["headers"], b"prefer") if scope["type"] == "http" else None
        if sent is None or not api_request(scope):
            return self.app(scope, receive, send)
        return self._prefer(scope, receive, send, sent)

    async def _prefer(self, scope: Scope, receive: Receive, send: Send, sent: str) -> None:
        runtime: Runtime = scope[SCOPE_KEY]
        preferences = parse_prefer(sent)
        applied = []
        if preferences.delay_ms:
            await asyncio.sleep(preferences.delay_ms / 1000)
            applied.append(f"delay={preferences.delay_ms}")
        extra = {}
        if preferences.delay_capped:
            extra["Warning"] = f'199 servicestub "delay capped at {preferences.delay_ms} ms"'
        if preferences.code is None:
            await self._pass(scope, receive, send, applied, extra)
            return
        operation_id = routed_operation_id(scope)
        catalog = runtime.responses
        documented, statuses = None, []
        if operation_id is not None and catalog is not None:
            documented = catalog.lookup(operation_id, preferences.code)
            statuses = catalog.statuses(operation_id)
        if documented is None:
            raise BadRequest(
                f"Prefer: code={preferences.code} is not a documented response of this "
                f"operation; it documents {', '.join(map(str, statuses)) or 'none'}."
            )
        applied.append(f"code={preferences.code}")
        headers = {"Preference-Applied": ", ".join(applied), **extra}
        media_type = documented.media_type or "application/json"
        body = documented.example
        location = created_location(operation_id, scope["path"], body, runtime.apis)
        if preferences.code == 201 and location is not None:
            headers["Location"] = location
        if media_type == PROBLEM_JSON:
            # A documented problem example is rendered as documented; without one,
            # the problem of that status is.
            code = preferences.code
            why = f"Answered {code} because the request asked for it (Prefer: code=)."
            error = StatusProblem(code, why, headers=headers)
            rendered = (
                render_document(code, body, scope, headers)
                if isinstance(body, dict)
                else render(error, scope)
            )
            await send_rendered(send, rendered)
            return
        await send_json(send, scope, preferences.code, body, media_type, headers)

    async def _pass(
        self, scope: Scope, receive: Receive, send: Send, applied: list[str], extra: dict[str, str]
    ) -> None:
        if not applied and not extra:
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                if applied:
                    set_header(message, b"preference-applied", ", ".join(applied).encode("latin-1"))
                for name, value in extra.items():
                    set_header(message, name.lower().encode("latin-1"), value.encode("latin-1"))
            await send(message)

        await self.app(scope, receive, with_headers)
