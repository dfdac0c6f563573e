"""Query and path parameters as the spec's ``style`` and ``explode`` say, typed
strictly by their schema, whatever form it takes: a ``type``, or one stated
through ``allOf``/``oneOf``/``anyOf`` (a ``$ref``'d schema wrapped in ``allOf``,
``oneOf: [integer id, uuid]``); and handed to the handler as typed.

Requests are routed on the path as sent (:class:`RawPathRouting`): an encoded
slash (``%2F``) stays inside its segment, so ``/tags/arn%3Aaws%3A...%2Fmy-key``
reaches ``/tags/{resourceArn}`` (the server hands ASGI the decoded path, where
that slash would split the value), and the handler gets the decoded value."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from connexion.context import operation
from connexion.decorators.parameter import (
    AsyncParameterDecorator,
    inspect_function_arguments,
    prep_kwargs,
    unwrap_decorators,
)
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.routing import _scope as _routing_scope
from connexion.uri_parsing import QUERY_STRING_DELIMITERS, OpenAPIURIParser
from starlette.types import Receive, Scope, Send

from servicestub.app.validation import first_violation

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_BOOLEANS = {"true": True, "false": False}
_COMBINATIONS = ("allOf", "oneOf", "anyOf")


def _branches(schema: Any) -> Iterator[dict[str, Any]]:
    """``schema`` and every schema its ``allOf``/``oneOf``/``anyOf`` combine, depth first."""
    if not isinstance(schema, dict):
        return
    yield schema
    for combination in _COMBINATIONS:
        for branch in schema.get(combination) or ():
            yield from _branches(branch)


def kinds(schema: Any) -> list[str]:
    """The JSON types ``schema`` states, directly or through its combinations,
    in the order they are stated (empty: it states none)."""
    found: dict[str, None] = {}
    for branch in _branches(schema):
        kind = branch.get("type")
        found |= dict.fromkeys(kind if isinstance(kind, list) else [kind] if kind else [])
    return list(found)


def items_of(schema: Any) -> dict[str, Any]:
    """The ``items`` schema of an array ``schema`` (wherever its combinations state it)."""
    for branch in _branches(schema):
        if isinstance(branch.get("items"), dict):
            items: dict[str, Any] = branch["items"]
            return items
    return {}


def _reading(text: str, kind: str) -> Any:
    """``text`` as a value of the JSON type ``kind``, spelled exactly as JSON
    writes it, or ``None`` when it does not spell one."""
    if kind == "boolean":
        return _BOOLEANS.get(text)
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    return None


def typed(text: Any, schema: dict[str, Any]) -> Any:
    """A parameter's text as the JSON value it spells for ``schema``'s types,
    spelled exactly as JSON writes it (``true``, not ``True``; ``20``, not
    ``+20``, `` 20`` or ``2_0``); anything else stays text, for validation to
    refuse. Where ``schema`` allows several types (``oneOf: [integer, uuid]``),
    the first reading ``schema`` accepts is taken, the text itself among them
    when a string is allowed; when none is accepted, the first typed reading
    (so that validation names what is wrong with it)."""
    if not isinstance(text, str):
        return text  # already typed (a path converter did it)
    readings = []
    for kind in kinds(schema):
        value = text if kind == "string" else _reading(text, kind)
        if value is not None:
            readings.append(value)
    if len(readings) > 1:
        accepted = (value for value in readings if first_violation(schema, value) is None)
        return next(accepted, next((v for v in readings if v is not text), text))
    return readings[0] if readings else text


class SpecURIParser(OpenAPIURIParser):  # type: ignore[misc]  # connexion is untyped
    """Query and path parameters read exactly as the spec's ``style`` and
    ``explode`` say, and typed strictly (see :func:`typed`).

    connexion's parser splits an exploded array's values on commas as well
    (``states=NEW,DONE`` would be two states, though ``explode: true`` makes it
    one value, ``"NEW,DONE"``), converts with Python's ``int``/``float`` and a
    case-blind boolean, and only by a schema's own ``type``."""

    def resolve_params(self, params: dict[str, Any], _in: str) -> dict[str, Any]:
        resolved = {}
        for name, values in params.items():
            definition = self.param_defns.get(name)
            if definition is None:
                resolved[name] = _decoded(values) if _in == "path" else values  # ignored
                continue
            schema = definition.get("schema", {})
            occurrences = [_decoded(values)] if _in == "path" else values
            if "array" in kinds(schema):
                items = self._items(occurrences, definition, _in)
                resolved[name] = [typed(item, items_of(schema)) for item in items]
            else:
                resolved[name] = typed(occurrences[-1], schema)
        return resolved

    def _items(self, occurrences: list[str], definition: dict[str, Any], _in: str) -> list[str]:
        """An array's values: one per occurrence when exploded, else the
        delimited values of its one occurrence."""
        style = definition.get("style", self.style_defaults[_in])
        if definition.get("explode", style == "form"):
            return list(occurrences)
        return occurrences[-1].split(QUERY_STRING_DELIMITERS.get(style, ","))


