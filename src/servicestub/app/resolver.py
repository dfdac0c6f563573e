"""How operationIds become handlers: ``module.function`` under
:mod:`servicestub.handlers`, wrapped so that plain results are sent as JSON.

An operationId with no such function is served by the engine when it is an
operation of one of the spec's collections (:mod:`servicestub.handlers._served`);
any other operation of a third-party spec is answered from the spec
(:mod:`servicestub.handlers._answered`); any other fails at start-up, naming the
function to write.

An operation documents media types per status (JSON and problem+json; JSON,
XML and RSS for one success; text alone), and connexion, which knows only
their union, cannot tell which one a returned body is in (and refuses a
body-less answer when there are several): the wrapper names, for every
handler, one its operation documents for the status answered.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from connexion.context import scope as request_scope
from connexion.resolver import RelativeResolver
from starlette.responses import Response

from servicestub.engine.answers import Answerer, plan_operation
from servicestub.engine.dispatch import ServedOperation, collection_operations
from servicestub.engine.model import SpecModel
from servicestub.handlers._answered import answered_handler
from servicestub.middleware.negotiation import (
    NEGOTIATED_KEY,
    OperationMedia,
    operation_media,
    parse_media_type,
)
from servicestub.middleware.operations import HANDLERS, created_location, spec_operation_id
from servicestub.specs import APIS, ApiSpec, operations

JSON_MEDIA = "application/json"


def _is_json(media: str) -> bool:
    """Whether connexion's jsonifier writes a body of ``media`` (``application/json``,
    ``application/*+json``)."""
    parsed = parse_media_type(media)
    return (
        parsed is not None
        and parsed.type == "application"
        and (parsed.subtype == "json" or parsed.subtype.endswith("+json"))
    )


#: Answers of :func:`_chosen_media` kept (``negotiated`` comes from a request's ``Accept``).
CHOSEN_CACHE_SIZE = 1024


@functools.lru_cache(maxsize=CHOSEN_CACHE_SIZE)
def _chosen_media(documented: tuple[str, ...], negotiated: str | None) -> str:
    """The media type a body goes out in, among those ``documented`` for its
    status: the one ``Accept`` chose (``negotiated``) when JSON, else the first
    JSON one, else the negotiated one, else the first."""
    ranked = sorted(documented, key=lambda media: (not _is_json(media), media != negotiated))
    return ranked[0]


def documented_answer(
    result: Any, media: OperationMedia | None, negotiated: str | None = None
) -> Any:
    """A handler's ``result`` (a body alone, ``(body, status)`` or ``(body, status,
    headers)``) as connexion sends it, in a media type the operation documents
    for that status (``media``; ``negotiated``: the one ``Accept`` chose):

    * a body-less answer goes out as it is, with no media type (connexion
      would otherwise insist on one when the operation documents several);
    * a body without a ``Content-Type`` goes out in one its status documents
      (:func:`_chosen_media`; written as JSON text for a type that is not JSON),
      without the body when that status documents none, and as JSON when the
      operation does not document the status at all;
    * a ``Content-Type`` the handler names is kept.
    """
    body: Any
    if isinstance(result, dict | list):
        body, status, headers = result, 200, {}
    elif isinstance(result, tuple) and len(result) in (2, 3) and isinstance(result[1], int):
        body, status = result[0], result[1]
        headers = dict(result[2]) if len(result) == 3 else {}
    else:
        return result
    named = any(key.lower() == "content-type" for key in headers)
    documented = media.answered(status) if media is not None else None
    if body is None or (documented == () and not named):
        kept = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        return Response(status_code=status, headers=kept)
    if named or (documented is None and not isinstance(body, dict | list)):
        return body, status, headers
    chosen = JSON_MEDIA if documented is None else _chosen_media(documented, negotiated)
    if not _is_json(chosen) and not isinstance(body, str | bytes):
        body = orjson.dumps(body)
    return body, status, {**headers, "Content-Type": chosen}


def as_json(
    handler: Callable[..., Awaitable[Any]], operation_id: str, apis: tuple[ApiSpec, ...] = APIS
) -> Callable[..., Awaitable[Any]]:
    """Send what ``handler`` returns in a media type its operation documents for
    the status (:func:`documented_answer`), a 201 with the ``Location`` its spec
    (one of ``apis``) declares."""
    found: list[OperationMedia | None] = []

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = await handler(*args, **kwargs)
        if not found:  # read when first answered: the table covers every operation
            found.append(operation_media(apis).get(operation_id))
        if (
            isinstance(result, tuple)
            and len(result) == 2
            and result[1] == 201
            and isinstance(result[0], dict | list)
        ):
            body, status = result
            location = created_location(operation_id, request_scope["path"], body, apis)
            if location is not None:
                result = body, status, {"Location": location}
        return documented_answer(result, found[0], request_scope.get(NEGOTIATED_KEY))

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
                # connexion resolves an operation several times while it builds the
                # app: its answers are planned on the first, once
                if operation_id not in answerer.plans:
                    answerer.plans[operation_id] = plan_operation(
                        answerer.document, operation_id, by_id[operation_id]
                    )
                return answered_handler(answerer, operation_id)
        return None
