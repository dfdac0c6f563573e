"""OpenAPI 3.0 schemas as JSON Schema: what every validator of the mock compiles
(request and response bodies, parameters, state snapshots)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

import jsonschema_rs

from servicestub.core.shapes import Json

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


#: How many documents' converted components are kept (one per spec served, and more).
COMPONENTS_KEPT = 16
#: ``id(components.schemas) -> (that mapping, its conversion)``, most recent last. The
#: mapping is held so that its id cannot be reused while its entry is kept.
_converted: OrderedDict[int, tuple[Any, Json]] = OrderedDict()


def components_of(document: Mapping[str, Any]) -> Json:
    """The component schemas of an OpenAPI ``document`` as JSON Schema, to put under
    ``components`` of a schema compiled with :func:`draft4` (its ``$ref``s then resolve).

    Converted once per ``components.schemas`` mapping (by identity; a spec's parsed
    document is shared and never changed) and shared: read the result, never change
    it. Every fabricator, answer plan and seeding check of a spec asks for the same
    mapping, and converting the components of a big spec again each time was most of
    its start-up (seconds for a spec of a few hundred paths)."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    kept = _converted.get(id(schemas))
    if kept is not None and kept[0] is schemas:
        _converted.move_to_end(id(schemas))
        return kept[1]
    converted: Json = {"schemas": to_json_schema(schemas)}
    _converted[id(schemas)] = (schemas, converted)
    if len(_converted) > COMPONENTS_KEPT:
        _converted.popitem(last=False)
    return converted


def draft4(schema: Any, components: Json) -> jsonschema_rs.Draft4Validator | None:
    """A validator of the OpenAPI 3.0 ``schema`` as the mock reads one (draft 4,
    ``nullable`` made explicit, formats checked), its ``$ref``s into ``components``
    (:func:`components_of`) followed; ``None`` when it does not compile so (3.1
    keywords a draft 4 validator refuses).

    Only the component schemas ``schema`` reaches are compiled with it: compiling
    costs as much as the schema it is given, and all the components of a big spec
    (hundreds of schemas) made each validator cost tens of milliseconds."""
    root = to_json_schema(schema)
    if isinstance(root, dict):
        root = {**root, "components": _reached(root, components)}
    try:
        return jsonschema_rs.Draft4Validator(root, validate_formats=True)
    except ValueError:
        return None


_SCHEMAS_REF = "#/components/schemas/"


def objects_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every object (``dict``) in the JSON ``node``, itself included, each before what
    it holds: one the caller changes when it is yielded is walked as changed."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` string in ``node``."""
    for current in objects_in(node):
        ref = current.get("$ref")
        if isinstance(ref, str):
            yield ref


def _schema_name(ref: str) -> str | None:
    """The component schema a local ``ref`` points into (``#/components/schemas/A/properties/b``
    -> ``A``), ``None`` for a reference elsewhere."""
    if not ref.startswith(_SCHEMAS_REF):
        return None
    part = ref[len(_SCHEMAS_REF) :].split("/", 1)[0]
    return unquote(part).replace("~1", "/").replace("~0", "~")  # RFC 6901


#: ``id(components) -> (components, component schema name -> the references in it)``,
#: the mapping held so that its id is not reused while the entry is kept.
_references: OrderedDict[int, tuple[Json, dict[str, tuple[str, ...]]]] = OrderedDict()


def _reached(root: Any, components: Json) -> Json:
    """``components`` with only the schemas ``root`` reaches through ``$ref``s (all
    of them when some reference is not one to a component schema that exists: a
    draft 4 validator reads it as it always has)."""
    schemas = components.get("schemas")
    if not isinstance(schemas, dict) or set(components) != {"schemas"}:
        return components
    kept = _references.get(id(components))
    if kept is None or kept[0] is not components:
        kept = _references[id(components)] = (components, {})
        if len(_references) > COMPONENTS_KEPT:
            _references.popitem(last=False)
    else:
        _references.move_to_end(id(components))
    inside = kept[1]
    wanted: list[str] = []
    for ref in _refs(root):
        if ref.startswith("#/components/"):
            name = _schema_name(ref)
            if name is None or name not in schemas:
                return components
            wanted.append(name)
    reached: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in reached:
            continue
        reached.add(name)
        if name not in inside:
            inside[name] = tuple(_refs(schemas[name]))
        for ref in inside[name]:
            if ref.startswith("#/components/"):
                found = _schema_name(ref)
                if found is None or found not in schemas:
                    return components
                wanted.append(found)
    return {"schemas": {name: schemas[name] for name in schemas if name in reached}}
