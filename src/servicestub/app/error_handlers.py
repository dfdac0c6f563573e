"""connexion's exception handlers: each exception an operation, connexion or
Starlette raises is mapped to an :class:`~servicestub.core.errors.ApiError` here
(:func:`as_api_error`, the one mapping) and rendered by
:mod:`servicestub.core.problems`, as every other error of the mock is."""

from __future__ import annotations

import functools
import logging
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from starlette.exceptions import HTTPException

from servicestub.core.errors import ApiError, StatusProblem
from servicestub.core.problems import render
from servicestub.runtime import SCOPE_KEY
from servicestub.specs import ADMIN, APIS, allowed_methods

log = logging.getLogger("servicestub")

UNEXPECTED = "The mock failed to handle this request; the server log has the details."


def readable(detail: str, limit: int = 1000) -> str:
    """A validator's message made fit for a person: its first line, and a long
    offending value (a 1 MB string, say) cut short rather than echoed whole."""
    line = detail.strip().splitlines()[0] if detail.strip() else detail
    if len(line) <= limit:
        return line
    half = limit // 2
    return f"{line[:half]} … {line[-half:]}"  # the end names the field; keep it


def as_api_error(request: ConnexionRequest, exc: Exception) -> ApiError:
    """The problem ``exc`` is, as the client is told it (and logged when it is the
    mock's fault)."""
    if isinstance(exc, ApiError):
        return exc
    path = request.url.path
    if isinstance(exc, ProblemException):
        if exc.status >= 500:
            log.error("%s: %s", exc.title, exc.detail)
        detail = readable(str(exc.detail or exc.title))
        return StatusProblem(exc.status, detail, title=exc.title or None, headers=exc.headers)
    if isinstance(exc, HTTPException):
        headers = dict(exc.headers or {})
        detail = str(exc.detail)
        runtime = request.scope.get(SCOPE_KEY)
        apis = APIS if runtime is None else runtime.apis
        if exc.status_code == 404:
            docs = " or ".join(f"{api.base_path}/ui/" for api in apis if api.name != ADMIN.name)
            detail = f"No operation at {path}; see the API docs under {docs}."
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(path, apis))
            detail = f"{request.method} is not an operation of {path}; it takes {headers['Allow']}."
        return StatusProblem(exc.status_code, detail, headers=headers)
    log.exception("unhandled error on %s %s", request.method, path, exc_info=exc)
    return ApiError(UNEXPECTED)


def problem_response(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """connexion's error handler of every exception: the one mapping, the one renderer."""
    rendered = render(as_api_error(request, exc), request.scope)
    headers = dict(rendered.headers)
    media_type = headers.pop("content-type")
    del headers["content-length"]  # set again by the response from its body
    return ConnexionResponse(
        status_code=rendered.status,
        mimetype=media_type,
        content_type=media_type,
        body=rendered.body,
        headers=headers,
    )


#: What :func:`problem_response` handles inside connexion's exception middleware.
#: The most specific class decides: connexion has handlers of its own for
#: ``ProblemException`` and Starlette for ``HTTPException``, so each is named here
#: to replace them (``Exception`` alone would not).
HANDLED: tuple[type[Exception], ...] = (ApiError, ProblemException, HTTPException, Exception)


def connexion_middlewares() -> list[Any]:
    """connexion's default middleware stack, its outermost one
    (``ServerErrorMiddleware``) answering what escapes every other middleware
    through :func:`problem_response` too, rather than with connexion's own body."""
    return [
        functools.partial(ServerErrorMiddleware, handler=problem_response)
        if middleware is ServerErrorMiddleware
        else middleware
        for middleware in ConnexionMiddleware.default_middlewares
    ]
