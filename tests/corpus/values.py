"""Values for the corpus harness's requests, made from a spec's schemas on their own (not with
servicestub's fabricator, so a shared bug cannot hide): examples first, then enums, defaults,
formats and bounds; `salt` makes a second, different value for updates. Deterministic.

Write direction: readOnly properties are left out of objects. Whether a value is valid is
judged elsewhere (openapi-core validates each request body before it is sent)."""

from __future__ import annotations

import base64
import json
import re
import uuid
from urllib.parse import urlencode

try:  # Python 3.11 names it re._parser; sre_parse is the deprecated alias
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]
from typing import Any

from openapi_schema_validator import OAS30WriteValidator

from tests.corpus.spec_walk import Json, pattern_meant, resolve

MAX_DEPTH = 6
FORMATS: dict[str, str] = {
    "date-time": "2024-01-0{d}T10:00:0{d}Z",
    "datetime": "2024-01-0{d}T10:00:0{d}Z",
    "date": "2024-01-0{d}",
    "time": "10:00:0{d}",
    "email": "corpus{d}@example.com",
    "uri": "https://example.com/corpus/{d}",
    "url": "https://example.com/corpus/{d}",
    "uri-reference": "https://example.com/corpus/{d}",
    "iri": "https://example.com/corpus/{d}",
    "iri-reference": "https://example.com/corpus/{d}",
    "hostname": "host{d}.example.com",
    "ipv4": "192.0.2.{d}",
    "ipv6": "2001:db8::{d}",
    "password": "secret-{d}",
    "duration": "P{d}D",
}


def _class_chars(items: list[tuple[Any, Any]]) -> list[str]:
    """Some characters a character class (`[...]`, `\\d`, `\\w`) accepts, in order."""
    chars: list[str] = []
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            chars += [chr(c) for c in range(arg[0], min(arg[1], arg[0] + 3) + 1)]
        elif name == "CATEGORY":
            chars += CATEGORIES.get(str(arg), "a")
    if negate:
        return [c for c in "aZ0-_" if c not in chars] or ["~"]
    return chars or ["a"]


CATEGORIES = {
    "CATEGORY_DIGIT": "01",
    "CATEGORY_NOT_DIGIT": "ab",
    "CATEGORY_WORD": "ab",
    "CATEGORY_NOT_WORD": "-.",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "ab",
}


def _from_parsed(parsed: Any, salt: int, stretch: int, depth: int = 0) -> str:
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if depth > 30:
            break
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("ab"[salt % 2])
        elif name == "IN":
            chars = _class_chars(arg)
            out.append(chars[salt % len(chars)])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = max(low, min(high, stretch if stretch else max(low, 1)))
            out.append("".join(_from_parsed(sub, salt + i, 0, depth + 1) for i in range(count)))
        elif name == "SUBPATTERN":
            out.append(_from_parsed(arg[-1], salt, stretch, depth + 1))
        elif name == "ATOMIC_GROUP":
            out.append(_from_parsed(arg, salt, stretch, depth + 1))
        elif name == "BRANCH":
            # the salt picks the alternative: another salt, another key (`train|test`)
            out.append(_from_parsed(arg[1][salt % len(arg[1])], salt, stretch, depth + 1))
        elif name == "CATEGORY":
            out.append(CATEGORIES.get(str(arg), "a")[0])
        # AT (anchors), ASSERT/ASSERT_NOT (lookarounds), GROUPREF: nothing to add
    return "".join(out)


def _regex_value(pattern: str, salt: int, low: int, high: int | None) -> str | None:
    """A short string `pattern` finds (JSON Schema's unanchored match), or None."""
    try:
        parsed = sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, OverflowError, RecursionError, ValueError):
        return None
    for stretch in (0, 1, 2, 4, 8, 16, 32, max(low, 1)):
        for turn in (salt, 0):
            try:
                text = _from_parsed(parsed, turn, stretch)
            except (RecursionError, OverflowError, ValueError, IndexError):
                return None
            if len(text) < low:  # an unanchored or prefix pattern (`^arn:aws:x:`) still
                text += "x" * (low - len(text))  # finds its match in a longer string
            fits = len(text) >= low and (high is None or len(text) <= high)
            if fits and compiled.search(text):
                return text
    return None


