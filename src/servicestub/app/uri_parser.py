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
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

import orjson
import starlette.convertors
from connexion.context import operation
from connexion.decorators.parameter import (
    AsyncParameterDecorator,
    inspect_function_arguments,
    prep_kwargs,
    unwrap_decorators,
)
from connexion.exceptions import BadRequestProblem
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.routing import _scope as _routing_scope
from connexion.uri_parsing import QUERY_STRING_DELIMITERS, OpenAPIURIParser
from connexion.utils import all_json
from starlette.types import Receive, Scope, Send

from servicestub.app.validation import (
    INTEGER_TEXT,
    NUMBER_TEXT,
    deep_fields,
    effective_parameters,
    form_properties,
    items_of,
    kinds,
    typed,
    typed_value,
)


class SpecURIParser(OpenAPIURIParser):  # type: ignore[misc]  # connexion is untyped
    """Query and path parameters read exactly as the spec's ``style`` and
    ``explode`` say, and typed strictly (see :func:`typed`).

    connexion's parser splits an exploded array's values on commas as well
    (``states=NEW,DONE`` would be two states, though ``explode: true`` makes it
    one value, ``"NEW,DONE"``), converts with Python's ``int``/``float`` and a
    case-blind boolean, and only by a schema's own ``type``. Each parameter is
    read as the operation defines it (:func:`effective_parameters`)."""

    def __init__(self, param_defns: list[dict[str, Any]], body_defn: dict[str, Any]) -> None:
        super().__init__(effective_parameters(param_defns), body_defn)

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

    def resolve_query(self, query_data: dict[str, Any]) -> dict[str, Any]:
        """The query's parameters (see the class), those written as ``style:
        deepObject`` spells them (``created[gte]=1``, ``expand[]=a``) gathered into
        the object or array their schema holds (:func:`deep_fields`); connexion's
        own reading makes objects only, so ``expand[]=a`` was ``{"": "a"}``."""
        if not any("[" in key for key in query_data):  # the common query: nothing to gather
            return self.resolve_params(query_data, "query")
        schemas = {name: d.get("schema", {}) for name, d in self.param_defns.items()}
        fields, gathered = deep_fields(query_data, schemas)
        resolved = self.resolve_params(
            {k: v for k, v in fields.items() if k not in gathered}, "query"
        )
        return resolved | {name: typed_value(fields[name], schemas[name]) for name in gathered}

    def resolve_form(self, form_data: dict[str, Any]) -> dict[str, Any]:
        """A form's fields as OpenAPI 3.0 reads them (Encoding Object): fields
        written as ``deepObject`` spells them (``metadata[key]=v``, ``expand[]=a``)
        gathered into their object or array (:func:`deep_fields`); a field the
        encoding declares JSON parsed (a 400 when it is not JSON); an object field
        (or an array of objects) sent as a JSON part - multipart's default for
        them - parsed (left as text, for validation to refuse, when it is not JSON);
        duplicates resolved and an array field split, whatever form its schema
        takes. connexion's own reads each property's ``type`` directly and casts
        it, failing (a 500) on a property without one (``Channel: {description:
        ...}``) or a leaf of an object without one; the fields are typed by the
        form validator instead (:func:`~servicestub.app.validation.form_values`)."""
        properties = form_properties(self._body_schema)
        form_data, gathered = deep_fields(form_data, properties)
        for name in form_data:
            if name in gathered:  # its leaves typed here: the handler's arguments are read anew
                form_data[name] = typed_value(form_data[name], properties[name])
                continue
            encoding = self._body_encoding.get(name, {"style": "form"})
            schema = properties.get(name)
            declared = "contentType" in encoding and all_json([encoding.get("contentType")])
            if declared or _json_part(schema):
                form_data[name] = _json_field(name, form_data[name], schema, strict=declared)
                continue
            value = self._resolve_param_duplicates(form_data[name], encoding, "form")
            if "array" in kinds(schema):
                value = self._split(value, encoding, "form")
            form_data[name] = value
        return form_data

    def _items(self, occurrences: list[str], definition: dict[str, Any], _in: str) -> list[str]:
        """An array's values: one per occurrence when exploded, else the
        delimited values of its one occurrence."""
        style = definition.get("style", self.style_defaults[_in])
        if definition.get("explode", style == "form"):
            return list(occurrences)
        return occurrences[-1].split(QUERY_STRING_DELIMITERS.get(style, ","))


def _json_part(schema: Any) -> bool:
    """A form field of ``schema`` is sent as JSON by default (OpenAPI 3.0, Encoding
    Object: ``application/json`` for an object, and for an array of objects)."""
    kind = kinds(schema)
    if "array" in kind:
        return "object" in kinds(items_of(schema))
    return "object" in kind


