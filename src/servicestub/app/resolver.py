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

from connexion import utils
from connexion.context import scope as request_scope
from connexion.resolver import RelativeResolver

from servicestub.middleware.operations import HANDLERS, created_location, spec_operation_id

JSON = {"Content-Type": "application/json"}


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
