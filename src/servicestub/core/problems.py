"""The one renderer of ``application/problem+json``: every error of the mock
leaves through it.

connexion's exception handlers, every middleware (guards, CORS, fault rules,
``Prefer``), the control plane and the uvicorn protocol's own refusals (400,
408, 431, 503) turn their error into an :class:`~servicestub.core.errors.ApiError`
and hand it here; this module alone

* writes the body: ``type``, ``title``, ``status``, ``detail``, then the
  error's own members, then ``trackingId`` when the request has one (Services
  v4 requests: :data:`TRACKING_KEY` in the ASGI scope, set by the outermost
  middleware, so every refusal further in carries it);
* encodes it (orjson) and sets ``Content-Type`` and ``Content-Length``, plus
  the error's own headers (``Allow`` of a 405).

It sits in ``core`` so that the serving layer (:mod:`servicestub.server`,
which depends on nothing else) renders through it too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.types import Send

from servicestub.core.errors import ApiError
from servicestub.core.shapes import Json

PROBLEM_JSON = "application/problem+json"
#: The ASGI scope key of the request's Services v4 tracking id (set by the runtime
#: middleware, read here: a problem of such a request carries it as ``trackingId``).
TRACKING_KEY = "servicestub.tracking_id"


@dataclasses.dataclass(frozen=True)
class Rendered:
    """A problem answer, ready to send: status, headers (lower-case names), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers as an ASGI ``http.response.start`` carries them."""
        return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in self.headers]


def render_document(
    status: int,
    document: Mapping[str, Json],
    scope: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> Rendered:
    """A problem document (an error's, or one a spec documents as an example) as
    the answer to the request of ``scope``: with its ``trackingId``, encoded."""
    body = {key: value for key, value in document.items() if key != "trackingId"}
    tracking_id = scope.get(TRACKING_KEY)
    if tracking_id is not None:
        body["trackingId"] = tracking_id  # the request's, last, whatever a document said
    payload = orjson.dumps(body)
    fixed = (("content-type", PROBLEM_JSON), ("content-length", str(len(payload))))
    own = tuple(
        (name.lower(), value)
        for name, value in (headers or {}).items()
        if name.lower() not in ("content-type", "content-length")
    )
    return Rendered(status, fixed + own, payload)


def render(error: ApiError, scope: Mapping[str, Any]) -> Rendered:
    """``error`` as the answer to the request of ``scope``."""
    return render_document(error.status, error.to_problem(), scope, error.headers)


async def send_rendered(send: Send, rendered: Rendered) -> None:
    """Send a rendered problem as a whole ASGI response."""
    await send(
        {
            "type": "http.response.start",
            "status": rendered.status,
            "headers": rendered.raw_headers(),
        }
    )
    await send({"type": "http.response.body", "body": rendered.body})


async def send_problem(send: Send, scope: Mapping[str, Any], error: ApiError) -> None:
    """Answer ``error`` straight from ASGI code (a middleware, the server)."""
    await send_rendered(send, render(error, scope))
