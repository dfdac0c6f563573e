"""Request and response body validation for connexion, compiled once.

connexion's own JSON validators build a ``jsonschema`` validator on every
request and parse with the stdlib; these parse with orjson and validate with a
``jsonschema-rs`` validator compiled once per schema. OpenAPI 3.0's
``nullable`` is rewritten into JSON Schema (``type: [T, "null"]``) on the way.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import orjson
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from starlette.datastructures import Headers
from starlette.types import Scope

from servicestub.negotiation import parse_media_type

_compiled: dict[int, tuple[dict[str, Any], Any]] = {}
_NOT_SCHEMA = frozenset({"example", "components"})


def to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema draft 4 (``nullable`` made explicit)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: to_json_schema(value)
        for key, value in node.items()
        if key not in _NOT_SCHEMA  # connexion attaches the (self-referencing) components
    }
    if converted.pop("nullable", False):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [{"type": "null"}, converted]}
    return converted


def compiled(schema: dict[str, Any]) -> Any:
    """The compiled validator of ``schema`` (connexion passes the same dict each time)."""
    found = _compiled.get(id(schema))
    if found is None or found[0] is not schema:
        validator = jsonschema_rs.Draft4Validator(to_json_schema(schema), validate_formats=True)
        found = _compiled[id(schema)] = (schema, validator)
    return found[1]


def first_error(schema: dict[str, Any], body: Any) -> str | None:
    """A readable message for the first way ``body`` breaks ``schema``, or ``None``."""
    for error in compiled(schema).iter_errors(body):
        path = ".".join(str(part) for part in error.instance_path)
        return f"{error.message} - '{path}'" if path else error.message
    return None


MAX_JSON_DEPTH = 64
"""How deeply arrays and objects may nest in a request body. Far beyond any
document of these APIs, and far inside what orjson can write back (254 levels)
and what anything recursing over a record can take: whatever is accepted can be
stored, copied and served again."""

_TOO_DEEP = (
    f"The body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels; "
    "send a flatter document."
)


def parse_json(raw: bytes) -> Any:
    """Parse JSON; malformed input, nesting deeper than :data:`MAX_JSON_DEPTH`
    and a NUL character in any string (no text of these APIs holds one) are a
    400, never a crash."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if str(error).startswith("depth limit exceeded"):  # orjson's own bound, 1024
            raise BadRequestProblem(detail=_TOO_DEEP) from None
        raise BadRequestProblem(detail=f"The body is not valid JSON: {error}") from None
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and depth_of(value) > MAX_JSON_DEPTH:
        raise BadRequestProblem(detail=_TOO_DEEP)
    if b"\\u0000" in raw and (where := nul_at(value)) is not None:
        raise BadRequestProblem(
            detail=f"'{where}' contains a NUL character (\\u0000); text may not hold one."
        )
    return value


def depth_of(value: Any) -> int:
    """How many arrays and objects ``value`` nests (a scalar: 0), level by
    level rather than by recursion."""
    depth, level = 0, [value] if isinstance(value, dict | list) else []
    while level:
        depth += 1
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    return depth


def nul_at(value: Any) -> str | None:
    """The path of a string (or key) in ``value`` holding a NUL, or ``None``.

    Walks with an explicit stack: orjson accepts nesting deeper than Python's
    recursion limit."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return path or "body"
            continue
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        else:
            continue
        for key, child in reversed(children):
            if isinstance(key, str) and "\x00" in key:
                return f"{path}.{key!r}" if path else repr(key)
            stack.append((f"{path}.{key}" if path else str(key), child))
    return None


PARSED_BODY_KEY = "servicestub.parsed_body"
"""The scope key of the request body as the validator parsed it: the handler
gets that value, so a body is parsed once, by :func:`parse_json`."""


class ParsedBodyRequest(ConnexionRequest):
    """connexion's request, whose JSON body is the one the validator parsed
    (connexion's own would parse it again with the stdlib, which fails, as a
    500, on nesting orjson accepts)."""

    async def json(self) -> Any:
        if PARSED_BODY_KEY in self.scope:
            return self.scope[PARSED_BODY_KEY]
        raw = await self.body()
        return parse_json(raw) if raw else None


class FastJSONRequestBodyValidator(JSONRequestBodyValidator):
    _left_out = False

    async def wrap_receive(self, receive: Any, *, scope: Scope) -> Any:
        # connexion stands a JSON null in for a body that was left out; remember
        # which it was, so an explicit null is still refused.
        self._left_out = not int(Headers(scope=scope).get("content-length", "0") or 0)
        return await super().wrap_receive(receive, scope=scope)

    async def _parse(self, stream: Any, scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        body = scope[PARSED_BODY_KEY] = parse_json(raw) if raw else None
        return body

    def _validate(self, body: Any) -> dict | None:
        if body is None and self._left_out and not self._required:
            return None  # an optional body that was left out
        if not self._nullable and body is None:
            raise BadRequestProblem("The request body must not be empty; send a JSON document.")
        message = first_error(self._schema, body)
        if message is not None:
            raise BadRequestProblem(detail=message)
        return None


class FastJSONResponseBodyValidator(JSONResponseBodyValidator):
    def _parse(self, stream: Any) -> Any:
        raw = b"".join(stream)
        if not raw:
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise NonConformingResponseBody(str(error)) from None

    def _validate(self, body: Any) -> None:
        message = first_error(self._schema, body)
        if message is not None:
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to specification. {message}"
            )


class FastParameterValidator(ParameterValidator):
    """connexion's parameter checks with each parameter's schema compiled once
    (connexion deep-copies the schema and builds a validator for every
    parameter of every request)."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            message = first_error(param.get("schema", param), value)
            return None if message is None else f"{param['name']}: {message}"
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None


class _MediaTypes(MediaTypeDict):
    """connexion's media-type table, looked up by the type's essence in lower
    case (``Application/JSON; charset=UTF-8`` finds the JSON validator)."""

    def __getitem__(self, item: str) -> Any:
        media = parse_media_type(item)
        return super().__getitem__(media.essence if media is not None else item)


VALIDATORS = {
    **VALIDATOR_MAP,
    "parameter": FastParameterValidator,
    "body": _MediaTypes({**VALIDATOR_MAP["body"], "*/*json": FastJSONRequestBodyValidator}),
    "response": _MediaTypes(
        {**VALIDATOR_MAP["response"], "*/*json": FastJSONResponseBodyValidator}
    ),
}