def fits(doc: Json, schema: Json, value: Any) -> bool:
    """Whether `value` is valid for `schema` (OpenAPI 3.0, write direction; local `$ref`s
    followed, patterns read as meant). A schema Python cannot check (a pattern `re` cannot
    read) is taken as fitting: nothing is known against the value."""
    root = {**(doc if isinstance(doc, dict) else {}), "$ref": "#/__value"}
    root["__value"] = _patterns_meant(resolve(doc, schema))
    try:
        return OAS30WriteValidator(root).is_valid(value)
    except (re.error, RecursionError, ValueError, TypeError, KeyError, LookupError):
        return True


def _patterns_meant(node: Json, depth: int = 0) -> Json:
    """A copy of `node` whose string `pattern`s read as their authors meant them."""
    if depth > 60 or not isinstance(node, dict | list):
        return node
    if isinstance(node, list):
        return [_patterns_meant(v, depth + 1) for v in node]
    out = {k: _patterns_meant(v, depth + 1) for k, v in node.items()}
    if isinstance(out.get("pattern"), str):
        out["pattern"] = pattern_meant(out["pattern"])
    return out


def merged(doc: Json, schema: Json, depth: int = 0) -> Json:
    """`schema` resolved, its allOf parts merged into one schema (properties, required, type)."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or "allOf" not in schema or depth > MAX_DEPTH:
        return schema
    out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(out.get("properties") or {})
    required: list[str] = list(out.get("required") or [])
    for part in schema["allOf"] or []:
        part = merged(doc, part, depth + 1)
        if not isinstance(part, dict):
            continue
        props.update(part.get("properties") or {})
        required += [r for r in part.get("required") or [] if r not in required]
        for key, value in part.items():
            if key not in ("properties", "required"):
                out.setdefault(key, value)
    if props:
        out["properties"] = props
        out.setdefault("type", "object")
    if required:
        out["required"] = required
    return out


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _string(schema: dict[str, Any], name: str, salt: int) -> str:
    digit = str(salt % 9 + 1)
    fmt = str(schema.get("format", "")).lower()
    if fmt == "uuid":
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"corpus/{name}/{salt}"))
    if fmt == "byte":
        return base64.b64encode(f"corpus-{salt}".encode()).decode()
    if fmt in FORMATS:
        return FORMATS[fmt].format(d=digit)
    low, high = int(schema.get("minLength", 0) or 0), schema.get("maxLength")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        top = high if isinstance(high, int) else None
        found = _regex_value(pattern_meant(pattern), salt, low, top)
        if found is not None:
            return found
    text = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "value"
    text = f"{text}-{salt + 1}"
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = (text[-high:] if salt else text[:high]) if high > 0 else ""
    return text


def _number(schema: dict[str, Any], salt: int, integral: bool) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    exclusive_high = schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, int | float) and not isinstance(exclusive_low, bool):
        low = exclusive_low + 1  # 3.1 form
    elif exclusive_low is True and low is not None:
        low = low + 1
    if isinstance(exclusive_high, int | float) and not isinstance(exclusive_high, bool):
        high = exclusive_high - 1
    elif exclusive_high is True and high is not None:
        high = high - 1
    value: float = (low if low is not None else 1) + salt
    if high is not None and value > high:
        value = high
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0:
        value = (value // step + (1 if low is not None and value % step else 0)) * step
    return int(value) if integral else float(value)


def make(
    doc: Json,
    schema: Json,
    name: str = "value",
    salt: int = 0,
    depth: int = 0,
    examples: bool = True,
) -> Any:
    """A value for `schema` (see the module docstring); `examples=False` ignores the
    spec's examples (some break their own schema)."""
    schema = merged(doc, schema)
    if not isinstance(schema, dict):
        return f"{name}-{salt + 1}"
    if salt == 0 and examples:
        if "example" in schema and schema["example"] is not None:
            return schema["example"]
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
    if "const" in schema:
        return schema["const"]
    enum = [v for v in schema.get("enum") or [] if v is not None]
    if enum:
        return enum[salt % len(enum)]
    if salt == 0 and schema.get("default") is not None:
        return schema["default"]
    for key in ("oneOf", "anyOf"):
        options = [resolve(doc, o) for o in schema.get(key) or []]
        options = [o for o in options if isinstance(o, dict) and _type(o) != "null"]
        if options:
            return make(doc, options[0], name, salt, depth + 1, examples)
    kind = _type(schema)
    if kind == "object":
        return _object(doc, schema, salt, depth, examples)
    if kind == "array":
        count = max(int(schema.get("minItems", 0) or 0), 1 if depth < 3 else 0)
        item = schema.get("items", {})
        values = [make(doc, item, name, salt + i, depth + 1, examples) for i in range(count)]
        return values
    if kind == "integer":
        return _number(schema, salt, True)
    if kind == "number":
        return _number(schema, salt, False)
    if kind == "boolean":
        return salt % 2 == 0
    return _string(schema, name, salt)