#: The escapes a routed path keeps: a slash inside a segment, and ``%`` itself
#: (so that decoding the routed value once gives what was sent).
_KEPT_ESCAPES = re.compile(r"(%2[fF]|%25)")


def routed_path(scope: Scope) -> str:
    """The path a request is routed on: its decoded path, except that ``%2F``
    and ``%25`` stay escaped (see :func:`_decoded`), read from the ``raw_path``
    the server gives (a request without one, or whose path is not its raw
    path decoded, routes on its decoded path)."""
    path: str = scope["path"]
    raw = scope.get("raw_path")
    if not isinstance(raw, bytes) or b"%" not in raw:
        return path.replace("%", "%25")
    parts: Sequence[str] = _KEPT_ESCAPES.split(raw.decode("ascii", errors="replace"))
    if unquote("".join(parts)) != path:
        return path.replace("%", "%25")
    return "".join(part.upper() if index % 2 else unquote(part) for index, part in enumerate(parts))


def _decoded(value: Any) -> Any:
    """A path parameter's value as sent, from its routed text (:func:`routed_path`)."""
    return unquote(value) if isinstance(value, str) else value


class RawPathRouting(RoutingMiddleware):  # type: ignore[misc]  # connexion is untyped
    """connexion's routing on :func:`routed_path`; every middleware and handler
    after it sees the request's own (decoded) path, and path parameters are
    decoded by :class:`SpecURIParser`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        path = routed_path(scope)
        if path == scope["path"]:
            await super().__call__(scope, receive, send)
            return
        _routing_scope.set(dict(scope))  # what routing hands on: the decoded path
        await self.router({**scope, "path": path}, receive, send)


def raw_path_routing(middlewares: list[Any]) -> list[Any]:
    """connexion's middleware stack ``middlewares`` routing on the raw path."""
    return [RawPathRouting if m is RoutingMiddleware else m for m in middlewares]


def _castable(definition: dict[str, Any]) -> bool:
    """Whether connexion's argument passing can cast a parameter of
    ``definition``: it reads the schema's own ``type`` (and its ``items``'),
    failing - a 500 - on any other form."""
    schema = definition.get("schema", definition)
    if not isinstance(schema, dict) or "type" not in schema:
        return False
    return schema["type"] != "array" or "type" in (schema.get("items") or {})


class _Castable:
    """A request as connexion's argument passing sees it: only the path and
    query parameters it can cast (the others are passed by
    :class:`SpecArguments`)."""

    def __init__(self, request: Any, castable: Callable[[str, str], bool]) -> None:
        self._request = request
        self.path_params = {k: v for k, v in request.path_params.items() if castable("path", k)}
        self.query_params = {k: v for k, v in request.query_params.items() if castable("query", k)}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


class SpecArguments(AsyncParameterDecorator):  # type: ignore[misc]  # connexion is untyped
    """connexion's argument passing, except that a path or query parameter whose
    schema states its type other than by its own ``type`` (connexion casts by
    that alone, and fails) is passed as :class:`SpecURIParser` typed it."""

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))

        @functools.wraps(function)
        async def wrapper(request: Any) -> Any:
            uncastable = {
                (p["in"], p["name"])
                for p in operation.parameters
                if p["in"] in ("path", "query") and not _castable(p)
            }
            body = self._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)
            while asyncio.iscoroutine(body):
                body = await body
            kwargs = prep_kwargs(
                _Castable(request, lambda where, name: (where, name) not in uncastable),
                request_body=body,
                files=await request.files(),
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=self.sanitize_fn,
            )
            given = {"path": request.path_params, "query": request.query_params}
            for where, name in uncastable:
                key = self.sanitize_fn(name)
                if name in given[where] and (has_kwargs or key in arguments):
                    kwargs[key] = given[where][name]
            return await function(**kwargs)

        return wrapper
