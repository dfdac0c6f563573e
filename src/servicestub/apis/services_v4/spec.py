"""What ``openapi/services-v4.yaml`` says about a Service, read once from it.

The rules, views and search of this package take from here which fields a
service has and what each holds, which fields a write may set, which a create
needs and what it defaults the others to, and how large an identity may be, so
none of it is said again in Python.
"""

from __future__ import annotations

from typing import Any

from servicestub.core.shapes import Json, Record
from servicestub.specs import SERVICES, resolve

_DOCUMENT: dict[str, Any] = SERVICES.document()
_SCHEMAS: dict[str, Any] = _DOCUMENT["components"]["schemas"]

#: JSON Schema ``type`` -> the kind of value a search compares it as
_KINDS = {"integer": "number", "number": "number", "boolean": "boolean", "string": "text"}
_DATE_FORMATS = frozenset({"date", "date-time"})


def field_schema(node: Json) -> Record:
    """A property's schema with its ``$ref`` followed, and followed through the
    one-branch ``allOf`` the spec wraps a referenced schema in to give it a
    ``default``; what the property itself says (its ``default``) wins."""
    node = resolve(_DOCUMENT, node)
    branches = node.get("allOf", [])
    if len(branches) != 1:
        return dict(node)
    own = {key: value for key, value in node.items() if key != "allOf"}
    return {**field_schema(branches[0]), **own}


def properties(schema: str) -> dict[str, Record]:
    """The properties of component ``schema``, in the spec's order, resolved."""
    return {name: field_schema(node) for name, node in _SCHEMAS[schema]["properties"].items()}


def _kind(schema: Record) -> str:
    if schema.get("format") in _DATE_FORMATS:
        return "date"
    return _KINDS[schema["type"]]


SERVICE: dict[str, Record] = properties("Service")

#: Every field of a Service as the API answers it -> the kind of value it holds
#: (``number``, ``boolean``, ``date`` or ``text``), in the spec's order.
FIELD_KINDS: dict[str, str] = {name: _kind(schema) for name, schema in SERVICE.items()}

#: The fields of a Service that may be null.
NULLABLE: frozenset[str] = frozenset(
    name for name, schema in SERVICE.items() if schema.get("nullable", False)
)

#: The fields a create or an update may set (``ServiceUpdate``), in the spec's order.
WRITABLE: tuple[str, ...] = tuple(_SCHEMAS["ServiceUpdate"]["properties"])

#: The fields a create must give (``ServiceCreate``'s ``required``).
CREATE_REQUIRED: tuple[str, ...] = tuple(_SCHEMAS["ServiceCreate"]["required"])

#: What a create sets each field it may leave out to (``ServiceCreate``'s ``default``s).
DEFAULTS: Record = {
    name: schema["default"]
    for name, schema in properties("ServiceCreate").items()
    if "default" in schema
}

#: The largest identity the spec allows (a 32-bit integer).
IDENTITY_MAX: int = resolve(_DOCUMENT, _SCHEMAS["Identity"])["maximum"]

#: How many services a search answers when its query gives no ``top``.
SEARCH_TOP: int = _SCHEMAS["SearchRequest"]["properties"]["query"]["properties"]["top"]["default"]
