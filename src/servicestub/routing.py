"""How operationIds become handlers: ``module.function`` under
:mod:`servicestub.handlers`, wrapped so that plain results are sent as JSON.

Operations document ``application/json`` for success and
``application/problem+json`` for errors, so connexion cannot guess the media
type of a returned dict; the wrapper names it once for every handler.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from connexion import utils
from connexion.context import scope as request_scope
from connexion.resolver import RelativeResolver

from servicestub.specs import created_resources

JSON = {"Content-Type": "application/json"}
HANDLERS = "servicestub.handlers"


def created_location(operation_id: str | None, request_path: str, body: Any) -> str | None:
    """The ``Location`` of what ``operation_id``, posted to ``request_path``, created:
    that path and the new id (``body[<item parameter>]``); ``None`` for an operation
    whose 201 declares none (or a body without the id)."""
    parameter = created_resources().get(operation_id or "")
    if parameter is None or not isinstance(body, dict) or parameter not in body:
        return None
    return f"{request_path.rstrip('/')}/{quote(str(body[parameter]), safe='')}"


def as_json(
    handler: Callable[..., Awaitable[Any]], operation_id: str
) -> Callable[..., Awaitable[Any]]:
    """Give dict/list results (alone or as ``(body, status)``) a JSON content type,
    and a 201 the ``Location`` its spec declares."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = await handler(*args, **kwargs)
        if isinstance(result, dict | list):
            return result, 200, JSON
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict | list):
            body, status = result
            location = created_location(operation_id, request_scope["path"], body)
            if status == 201 and location is not None:
                return body, status, {**JSON, "Location": location}
            return body, status, JSON
        return result

    return wrapper


def _resolve(name: str) -> Callable[..., Any]:
    return as_json(utils.get_function_from_name(name), spec_operation_id(name))


def handler_resolver() -> RelativeResolver:
    """Resolver of every API's operationIds; unknown ones fail at start-up."""
    return RelativeResolver(HANDLERS, function_resolver=_resolve)


def spec_operation_id(resolved: str) -> str:
    """The spec's operationId of an operation connexion resolved to ``resolved``."""
    return resolved.removeprefix(HANDLERS + ".")
