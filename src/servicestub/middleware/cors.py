"""CORS for browser frontends on the API paths; none on the control plane."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicestub.core.errors import BadRequest
from servicestub.core.problems import send_problem
from servicestub.middleware.wire import add_vary, set_header
from servicestub.specs import APIS, ApiSpec, is_control_plane, served_methods

#: Response headers a frontend may read: Prefer's answers, fault and rate-limit
#: hints, where a create put its resource, the v4 tracking id, report file names.
EXPOSED_HEADERS = (
    "Location",
    "X-Tracking-Id",
    "Warning",
    "Retry-After",
    "Preference-Applied",
    "Content-Disposition",
)
#: Browsers cache a preflight this long (Chromium caps it at 7200 s).
MAX_AGE_S = 600


class ApiCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, opened for frontends on any origin: a preflight is
    allowed whatever request headers it asks for (``x-request-id``,
    ``sentry-trace``, ``baggage``, ``traceparent``, ...) and from a public page
    to the mock on a private address; the request's ``Origin`` is reflected with
    ``Access-Control-Allow-Credentials: true`` (so credentialed requests work)
    and ``Vary: Origin``.

    The one refusal left, a preflight for a method no operation takes, is a
    problem+json 400. The control plane (``/_mock``) gets no CORS at all: its
    guard refuses other origins.

    Starlette answers the preflights; the other requests' headers are added here,
    as Starlette adds them with this configuration (every origin, credentials:
    ``simple_headers``, then the request's ``Origin`` reflected, then ``Vary:
    Origin``; with no ``Origin``, only the ``Vary``), without its per-request
    ``Headers`` objects."""

    def __init__(self, app: ASGIApp, apis: tuple[ApiSpec, ...] = APIS) -> None:
        methods = (*served_methods(apis), "HEAD", "OPTIONS")
        super().__init__(
            app,
            allow_origins=["*"],
            allow_methods=methods,
            allow_headers=["*"],
            allow_credentials=True,
            allow_private_network=True,
            expose_headers=EXPOSED_HEADERS,
            max_age=MAX_AGE_S,
        )
        self._simple = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in self.simple_headers.items()
        ]

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether it may act on a request routed to an operation under ``base_path``:
        not when all of them are the control plane's."""
        return not is_control_plane(base_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control_plane(scope["path"]):
            await self.app(scope, receive, send)
            return
        origin: bytes | None = None
        asked: str | None = None
        for name, value in scope["headers"]:
            if name == b"origin" and origin is None:
                origin = value
            elif name == b"access-control-request-method" and asked is None:
                asked = value.decode("latin-1")
        preflight = scope["method"] == "OPTIONS" and origin is not None and asked is not None
        if not preflight:
            await self.app(scope, receive, self._sending(send, origin))
            return
        if asked not in self.allow_methods:
            shown = (asked or "")[:20]
            await send_problem(
                send,
                scope,
                BadRequest(
                    f"The CORS preflight asks to send '{shown}', which no operation of the "
                    f"APIs takes; they take {', '.join(self.allow_methods)}."
                ),
            )
            return
        await super().__call__(scope, receive, send)

    def _sending(self, send: Send, origin: bytes | None) -> Send:
        """``send`` with the CORS headers of a request that is no preflight."""

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                if origin is not None:
                    for name, value in self._simple:
                        set_header(message, name, value)
                    set_header(message, b"access-control-allow-origin", origin)
                add_vary(message, b"Origin")
            await send(message)

        return send_with_cors
