"""Request and response body validation for connexion, compiled once.

connexion's own JSON validators build a ``jsonschema`` validator on every
request and parse with the stdlib; these parse with orjson and validate with a
``jsonschema-rs`` validator compiled once per schema. OpenAPI 3.0's
``nullable`` is rewritten into JSON Schema (``type: [T, "null"]``) on the way.

connexion hands over schemas with every ``$ref`` resolved, so a recursive
schema arrives as a dict that contains itself: :func:`acyclic` turns each
such cycle back into a ``$ref`` before it is compiled. A request body (JSON, a
form, multipart) never has to hold a ``readOnly`` property, an answer never a
``writeOnly`` one (OpenAPI 3.0, "Fixed Fields" of the Schema Object), in
nested objects too. A text body (``text/plain``) is
validated as the string it is, only against a string schema; bodies of other
media types that are not JSON (XML, forms the handler does not read) are not
validated as JSON.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import jsonschema_rs
import orjson
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import (
    BadRequestProblem,
    NonConformingResponseBody,
    NonConformingResponseHeaders,
    UnsupportedMediaTypeProblem,
)
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import (
    ResponseValidationAPI,
    ResponseValidationMiddleware,
    ResponseValidationOperation,
)
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from jsonschema_rs import ValidationErrorKind
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Scope, Send

from servicestub.core.errors import json_text
from servicestub.core.json_schema import to_json_schema
from servicestub.core.memo import ByIdentity
from servicestub.middleware.negotiation import (
    documented_key,
    documented_status,
    is_json,
    parse_media_type,
)

_SKIPPED = frozenset({"components"})  # connexion attaches them to schemas; not a schema


#: Keywords whose value is a map of names to schemas (not a schema itself).
_MAPS = frozenset({"properties", "patternProperties", "definitions", "dependencies"})


@dataclasses.dataclass(frozen=True)
class _Cycle:
    """A container (a ``properties`` map, an ``allOf`` list) met again on its own
    path: the schema holding it is to become a ``$ref`` to ``target``'s."""

    target: int


def acyclic(schema: Any) -> Any:
    """``schema`` with every cycle (a recursive schema whose ``$ref``s connexion
    resolved into a dict that contains itself) turned back into a ``$ref`` to a
    schema under ``definitions``; an acyclic schema comes back as an equal copy.

    Recursion goes as deep as the spec's schemas nest (not as deep as a body)."""
    names: dict[int, str] = {}
    definitions: dict[str, Any] = {}
    #: id of each container on the path -> id of the schema it is (or belongs to)
    path: dict[int, int] = {}

    def ref(target: int) -> dict[str, str]:
        return {"$ref": f"#/definitions/{names.setdefault(target, f'cycle{len(names)}')}"}

    def walk(node: Any, is_schema: bool, owner: int) -> Any:
        if not isinstance(node, dict | list):
            return node
        key = id(node)
        if key in path:
            return ref(key) if path[key] == key else _Cycle(path[key])
        schema_dict = is_schema and isinstance(node, dict)
        mine = key if schema_dict else owner
        path[key] = mine
        if isinstance(node, dict):
            pairs = [
                (k, walk(v, not (schema_dict and k in _MAPS), mine))
                for k, v in node.items()
                if k not in _SKIPPED
            ]
            children = [value for _k, value in pairs]
            copy: Any = dict(pairs)
        else:
            children = copy = [walk(item, True, mine) for item in node]
        del path[key]
        cycle = next((c for c in children if isinstance(c, _Cycle)), None)
        if cycle is not None:
            return ref(cycle.target) if schema_dict else cycle
        if key in names:
            definitions[names[key]] = copy
        return copy

    result = walk(schema, True, id(schema))
    if definitions and isinstance(result, dict):
        result = {**result, "definitions": {**result.get("definitions", {}), **definitions}}
    return result


