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
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from starlette.datastructures import Headers
from starlette.types import Scope

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
        return _describe(schema, error)
    return None


def _describe(schema: dict[str, Any], error: Any) -> str:
    discriminated = _discriminated(schema, error)
    if discriminated is not None:
        return discriminated
    path = ".".join(str(part) for part in error.instance_path)
    return f"{error.message} - '{path}'" if path else error.message


def _discriminated(schema: dict[str, Any], error: Any) -> str | None:
    """A ``oneOf`` with an OpenAPI ``discriminator`` described by the branch the
    instance's discriminator value selects (not "valid under none of the
    schemas"), naming the instance by the fields every branch requires (a
    DataFlow PATCH item by its ``patchType`` and ``patchClientId``)."""
    node: Any = schema
    for part in error.schema_path[:-1]:
        node = node[part] if isinstance(node, dict | list) else None
        if node is None:
            return None
    instance = error.instance
    if not (isinstance(node, dict) and "discriminator" in node and isinstance(instance, dict)):
        return None
    field = node["discriminator"]["propertyName"]
    branches = node["oneOf"]
    common = set.intersection(*(set(branch.get("required", ())) for branch in branches))
    named = " and ".join(
        f"{name} {orjson.dumps(instance[name]).decode()}"
        for name in [field, *sorted(common - {field})]
        if name in instance
    )
    prefix = f"The item with {named} is invalid: " if named else ""
    depth = len(error.schema_path)
    for index, branch in enumerate(branches):
        if instance.get(field) in branch["properties"][field].get("enum", ()):
            inner = [
                sub
                for tried in error.kind.context
                for sub in tried
                if len(sub.schema_path) > depth and sub.schema_path[depth] == index
            ]
            return prefix + _describe(schema, inner[0]) if inner else None
    allowed = ", ".join(
        orjson.dumps(value).decode()
        for branch in branches
        for value in branch["properties"][field].get("enum", ())
    )
    path = ".".join(str(part) for part in error.instance_path)
    return f"{prefix}{field} must be one of {allowed} - '{path}'"


def parse_json(raw: bytes) -> Any:
    """Parse JSON; deeply nested or malformed input is a 400, never a crash, and
    so is a NUL character in any string (no text of these APIs holds one)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BadRequestProblem(detail=f"The body is not valid JSON: {error}") from None
    if b"\\u0000" in raw and (where := nul_at(value)) is not None:
        raise BadRequestProblem(
            detail=f"'{where}' contains a NUL character (\\u0000); text may not hold one."
        )
    return value


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


class FastJSONRequestBodyValidator(JSONRequestBodyValidator):
    _left_out = False

    async def wrap_receive(self, receive: Any, *, scope: Scope) -> Any:
        # connexion stands a JSON null in for a body that was left out; remember
        # which it was, so an explicit null is still refused.
        self._left_out = not int(Headers(scope=scope).get("content-length", "0") or 0)
        return await super().wrap_receive(receive, scope=scope)

    async def _parse(self, stream: Any, scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        return parse_json(raw) if raw else None

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


VALIDATORS = {
    **VALIDATOR_MAP,
    "parameter": FastParameterValidator,
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": FastJSONRequestBodyValidator}),
    "response": MediaTypeDict(
        {**VALIDATOR_MAP["response"], "*/*json": FastJSONResponseBodyValidator}
    ),
}