def _json_field(name: str, texts: Any, schema: Any, strict: bool) -> Any:
    """A form field sent as JSON (one part, or one per item of an array): parsed;
    a text that is no JSON is a 400 when the encoding declares JSON, else stays."""
    texts = texts if isinstance(texts, list) else [texts]
    many = "array" in kinds(schema)
    values: list[Any] = []
    for text in texts if many else texts[-1:]:
        if not strict and isinstance(text, str) and not text.lstrip().startswith(("{", "[")):
            values.append(text)  # a text the schema may allow as well (`anyOf: [object, ""]`)
            continue
        try:
            values.append(orjson.loads(text) if isinstance(text, str | bytes) else text)
        except orjson.JSONDecodeError:
            if strict:
                raise BadRequestProblem(
                    detail=f"{name}: the form field is to hold JSON; send a JSON document."
                ) from None
            values.append(text)
    if many and len(values) == 1 and isinstance(values[0], list):
        return values[0]  # the whole array in one part
    return values if many else (values[-1] if values else "")


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


class _JsonInteger(starlette.convertors.Convertor[int]):
    """A path segment of an integer parameter: an integer as JSON spells it."""

    regex = INTEGER_TEXT

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


class _JsonNumber(starlette.convertors.Convertor[int | float]):
    """A path segment of a number parameter: a number as JSON spells it
    (``342313``, ``-1.5``, ``2e-3``), read as the integer or float it spells.
    connexion's own reads no exponent, and matches ``.`` and the empty text,
    which it then fails to read (a 500)."""

    regex = NUMBER_TEXT

    def convert(self, value: str) -> int | float:
        number: int | float = typed(value, {"type": "number"})
        return number

    def to_string(self, value: int | float) -> str:
        return str(value)


class RawPathRouting(RoutingMiddleware):  # type: ignore[misc]  # connexion is untyped
    """connexion's routing on :func:`routed_path`; every middleware and handler
    after it sees the request's own (decoded) path, and path parameters are
    decoded by :class:`SpecURIParser`. Integer and number path parameters are
    matched as JSON spells them (:class:`_JsonInteger`, :class:`_JsonNumber`)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        starlette.convertors.register_url_convertor("int", _JsonInteger())
        starlette.convertors.register_url_convertor("float", _JsonNumber())

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


def passed_parameters(
    parameters: list[dict[str, Any]],
) -> tuple[dict[tuple[str, str], dict[str, Any]], set[tuple[str, str]]]:
    """The path and query parameters of an operation (its ``parameters``, path item's
    included) that :class:`SpecArguments` passes as typed, by ``(in, name)``: those
    connexion cannot cast (:func:`_castable`) and those the operation redefines; and
    the redefined ones."""
    listed = [(p["in"], p["name"]) for p in parameters]
    shadowed = {key for key in listed if listed.count(key) > 1}
    passed = {
        (p["in"], p["name"]): p
        for p in effective_parameters(parameters)
        if p["in"] in ("path", "query") and (not _castable(p) or (p["in"], p["name"]) in shadowed)
    }
    return passed, shadowed


#: A typed argument that is not passed at all (:func:`typed_arguments`).
LEFT_OUT: Any = object()


def typed_arguments(
    request: Any,
    passed: Mapping[tuple[str, str], dict[str, Any]],
    shadowed: Collection[tuple[str, str]],
    sanitize: Callable[[str], str],
    wanted: Callable[[str], bool],
) -> dict[str, Any]:
    """The ``passed`` parameters (:func:`passed_parameters`) of ``request`` the handler
    takes (``wanted``), by argument: as typed, or their own default when left out; a
    redefined one left out without a default is :data:`LEFT_OUT` (not passed at all)."""
    given = {"path": request.path_params, "query": request.query_params}
    typed: dict[str, Any] = {}
    for (where, name), definition in passed.items():
        key = sanitize(name)
        if not wanted(key):
            continue
        schema = definition.get("schema")
        if name in given[where]:
            typed[key] = given[where][name]
        elif isinstance(schema, dict) and "default" in schema:
            typed[key] = schema["default"]
        elif (where, name) in shadowed:
            typed[key] = LEFT_OUT  # connexion's default is the path item's
    return typed


def pass_typed(kwargs: dict[str, Any], typed: Mapping[str, Any]) -> None:
    """Put into ``kwargs`` the :func:`typed_arguments` ``typed``."""
    for key, value in typed.items():
        if value is LEFT_OUT:
            kwargs.pop(key, None)
        else:
            kwargs[key] = value


class SpecArguments(AsyncParameterDecorator):  # type: ignore[misc]  # connexion is untyped
    """connexion's argument passing, except that a path or query parameter whose
    schema states its type other than by its own ``type`` (connexion casts by
    that alone, and fails), or that the operation redefines from its path item
    (connexion casts by the path item's), is passed as :class:`SpecURIParser`
    typed it (when it is left out: its own default, if it has one)."""

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))

        @functools.wraps(function)
        async def wrapper(request: Any) -> Any:
            passed, shadowed = passed_parameters(operation.parameters)
            body = self._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)
            while asyncio.iscoroutine(body):
                body = await body
            kwargs = prep_kwargs(
                _Castable(request, lambda where, name: (where, name) not in passed),
                request_body=body,
                files=await request.files(),
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=self.sanitize_fn,
            )
            wanted = (lambda _key: True) if has_kwargs else arguments.__contains__
            pass_typed(kwargs, typed_arguments(request, passed, shadowed, self.sanitize_fn, wanted))
            return await function(**kwargs)

        return wrapper
