"""How operationIds become handlers: ``module.function`` under
:mod:`servicestub.handlers`, wrapped so that plain results are sent as JSON.

An operationId with no such function is served by the engine when it is an
operation of one of the spec's collections (:mod:`servicestub.handlers._served`);
any other operation of a third-party spec is answered from the spec
(:mod:`servicestub.handlers._answered`); any other fails at start-up, naming the
function to write.

Operations document ``application/json`` for success and
``application/problem+json`` for errors, so connexion cannot guess the media
type of a returned dict; the wrapper names it once for every handler.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from connexion.context import scope as request_scope
from connexion.resolver import RelativeResolver

from servicestub.engine.answers import Answerer, plan_operation
from servicestub.engine.dispatch import ServedOperation, collection_operations
from servicestub.engine.model import SpecModel
from servicestub.handlers._answered import answered_handler
from servicestub.middleware.operations import HANDLERS, created_location, spec_operation_id
from servicestub.specs import APIS, ApiSpec, operations

JSON = {"Content-Type": "application/json"}


def as_json(
    handler: Callable[..., Awaitable[Any]], operation_id: str, apis: tuple[ApiSpec, ...] = APIS
) -> Callable[..., Awaitable[Any]]:
    """Give dict/list results (alone or as ``(body, status)``) a JSON content type,
    and a 201 the ``Location`` its spec (one of ``apis``) declares."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = await handler(*args, **kwargs)
        if isinstance(result, dict | list):
            return result, 200, JSON
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict | list):
            body, status = result
            location = created_location(operation_id, request_scope["path"], body, apis)
            if status == 201 and location is not None:
                return body, status, {**JSON, "Location": location}
            return body, status, JSON
        return result

    return wrapper


Handler = Callable[..., Awaitable[Any]]


def written_handler(name: str) -> Callable[..., Any] | None:
    """The function ``module.function`` names, or ``None`` when its module or the
    function does not exist (an error inside a module that exists is raised)."""
    module_name, _, function = name.rpartition(".")
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except ModuleNotFoundError:  # a package on the way does not exist
        return None
    found: Callable[..., Any] | None = getattr(importlib.import_module(module_name), function, None)
    return found


def engine_operations(model: SpecModel, third_party: bool = False) -> dict[str, ServedOperation]:
    """The operations the engine serves: every operation of each collection of
    ``model`` none of whose operations has a handler function written for it
    (all of them for a ``third_party`` spec, which has none). (A collection whose
    records written handlers keep is never half served by the engine, which
    would keep others elsewhere.)"""
    if third_party:
        return collection_operations(model)
    by_collection: dict[str, dict[str, ServedOperation]] = {}
    for operation_id, operation in collection_operations(model).items():
        by_collection.setdefault(operation.collection.path, {})[operation_id] = operation
    return {
        operation_id: operation
        for operations in by_collection.values()
        if not any(written_handler(f"{HANDLERS}.{op}") for op in operations)
        for operation_id, operation in operations.items()
    }


def _unresolved(name: str, model: SpecModel) -> str:
    """Why the operationId ``name`` names no handler, and what to write."""
    operation_id = spec_operation_id(name)
    module, _, function = name.rpartition(".")
    write = f"write `async def {function}(` in module {module}"
    operation = collection_operations(model).get(operation_id)
    if operation is not None:
        return (
            f"operationId {operation_id!r} has no handler: {write}. The engine does not serve "
            f"it: other operations of {operation.collection.path} have handlers written "
            "(the engine serves a collection only when none has)."
        )
    return (
        f"operationId {operation_id!r} has no handler: {write}. It is not an operation of "
        "a collection the engine can serve (a path /x whose item path /x/{id} exists, or "
        "whose GET answers a list)."
    )


def handler_resolver(
    apis: tuple[ApiSpec, ...] = APIS,
    model: SpecModel | None = None,
    served: Mapping[str, Handler] | None = None,
    third_party: bool = False,
) -> RelativeResolver:
    """Resolver of the operationIds of an API of ``apis`` (its collections: ``model``):
    the handler function written for each, else the engine's handler in ``served``
    (operationId -> handler, see :func:`engine_operations`); anything else fails
    at start-up saying what to write. A ``third_party`` spec has no handlers
    written: its operationIds are never looked up among ours, and those the
    engine does not serve are answered from the spec."""
    engine = dict(served or {})
    answered = _FromTheSpec(apis) if third_party else None

    def resolve(name: str) -> Callable[..., Any]:
        operation_id = spec_operation_id(name)
        function = None if third_party else written_handler(name)
        if function is None:
            function = engine.get(operation_id)
        if function is None and answered is not None:
            function = answered.handler(operation_id)
        if function is None:
            raise ValueError(_unresolved(name, model or SpecModel({})))
        return as_json(function, operation_id, apis)

    resolver = _SpecResolver if third_party else RelativeResolver
    return resolver(HANDLERS, function_resolver=resolve)


class _SpecResolver(RelativeResolver):  # type: ignore[misc]  # connexion is untyped
    """The resolver of a third-party spec: an operation is named by its
    operationId alone. Its ``x-openapi-router-controller`` (and a dotted
    operationId) names the spec author's Python code, never ours, so it takes
    no part in finding the handler or naming the routed operation."""

    def resolve_operation_id(self, operation: Any) -> str:
        return f"{self.root_path}.{operation.operation_id}"


class _FromTheSpec:
    """The handlers answering operations of the third-party specs of ``apis``
    from their spec, each spec read (and its answerer made) once."""

    def __init__(self, apis: tuple[ApiSpec, ...]) -> None:
        self.apis = tuple(api for api in apis if api.third_party)
        self.answerers: dict[str, tuple[Answerer, dict[str, dict[str, Any]]]] = {}

    def handler(self, operation_id: str) -> Handler | None:
        """The handler of ``operation_id``, or ``None`` when no spec has it."""
        for api in self.apis:
            if api.name not in self.answerers:
                document = api.parsed()
                by_id = {op["operationId"]: op for _doc, _p, _m, op in operations((api,))}
                self.answerers[api.name] = Answerer(document, {}, api.base_path), by_id
            answerer, by_id = self.answerers[api.name]
            if operation_id in by_id:
                answerer.plans[operation_id] = plan_operation(
                    answerer.document, operation_id, by_id[operation_id]
                )
                return answered_handler(answerer, operation_id)
        return None