def _object(
    doc: Json, schema: dict[str, Any], salt: int, depth: int, examples: bool
) -> dict[str, Any]:
    required = set(schema.get("required") or [])
    out: dict[str, Any] = {}
    for key, raw in (schema.get("properties") or {}).items():
        prop = merged(doc, raw)
        if isinstance(prop, dict) and prop.get("readOnly"):
            continue
        if key in required or depth < 2:
            out[key] = make(doc, prop, key, salt, depth + 1, examples)
    extra = schema.get("additionalProperties")
    wanted = int(schema.get("minProperties", 0) or 0)
    for number in range(wanted - len(out)):
        value_schema = extra if isinstance(extra, dict) else {"type": "string"}
        out[f"key{number + 1}"] = make(doc, value_schema, "value", salt, depth + 1, examples)
    return out


#: The multipart boundary of every form the harness sends (no part holds it).
BOUNDARY = "corpus-harness-boundary-5f1d"


def files_of(doc: Json, schema: Json) -> frozenset[str]:
    """The top-level properties of a form schema sent as files (`format: binary`/`base64`,
    or arrays of them): their bytes are not something a JSON read answer can give back."""
    props = (merged(doc, schema) or {}).get("properties") or {}
    found = set()
    for name, raw in props.items():
        prop = merged(doc, raw) or {}
        if prop.get("type") == "array":
            prop = merged(doc, prop.get("items")) or {}
        if prop.get("format") in ("binary", "base64"):
            found.add(name)
    return frozenset(found)


def _form_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def encode(value: Any, media: str, files: frozenset[str] = frozenset()) -> tuple[bytes, str]:
    """(bytes, Content-Type) of a request body `value` sent as `media`, the way OpenAPI 3
    serialises forms by default: urlencoded fields `style: form, explode: true` (an array is
    its key repeated); multipart one part per field (per array item), text/plain for a
    scalar, application/json for an object, a file part for the fields in `files`."""
    kind = media.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded" and isinstance(value, dict):
        pairs = [
            (key, _form_text(item))
            for key, field in value.items()
            for item in (field if isinstance(field, list) else [field])
        ]
        return urlencode(pairs).encode(), kind
    if kind == "multipart/form-data" and isinstance(value, dict):
        out: list[bytes] = []
        for key, field in value.items():
            for item in field if isinstance(field, list) else [field]:
                if key in files:
                    head = (
                        f'Content-Disposition: form-data; name="{key}"; filename="{key}.bin"\r\n'
                        "Content-Type: application/octet-stream"
                    )
                else:
                    part = "application/json" if isinstance(item, dict) else "text/plain"
                    head = f'Content-Disposition: form-data; name="{key}"\r\nContent-Type: {part}'
                out.append(f"--{BOUNDARY}\r\n{head}\r\n\r\n{_form_text(item)}\r\n".encode())
        out.append(f"--{BOUNDARY}--\r\n".encode())
        return b"".join(out), f"{kind}; boundary={BOUNDARY}"
    return json.dumps(value).encode(), media
