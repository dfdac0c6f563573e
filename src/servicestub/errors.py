"""The error tree of servicestub and its problem+json rendering.

Every failure a client can cause leaves the server through :func:`problem_body`
as ``application/problem+json`` (RFC 7807)::

    ApiError                      (500, base: never raised for bad input)
     +-- BadRequest               400  invalid input the spec cannot express
     +-- Unauthorized             401  control plane without the admin token
     +-- NotFound                 404  unknown id, or one of another tenant/store
     +-- NotAcceptable            406  unsupported ``Accept``
     +-- RequestTimeout           408  a request head that did not arrive in time
     +-- Conflict                 409  the request clashes with the server's state
     +-- PayloadTooLarge          413  body over the limit
     +-- UnsupportedMediaType     415  wrong ``Content-Type``
     +-- RequestHeaderFieldsTooLarge  431  request line and headers over the limit
     +-- ServiceUnavailable       503  more connections at once than the server takes

Raise one of these from the domain or a handler; the app's single error
handler renders it.
"""

from __future__ import annotations

from typing import Any

PROBLEM_JSON = "application/problem+json"


class ApiError(Exception):
    """A failure with an HTTP status, a stable title and a detail for people."""

    status: int = 500
    title: str = "Internal Server Error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
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


def problem_body(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """Build an RFC 7807 body; ``extra`` members (e.g. ``trackingId``) are appended."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
