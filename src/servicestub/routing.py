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
from connexion.resolver import RelativeResolver

JSON = {"Content-Type": "application/json"}
HANDLERS = "servicestub.handlers"


def as_json(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Give dict/list results (alone or as ``(body, status)``) a JSON content type."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = await handler(*args, **kwargs)
        if isinstance(result, dict | list):
            return result, 200, JSON
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict | list):
            return result[0], result[1], JSON
        return result

    return wrapper


def _resolve(name: str) -> Callable[..., Any]:
    return as_json(utils.get_function_from_name(name))


def handler_resolver() -> RelativeResolver:
    """Resolver of every API's operationIds; unknown ones fail at start-up."""
    return RelativeResolver(HANDLERS, function_resolver=_resolve)


def spec_operation_id(resolved: str) -> str:
    """The spec's operationId of an operation connexion resolved to ``resolved``."""
    return resolved.removeprefix(HANDLERS + ".")
