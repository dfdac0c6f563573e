"""OpenAPI 3.0 schemas as JSON Schema: what every validator of the mock compiles
(request and response bodies, parameters, state snapshots)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def components_of(document: Mapping[str, Any]) -> Json:
    """The component schemas of an OpenAPI ``document`` as JSON Schema, to put under
    ``components`` of a schema compiled with :func:`draft4` (its ``$ref``s then resolve)."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    return {"schemas": to_json_schema(schemas)}


def draft4(schema: Any, components: Json) -> jsonschema_rs.Draft4Validator | None:
    """A validator of the OpenAPI 3.0 ``schema`` as the mock reads one (draft 4,
    ``nullable`` made explicit, formats checked), its ``$ref``s into ``components``
    (:func:`components_of`) followed; ``None`` when it does not compile so (3.1
    keywords a draft 4 validator refuses)."""
    root = to_json_schema(schema)
    if isinstance(root, dict):
        root = {**root, "components": components}
    try:
        return jsonschema_rs.Draft4Validator(root, validate_formats=True)
    except ValueError:
        return None