#: Schema keywords whose value is a schema, a list of schemas, or (``_MAPS``) a
#: map of names to schemas: what :func:`_view` walks into.
_SCHEMA_KEYS = frozenset({"items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"})
#: Combinators whose members describe the same instance as the schema holding them.
_SAME_INSTANCE = ("allOf", "anyOf", "oneOf")
#: The flag that lifts ``required`` from a property, per direction: a request
#: never has to send what the server owns (``readOnly``), an answer never holds
#: what only a client sends (``writeOnly``) - OpenAPI 3.0, "Fixed Fields" of the
#: Schema Object.
_NOT_REQUIRED = {False: "readOnly", True: "writeOnly"}


def _local(root: Any, node: Any) -> Any:
    """``node``, or the schema under ``root``'s ``definitions`` its ``$ref`` names
    (the only ``$ref``s left after :func:`acyclic`)."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        return (root.get("definitions") or {}).get(ref.removeprefix("#/definitions/"), {})
    return node


def _flagged(root: Any, node: Any, flag: str, depth: int = 0) -> set[str]:
    """The properties ``node`` (and the ``allOf`` members it is made of) mark ``flag``."""
    node = _local(root, node)
    if not isinstance(node, dict) or depth > MAX_JSON_DEPTH:
        return set()
    properties = node.get("properties")
    found = {
        name
        for name, prop in (properties.items() if isinstance(properties, dict) else ())
        if isinstance(_local(root, prop), dict) and _local(root, prop).get(flag) is True
    }
    for member in node.get("allOf") or ():
        found |= _flagged(root, member, flag, depth + 1)
    return found


def _view(root: Any, response: bool) -> Any:
    """``root`` (an acyclic schema) as one direction validates it: no ``required``
    names a property the other direction alone carries (see :data:`_NOT_REQUIRED`),
    in nested objects, array items and combinators too. A ``required`` in an
    ``allOf``/``oneOf``/``anyOf`` member is lifted by the flags of the schema
    holding it (the member constrains the same object)."""
    flag = _NOT_REQUIRED[response]

    def walk(node: Any, inherited: frozenset[str]) -> Any:
        if not isinstance(node, dict):
            return node
        hidden = inherited | _flagged(root, node, flag)
        found = dict(node)
        for key, value in node.items():
            if key in _MAPS and isinstance(value, dict):
                found[key] = {name: walk(sub, frozenset()) for name, sub in value.items()}
            elif key in _SAME_INSTANCE and isinstance(value, list):
                found[key] = [walk(member, hidden) for member in value]
            elif key in _SCHEMA_KEYS:
                many = isinstance(value, list)
                found[key] = (
                    [walk(v, frozenset()) for v in value] if many else walk(value, frozenset())
                )
        required = node.get("required")
        if isinstance(required, list) and hidden:
            found["required"] = [name for name in required if name not in hidden]
            if not found["required"]:
                del found["required"]
        return found

    return walk(root, frozenset())


def _validator(schema: dict[str, Any], response: bool) -> Any:
    flat = _view(acyclic(schema), response)
    return jsonschema_rs.Draft4Validator(to_json_schema(flat), validate_formats=True)


#: The compiled validators of request and (``True``) answer schemas: one per schema
#: object of the specs, kept by identity (connexion passes the same dict each time).
_compiled = {
    response: ByIdentity(functools.partial(_validator, response=response), None)
    for response in (False, True)
}


def compiled(schema: dict[str, Any], response: bool = False) -> Any:
    """The compiled validator of ``schema`` for a request or (``response``) an
    answer: see :func:`_view`."""
    return _compiled[response](schema)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def json_path(parts: Iterable[str | int], root: str = "") -> str:
    """Where a value sits, as a person reads it: ``customer.name``,
    ``items[2].quantity``, ``states[0]`` (``root``: the parameter's name); a key
    that is not a plain name is shown as JSON (``details["a b"]``)."""
    text = root
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json_text(part)}]"
    return text


def _allowed(option: Any) -> str:
    return option if isinstance(option, str) else json_text(option)


def _fields_of(schema: dict[str, Any], schema_path: Sequence[str | int]) -> list[str]:
    """The properties of the object schema at ``schema_path`` (of an ``additionalProperties``)."""
    node: Any = to_json_schema(acyclic(schema))
    try:
        for part in schema_path[:-1]:
            node = node[part]
        return sorted(node.get("properties", {}))
    except (KeyError, IndexError, TypeError, AttributeError):
        return []


def describe(error: Any, schema: dict[str, Any]) -> str:
    """What is wrong, with every allowed value named, values shown as JSON (cut
    short when long) and a hint when only the case differs."""
    kind, instance = error.kind, error.instance
    if isinstance(kind, ValidationErrorKind.Enum):
        message = f"{json_text(instance)} is not one of {', '.join(map(_allowed, kind.options))}"
        if isinstance(instance, str):
            same = [
                o
                for o in kind.options
                if isinstance(o, str) and o.casefold() == instance.casefold()
            ]
            if same:
                message += f"; did you mean {json_text(same[0])}?"
        return message
    if isinstance(kind, ValidationErrorKind.AdditionalProperties):
        unexpected = ", ".join(json_text(name) for name in kind.unexpected)
        fields = _fields_of(schema, error.schema_path)
        allowed = f"; the fields are {', '.join(fields)}" if fields else ""
        verb = "is not a field" if len(kind.unexpected) == 1 else "are not fields"
        return f"{unexpected} {verb} here{allowed}"
    whole = orjson.dumps(instance).decode() if isinstance(instance, str) else None
    if whole is not None and error.message.startswith(whole):
        return json_text(instance) + str(error.message)[len(whole) :]  # a long value cut short
    return str(error.message)


def first_violation(schema: dict[str, Any], value: Any, response: bool = False) -> Any | None:
    """The first error of ``value`` against ``schema`` (a ``response`` schema:
    see :func:`compiled`), or ``None``."""
    return next(iter(compiled(schema, response).iter_errors(value)), None)


#: An integer and a number as JSON spells them (RFC 8259, section 6).
INTEGER_TEXT = r"-?(?:0|[1-9][0-9]*)"
NUMBER_TEXT = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_INTEGER = re.compile(INTEGER_TEXT)
_NUMBER = re.compile(NUMBER_TEXT)
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


#: How many schemas :func:`kinds` keeps the reading of (by identity).
KINDS_CACHE_SIZE = 4096


def _read_kinds(schema: Any) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for branch in _branches(schema):
        kind = branch.get("type")
        found |= dict.fromkeys(kind if isinstance(kind, list) else [kind] if kind else [])
    return tuple(found)


_kinds: ByIdentity[Any, tuple[str, ...]] = ByIdentity(_read_kinds, KINDS_CACHE_SIZE)


def kinds(schema: Any) -> tuple[str, ...]:
    """The JSON types ``schema`` states, directly or through its combinations,
    in the order they are stated (empty: it states none). Read once per schema
    (a spec's schemas are not changed once loaded; every request reads them)."""
    return _kinds(schema)


def items_of(schema: Any) -> dict[str, Any]:
    """The ``items`` schema of an array ``schema`` (wherever its combinations state it)."""
    for branch in _branches(schema):
        if isinstance(branch.get("items"), dict):
            items: dict[str, Any] = branch["items"]
            return items
    return {}


def property_of(schema: Any, name: str) -> Any:
    """The schema of property ``name`` of an object ``schema`` (wherever its
    combinations state it; else its ``additionalProperties`` schema), or ``None``."""
    for branch in _branches(schema):
        properties = branch.get("properties")
        if isinstance(properties, dict) and name in properties:
            return properties[name]
    for branch in _branches(schema):
        if isinstance(branch.get("additionalProperties"), dict):
            return branch["additionalProperties"]
    return None


_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def deep_fields(
    fields: Mapping[str, list[str]], schemas: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """Fields (name -> the texts sent) with those written as ``style: deepObject``
    spells them - ``metadata[key]=v``, ``expand[]=a``, ``items[0][price]=p`` - gathered
    under their root name (one of ``schemas``: name -> schema) into the object or the
    array its schema holds (``[]`` appends; ``[0]`` indexes an array, names a
    property of an object), each leaf still text; and the names so gathered."""
    out: dict[str, Any] = {}
    trees: dict[str, dict[str, Any]] = {}
    for key, values in fields.items():
        root = key.partition("[")[0]
        path = _BRACKETS.findall(key[len(root) :])
        spelled = "".join(f"[{part}]" for part in path) == key[len(root) :]
        if key in schemas or root not in schemas or not path or not spelled:
            out[key] = values
            continue
        node = trees.setdefault(root, {})
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}  # a later key deeper than a leaf: the deeper one holds
            node = node[part]
        if not isinstance(node.get(path[-1]), list):
            node[path[-1]] = []
        node[path[-1]].extend(values)
    for root, tree in trees.items():
        out[root] = _shaped(tree, schemas[root])
    return out, set(trees)


def _index(key: str) -> tuple[int, int]:
    """The order of an array's bracketed keys: ``[]`` values first, then by index."""
    return (key != "", int(key) if key.isdigit() else 0)


def _shaped(tree: Any, schema: Any) -> Any:
    """A tree of bracketed keys as the value ``schema`` holds (see :func:`deep_fields`)."""
    if isinstance(tree, list):  # the texts sent for one key
        return tree if _is_array(schema) else tree[-1]
    numbered = bool(tree) and all(key == "" or key.isdigit() for key in tree)
    if _is_array(schema) or (numbered and not kinds(schema)):
        values: list[Any] = []
        for key in sorted(tree, key=_index):
            child = tree[key]
            if key == "" and isinstance(child, list):
                values.extend(child)
            else:
                values.append(_shaped(child, items_of(schema)))
        return values
    return {key: _shaped(child, property_of(schema, key)) for key, child in tree.items()}


def typed_value(value: Any, schema: Any) -> Any:
    """Texts (alone, in arrays and objects) as the JSON values they spell for
    ``schema``'s types at their place (:func:`typed`); what is no text stays."""
    if isinstance(value, dict):
        return {key: typed_value(item, property_of(schema, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [typed_value(item, items_of(schema)) for item in value]
    return typed(value, schema) if isinstance(schema, dict) else value


def _reading(text: str, kind: str) -> Any:
    """``text`` as a value of the JSON type ``kind``, spelled exactly as JSON
    writes it, or ``None`` when it does not spell one."""
    if kind == "boolean":
        return _BOOLEANS.get(text)
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return int(text) if _INTEGER.fullmatch(text) else float(text)
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


def effective_parameters(parameters: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """An operation's parameters as OpenAPI means them: one per location and
    name, the operation's own definition over the one its path item shares
    (Path Item Object, ``parameters``). connexion lists both, the operation's
    first, and its look-ups by name keep the last: the path item's, so an
    operation's ``type: number`` id was read as the path item's string."""
    seen: set[tuple[Any, Any]] = set()
    kept = []
    for parameter in parameters:
        key = (parameter.get("in"), parameter.get("name"))
        if key not in seen:
            seen.add(key)
            kept.append(parameter)
    return kept


def typed_list(text: str, schema: dict[str, Any], delimiter: str = ",") -> Any:
    """A parameter's one text as ``schema`` reads it: delimited values typed as
    the items when ``schema`` is an array, else the text typed (:func:`typed`)."""
    if "array" in kinds(schema):
        return [typed(part.strip(), items_of(schema)) for part in text.split(delimiter)]
    return typed(text, schema)


def first_error(
    schema: dict[str, Any], body: Any, root: str = "", response: bool = False
) -> str | None:
    """A readable message for the first way ``body`` breaks ``schema``, or
    ``None``: ``where: what`` (``root`` names the value, e.g. a parameter)."""
    error = first_violation(schema, body, response)
    return None if error is None else _explain(schema, error, root)


def _explain(schema: dict[str, Any], error: Any, root: str = "") -> str:
    """``where: what`` for ``error`` (a discriminated ``oneOf`` by the branch chosen)."""
    discriminated = _discriminated(schema, error, root)
    if discriminated is not None:
        return discriminated
    path = json_path(error.instance_path, root)
    message = describe(error, schema)
    return f"{path}: {message}" if path else message


MAX_JSON_DEPTH = 64
"""How deeply arrays and objects may nest in a request body. Far beyond any
document of these APIs, and far inside what orjson can write back (254 levels)
and what anything recursing over a record can take: whatever is accepted can be
stored, copied and served again."""

_TOO_DEEP = (
    f"The body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels; "
    "send a flatter document."
)


def _describe(schema: dict[str, Any], error: Any) -> str:
    discriminated = _discriminated(schema, error)
    if discriminated is not None:
        return discriminated
    path = ".".join(str(part) for part in error.instance_path)
    return f"{error.message} - '{path}'" if path else error.message


def _discriminated(schema: dict[str, Any], error: Any, root: str = "") -> str | None:
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
            return prefix + _explain(schema, inner[0], root) if inner else None
    allowed = ", ".join(
        orjson.dumps(value).decode()
        for branch in branches
        for value in branch["properties"][field].get("enum", ())
    )
    path = json_path(error.instance_path, root)
    return (
        f"{prefix}{path}: {field} must be one of {allowed}"
        if path
        else (f"{prefix}{field} must be one of {allowed}")
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

    Walks with an explicit stack rather than by recursion."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return json_path(path) or "body"
            continue
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        else:
            continue
        for key, child in reversed(children):
            if isinstance(key, str) and "\x00" in key:
                return json_path((*path, key))
            stack.append(((*path, key), child))
    return None


PARSED_BODY_KEY = "servicestub.parsed_body"
"""The scope key of the request body as the validator parsed it: the handler
gets that value, so a body is parsed once, by :func:`parse_json`."""


class ParsedBodyRequest(ConnexionRequest):  # type: ignore[misc]  # connexion is untyped
    """connexion's request, whose JSON body is the one the validator parsed
    (connexion's own would parse it again with the stdlib, which fails, as a
    500, on nesting orjson accepts)."""

    async def json(self) -> Any:
        if PARSED_BODY_KEY in self.scope:
            return self.scope[PARSED_BODY_KEY]
        raw = await self.body()
        return parse_json(raw) if raw else None


class FastJSONRequestBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]  # connexion is untyped
    _left_out = False

    async def wrap_receive(self, receive: Any, *, scope: Scope) -> Any:
        # connexion stands a JSON null in for a body that was left out; remember
        # which it was, so an explicit null is still refused.
        self._left_out = not int(Headers(scope=scope).get("content-length", "0") or 0)
        if self._left_out and self._required and self._schema.get("default") is None:
            raise BadRequestProblem(detail="This operation needs a body; send a JSON document.")
        return await super().wrap_receive(receive, scope=scope)

    async def _parse(self, stream: Any, scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        body = scope[PARSED_BODY_KEY] = parse_json(raw) if raw else None
        return body

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if body is None and self._left_out and not self._required:
            return None  # an optional body that was left out
        if not self._nullable and body is None:
            raise BadRequestProblem("The request body must not be empty; send a JSON document.")
        message = first_error(self._schema, body)
        if message is not None:
            raise BadRequestProblem(detail=message)
        return None


#: Statuses whose answers carry no content (RFC 9110, 15.3.5, 15.3.6 and 15.4.5):
#: whatever schema the spec gives them, their empty body is not checked against it.
BODILESS = frozenset({204, 205, 304})


class FastJSONResponseBodyValidator(JSONResponseBodyValidator):  # type: ignore[misc]  # connexion is untyped
    _status: int | None = None

    def wrap_send(self, send: Send) -> Send:
        checked = super().wrap_send(send)

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._status = message["status"]
            await checked(message)

        return send_status

    def _parse(self, stream: Any) -> Any:
        raw = b"".join(stream)
        if not raw:
            if self._status in BODILESS:
                self._nullable = True  # nothing to check: see BODILESS
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise NonConformingResponseBody(str(error)) from None

    def _validate(self, body: Any) -> None:
        message = first_error(self._schema, body, response=True)
        if message is not None:
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to specification. {message}"
            )


class TextResponseBodyValidator(FastJSONResponseBodyValidator):
    """A text answer, validated as the string it is (connexion's own parses it as
    JSON first, so ``"42"`` then breaks a string schema), and only against a
    schema for strings (an object schema for text says nothing checkable)."""

    def _parse(self, stream: Any) -> Any:
        return b"".join(stream).decode(self._encoding or "utf-8", errors="replace")

    def _validate(self, body: Any) -> None:
        schema = self._schema if isinstance(self._schema, dict) else {}
        if schema.get("type", "string") == "string" and schema.get("format") != "binary":
            super()._validate(body)


#: JSON type -> what to send instead, for a query or path value that is not of it
_SEND = {
    "boolean": "send true or false",
    "integer": "send a whole number in digits, such as 20",
    "number": "send a number such as 1.5",
}


#: Header parameters a spec may define but that are not checked as parameters:
#: ``Accept``, ``Content-Type`` and ``Authorization`` "SHALL be ignored" (OpenAPI
#: 3.0, Parameter Object); media types and security schemes say what they hold.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


class FastParameterValidator(ParameterValidator):  # type: ignore[misc]  # connexion is untyped
    """connexion's parameter checks with each parameter's schema compiled once
    (connexion deep-copies the schema and builds a validator for every
    parameter of every request); messages name array items ``states[0]`` and
    say what to send. Each parameter is checked once, as the operation defines
    it (:func:`effective_parameters`), and a header or cookie is typed like a
    path parameter (connexion checks their text as it is, so ``X-Count: 5``
    broke ``type: integer``)."""

    def __init__(self, parameters: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(effective_parameters(parameters), *args, **kwargs)

    def validate_header_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        value = request.headers.get(param["name"])
        if isinstance(value, str) and param["name"].lower() not in IGNORED_HEADERS:
            value = typed_list(value, param.get("schema", {}))
        return self.validate_parameter("header", value, param)

    def validate_cookie_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        value = request.cookies.get(param["name"])
        if isinstance(value, str):
            value = typed_list(value, param.get("schema", {}))
        return self.validate_parameter("cookie", value, param)

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if parameter_type == "header" and param["name"].lower() in IGNORED_HEADERS:
            return None
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            schema = param.get("schema", param)
            error = first_violation(schema, value)
            if error is None:
                return None
            message = f"{json_path(error.instance_path, param['name'])}: {describe(error, schema)}"
            return message + _what_to_send(error, param)
        if param.get("required"):
            return f"The {parameter_type} parameter {param['name']} is required."
        return None


def _what_to_send(error: Any, param: dict[str, Any]) -> str:
    """A hint for a parameter value of the wrong type, or for commas in one value
    of an exploded array (each value is a parameter of its own)."""
    instance = error.instance
    if isinstance(error.kind, ValidationErrorKind.Type) and isinstance(instance, str):
        hints = [_SEND[kind] for kind in error.kind.types if kind in _SEND]
        return f"; {hints[0]}" if hints else ""
    exploded = param.get("explode", param.get("style", "form") == "form")
    if isinstance(instance, str) and "," in instance and exploded and error.instance_path:
        example = "&".join(f"{param['name']}={part}" for part in instance.split(",")[:2])
        return f" (send each value as a parameter of its own: {json_text(example)})"
    return ""


def form_properties(schema: Any) -> dict[str, Any]:
    """The properties of a form's ``schema``, its ``allOf`` members' included."""
    if not isinstance(schema, dict):
        return {}
    found: dict[str, Any] = {}
    for member in schema.get("allOf") or ():
        found |= form_properties(member)
    properties = schema.get("properties")
    return found | (properties if isinstance(properties, dict) else {})


def _is_array(schema: Any) -> bool:
    return "array" in kinds(schema) or (isinstance(schema, dict) and "items" in schema)


def form_values(schema: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Form fields as their schema's types: a form sends text only, so ``n=3``
    for an integer property is the number 3 (connexion leaves it a string and
    refuses it), and a field that is no array is its one (last) value
    (connexion leaves every field a list when the form is not the operation's
    first media type); a value is read as a parameter is (:func:`typed`: its
    types wherever its schema states them, spelled as JSON spells them), and a
    value that is not of the type stays text, for validation to refuse."""
    properties = form_properties(schema)
    if not properties:
        return data

    def field(value: Any, node: Any) -> Any:
        if isinstance(value, list) and not _is_array(node) and value:
            value = value[-1]
        return typed_value(value, node)

    return {key: field(value, properties.get(key)) for key, value in data.items()}


class _FormFields:
    """A form body read with each field as its schema's type, validated like a
    JSON body (:func:`first_error`: compiled once, ``readOnly`` never required),
    not by connexion's own jsonschema validator (built anew for every request,
    and requiring ``readOnly`` properties)."""

    _schema: dict[str, Any]
    _strict_validation: bool

    async def _parse(self, stream: Any, scope: Scope) -> Any:
        return form_values(self._schema, await super()._parse(stream, scope))  # type: ignore[misc]

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if not isinstance(body, dict):
            raise BadRequestProblem(detail="The form body must hold named fields.")
        if self._strict_validation:
            self._validate_params_strictly(body)  # type: ignore[attr-defined]
        message = first_error(self._schema, body)
        if message is not None:
            raise BadRequestProblem(detail=message)
        return None


class FormRequestBodyValidator(_FormFields, FormDataValidator):  # type: ignore[misc]  # connexion is untyped
    """connexion's form parsing, fields typed and validated by :class:`_FormFields`."""


class MultiPartRequestBodyValidator(_FormFields, MultiPartFormDataValidator):  # type: ignore[misc]  # connexion is untyped
    """connexion's multipart parsing, fields typed and validated by :class:`_FormFields`."""


class _MediaTypes(MediaTypeDict):  # type: ignore[misc]  # connexion is untyped
    """connexion's media-type table, looked up by the type's essence in lower
    case (``Application/JSON; charset=UTF-8`` finds the JSON validator); its
    JSON validator serves JSON alone (:func:`is_json`: not ``x-ndjson``)."""

    def __getitem__(self, item: str) -> Any:
        media = parse_media_type(item)
        if media is None:
            return super().__getitem__(item)
        if not is_json(media) and media.subtype.endswith("json"):
            raise KeyError(item)  # JSON lines and the like: not one JSON document
        return super().__getitem__(media.essence)


class DocumentedContent:
    """An operation as connexion's validation reads it, with each body's media
    type found among the spec's ``content`` keys as RFC 9110 matches them
    (:func:`documented_key`: ``application/json`` is documented by
    ``application/json; charset=utf-8``, ``Application/JSON`` or ``*/*``) and
    each answer's status among its ``responses`` keys (:func:`documented_status`:
    ``2XX`` too). connexion compares keys as they are spelled: a JSON answer
    under a ``charset`` key was a 500, a request body under a key in capitals
    was not validated at all."""

    def __init__(self, operation: Any) -> None:
        self._operation = operation

    def __getattr__(self, name: str) -> Any:
        return getattr(self._operation, name)

    def _content(self, definition: Any, media_type: str | None) -> dict[str, Any]:
        content = definition.get("content") if isinstance(definition, dict) else None
        if not isinstance(content, dict) or not content:
            return {}
        key = next(iter(content)) if media_type is None else documented_key(media_type, content)
        found = content.get(key) if key is not None else None
        return self._operation.with_definitions(found) if isinstance(found, dict) else {}

    def body_definition(self, content_type: str | None = None) -> dict[str, Any]:
        return self._content(self._operation.request_body, content_type)

    def body_schema(self, content_type: str | None = None) -> dict[str, Any]:
        return self.body_definition(content_type).get("schema", {})  # type: ignore[no-any-return]

    def response_definition(self, status_code: Any = None, content_type: Any = None) -> Any:
        responses = self._operation.responses
        key = documented_status(responses, status_code)
        return responses[key] if key is not None else {}

    def response_schema(self, status_code: Any = None, content_type: Any = None) -> Any:
        found = self._content(self.response_definition(status_code), content_type)
        return found.get("schema", {})


def _undocumented(media_type: str, documented: Sequence[str]) -> str | None:
    """Why ``media_type`` is not among the ``documented`` ones, or ``None`` when it
    is (or nothing is documented)."""
    if not documented or documented_key(media_type, documented) is not None:
        return None
    return f"{media_type}, expected {' or '.join(documented)}"


class _RequestValidation(RequestValidationOperation):  # type: ignore[misc]  # connexion is untyped
    def __init__(self, next_app: ASGIApp, *, operation: Any, **kwargs: Any) -> None:
        super().__init__(next_app, operation=DocumentedContent(operation), **kwargs)

    def validate_mime_type(self, mime_type: str) -> None:
        if (why := _undocumented(mime_type, self._operation.consumes)) is not None:
            raise UnsupportedMediaTypeProblem(detail=f"Invalid Content-type ({why})")


class _ResponseValidation(ResponseValidationOperation):  # type: ignore[misc]  # connexion is untyped
    def __init__(self, next_app: ASGIApp, *, operation: Any, **kwargs: Any) -> None:
        super().__init__(next_app, operation=DocumentedContent(operation), **kwargs)

    def validate_mime_type(self, mime_type: str) -> None:
        if (why := _undocumented(mime_type, self._operation.produces)) is not None:
            raise NonConformingResponseHeaders(detail=f"Invalid Response Content-type ({why})")


class _RequestValidationAPI(RequestValidationAPI):  # type: ignore[misc]  # connexion is untyped
    def make_operation(self, operation: Any) -> Any:
        return _RequestValidation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class _ResponseValidationAPI(ResponseValidationAPI):  # type: ignore[misc]  # connexion is untyped
    def make_operation(self, operation: Any) -> Any:
        if not self.validate_responses:
            return self.next_app
        return _ResponseValidation(
            self.next_app, operation=operation, validator_map=self.validator_map
        )


class _RequestValidationMiddleware(RequestValidationMiddleware):  # type: ignore[misc]  # connexion is untyped
    api_cls = _RequestValidationAPI


class _ResponseValidationMiddleware(ResponseValidationMiddleware):  # type: ignore[misc]  # connexion is untyped
    api_cls = _ResponseValidationAPI


_VALIDATION_MIDDLEWARES = {
    RequestValidationMiddleware: _RequestValidationMiddleware,
    ResponseValidationMiddleware: _ResponseValidationMiddleware,
}


def documented_media_validation(middlewares: Iterable[Any]) -> list[Any]:
    """connexion's middleware stack ``middlewares`` with its request and response
    validation reading media types and statuses as :class:`DocumentedContent` does."""
    return [_VALIDATION_MIDDLEWARES.get(middleware, middleware) for middleware in middlewares]


VALIDATORS = {
    **VALIDATOR_MAP,
    "parameter": FastParameterValidator,
    "body": _MediaTypes(
        {
            **VALIDATOR_MAP["body"],
            "*/*json": FastJSONRequestBodyValidator,
            "application/x-www-form-urlencoded": FormRequestBodyValidator,
            "multipart/form-data": MultiPartRequestBodyValidator,
        }
    ),
    "response": _MediaTypes(
        {
            **VALIDATOR_MAP["response"],
            "*/*json": FastJSONResponseBodyValidator,
            "text/plain": TextResponseBodyValidator,
        }
    ),
}
