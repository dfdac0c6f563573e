"""CORS for browser frontends on the API paths; none on the control plane."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from servicestub.core.errors import BadRequest
from servicestub.core.problems import send_problem
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
    guard refuses other origins."""

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control_plane(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        asked = headers.get("access-control-request-method")
        preflight = scope["method"] == "OPTIONS" and "origin" in headers and asked is not None
        if preflight and asked not in self.allow_methods:
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
