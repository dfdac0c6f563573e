"""OpenAPI 3.0 schemas as JSON Schema: what every validator of the mock compiles
(request and response bodies, parameters, state snapshots)."""

from __future__ import annotations

from typing import Any

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
