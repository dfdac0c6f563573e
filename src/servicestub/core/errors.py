"""The error tree of servicestub.

Every failure a client can cause is one of these, and leaves the server as
``application/problem+json`` (RFC 7807) through the one renderer,
:mod:`servicestub.core.problems`::

    ApiError                      (500, base: never raised for bad input)
     +-- BadRequest               400  invalid input the spec cannot express
     +-- Unauthorized             401  control plane without the admin token
     +-- Forbidden                403  control plane from another origin or Host name
     +-- NotFound                 404  unknown id, or one of another tenant/store
     +-- NotAcceptable            406  unsupported ``Accept``
     +-- RequestTimeout           408  a request head that did not arrive in time
     +-- Conflict                 409  the request clashes with the server's state
     +-- PayloadTooLarge          413  body over the limit
     +-- UnsupportedMediaType     415  wrong ``Content-Type``
     +-- RequestHeaderFieldsTooLarge  431  request line and headers over the limit
     +-- ServiceUnavailable       503  more connections at once than the server takes

Raise one of these from the domain or a handler; what is not one of these
(connexion's and Starlette's exceptions, a status a fault rule or ``Prefer``
asks for) becomes a :class:`StatusProblem` on its way out.
:func:`status_title` names any status 100..599 for a problem's ``title``.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import orjson


class ApiError(Exception):
    """A failure with an HTTP status, a stable title and a detail for people."""

    status: int = 500
    title: str = "Internal Server Error"

    def __init__(
        self, detail: str, *, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        #: Response headers the answer carries besides its media type (``Allow``).
        self.headers: dict[str, str] = dict(headers or {})
        #: Members of the problem after the standard ones.
        self.extra = extra

    def to_problem(self) -> dict[str, Any]:
        """The problem+json body of this error."""
        return problem_body(self.status, self.title, self.detail, **self.extra)


class BadRequest(ApiError):
    status = 400
    title = "Bad Request"


class Unauthorized(ApiError):
    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    status = 403
    title = "Forbidden"


class NotFound(ApiError):
    status = 404
    title = "Not Found"


class NotAcceptable(ApiError):
    status = 406
    title = "Not Acceptable"


class RequestTimeout(ApiError):
    status = 408
    title = "Request Timeout"


class Conflict(ApiError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(ApiError):
    status = 413
    title = "Payload Too Large"


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported Media Type"


class RequestHeaderFieldsTooLarge(ApiError):
    status = 431
    title = "Request Header Fields Too Large"


class ServiceUnavailable(ApiError):
    status = 503
    title = "Service Unavailable"


class StatusProblem(ApiError):
    """A problem of any status 100..599, titled by :func:`status_title` unless a
    title is given: what a fault rule or ``Prefer: code=`` asks for, and what
    connexion or Starlette raise (their 404, 405, validation 400)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail, headers=headers, **extra)
        self.status = status
        self.title = title or status_title(status)


def problem_body(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """Build an RFC 7807 body; ``extra`` members (e.g. ``trackingId``) are appended."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


#: Statuses in wide use that the IANA registry (and so :class:`HTTPStatus`) does not name.
_UNREGISTERED = {
    419: "Page Expired",
    420: "Enhance Your Calm",
    440: "Login Time-out",
    444: "No Response",
    449: "Retry With",
    494: "Request Header Too Large",
    495: "SSL Certificate Error",
    496: "SSL Certificate Required",
    497: "HTTP Request Sent to HTTPS Port",
    498: "Invalid Token",
    499: "Client Closed Request",
    509: "Bandwidth Limit Exceeded",
    520: "Web Server Returned an Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
    525: "SSL Handshake Failed",
    526: "Invalid SSL Certificate",
    529: "Site Is Overloaded",
    598: "Network Read Timeout Error",
    599: "Network Connect Timeout Error",
}
#: RFC 9110's names of the five classes, for a status nobody named.
_CLASSES = {
    1: "Informational",
    2: "Successful",
    3: "Redirection",
    4: "Client Error",
    5: "Server Error",
}


def status_title(status: int) -> str:
    """The title of a problem with ``status`` (any 100..599): the registered
    reason phrase, a name in wide use (499 "Client Closed Request"), or the
    status's class and number ("Client Error 432")."""
    if status in HTTPStatus._value2member_map_:
        return HTTPStatus(status).phrase
    return _UNREGISTERED.get(status) or f"{_CLASSES.get(status // 100, 'HTTP')} {status}"


def json_text(value: Any, limit: int = 80) -> str:
    """``value`` as JSON, as error texts show values (``true``, ``"URGENT"``,
    never a Python repr); cut short past ``limit`` characters."""
    text = orjson.dumps(value, default=str).decode()
    return text if len(text) <= limit else text[:limit] + "…"
