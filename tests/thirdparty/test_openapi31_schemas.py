"""OpenAPI 3.1 schemas read as OpenAPI 3.0 (specs/openapi31.py): for each mapping, a
value is valid under the 3.1 schema (jsonschema's Draft202012Validator) exactly when it
is valid under the converted 3.0 schema -- by openapi-core's 3.0 validator
(openapi-schema-validator's OAS30Validator) and by the mock's own reading of 3.0
(``core.json_schema.draft4``: draft 4 with ``nullable``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_schema_validator import OAS30Validator

from servicestub.core.json_schema import components_of, draft4
from servicestub.specs.openapi31 import downgrade

INNER = {"type": "string", "minLength": 1}

#: 3.1 schemas, one (or a few) per mapping the rewrite makes.
CASES: dict[str, Any] = {
    "nullable type": {"type": ["string", "null"]},
    "nullable type, enum without null": {"type": ["string", "null"], "enum": ["a", "b"]},
    "nullable type, enum with null": {"type": ["string", "null"], "enum": ["a", None]},
    "several types": {"type": ["integer", "string"], "maxLength": 2, "minimum": 0},
    "several types and null": {"type": ["integer", "string", "null"]},
    "several types and an anyOf": {
        "type": ["integer", "string"],
        "anyOf": [{"minimum": 1}, {"maxLength": 1}],
    },
    "null type": {"type": "null"},
    "const": {"const": "a"},
    "const and enum": {"const": 1, "enum": [1, 2]},
    "exclusive bounds": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 5},
    "inclusive minimum stricter": {"type": "number", "minimum": 1, "exclusiveMinimum": 0},
    "exclusive minimum stricter": {"type": "number", "minimum": -1, "exclusiveMinimum": 0},
    "equal bounds": {"type": "number", "maximum": 3, "exclusiveMaximum": 3},
    "$ref with a constraint": {"$ref": "#/components/schemas/Inner", "maxLength": 2},
    "$ref with annotations": {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/Inner", "description": "an a"}},
    },
    "$defs": {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/S/$defs/D"}},
        "$defs": {"D": {"type": ["integer", "null"], "exclusiveMaximum": 2}},
    },
    "draft 7 definitions": {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/S/definitions/D"}},
        "definitions": {"D": {"type": "string", "maxLength": 1}},
    },
    "nested $defs": {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/S/$defs/D/properties/b/$defs/E"}},
        "$defs": {
            "D": {
                "type": "object",
                "properties": {"b": {"type": "object", "$defs": {"E": {"type": "integer"}}}},
            }
        },
    },
    "boolean schemas": {"type": "object", "properties": {"a": False, "b": True}},
    "nested": {
        "type": "array",
        "items": {"type": ["boolean", "null"]},
        "examples": [[True]],
    },
    "under allOf": {"allOf": [{"type": ["object", "null"], "required": ["a"]}]},
    "null branch of a oneOf": {
        "oneOf": [{"type": "string"}, {"type": "null"}, {"type": "integer"}]
    },
    "null branch beside a $ref": {
        "anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}]
    },
    "null branch beside a composed one": {
        "oneOf": [{"type": "object", "allOf": [{"type": "object"}]}, {"type": "null"}]
    },
    "null type, enum without null": {"type": "null", "enum": ["a"]},
    "additionalProperties false": {"type": "object", "additionalProperties": False},
    "an annotation keyword": {"type": "string", "regex": "^b$", "dependencies": {"a": ["b"]}},
}

#: 3.1 schemas whose keyword has no 3.0 form but only narrows what is valid (dropped).
LOOSENED: dict[str, Any] = {
    "propertyNames": {"type": "object", "propertyNames": {"maxLength": 0}},
    "contains": {"type": "array", "contains": {"type": "string"}, "minContains": 2},
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 6)
    | st.sampled_from([0.5, -1.5, 2.5])
    | st.text("ab", max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner),
    max_leaves=6,
)


def _converted(schema: Any) -> dict[str, Any]:
    """The 3.0 document made from a 3.1 one holding ``schema`` as ``S``."""
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"S": copy.deepcopy(schema), "Inner": INNER}},
    }
    assert downgrade(document) == ()
    return document


def _rooted(components: dict[str, Any]) -> dict[str, Any]:
    return {"$ref": "#/components/schemas/S", "components": components}


@pytest.mark.parametrize("case", sorted(CASES))
@settings(max_examples=150, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values)
def test_the_30_schema_accepts_what_the_31_one_does(case: str, value: Any) -> None:
    original = {"schemas": {"S": CASES[case], "Inner": INNER}}
    converted = _converted(CASES[case])
    assert converted["openapi"] == "3.0.3"
    components = converted["components"]
    valid = Draft202012Validator(_rooted(original)).is_valid(value)
    assert OAS30Validator(_rooted(components)).is_valid(value) == valid, components
    mock = draft4({"$ref": "#/components/schemas/S"}, components_of(converted))
    assert mock is not None and mock.is_valid(value) == valid, components


def test_each_31_keyword_has_its_30_form() -> None:
    schemas = {name: _converted(schema)["components"]["schemas"] for name, schema in CASES.items()}
    assert schemas["nullable type"]["S"] == {"type": "string", "nullable": True}
    assert schemas["null type"]["S"] == {"enum": [None], "nullable": True}
    assert schemas["const"]["S"] == {"enum": ["a"]}
    assert schemas["exclusive bounds"]["S"] == {
        "type": "integer",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 5,
        "exclusiveMaximum": True,
    }
    assert schemas["$ref with a constraint"]["S"] == {
        "allOf": [{"$ref": "#/components/schemas/Inner"}],
        "maxLength": 2,
    }
    assert schemas["$ref with annotations"]["S"]["properties"]["a"] == {
        "$ref": "#/components/schemas/Inner"
    }
    lifted = schemas["$defs"]
    assert lifted["S"]["properties"]["a"] == {"$ref": "#/components/schemas/S_D"}
    assert lifted["S_D"] == {
        "type": "integer",
        "nullable": True,
        "maximum": 2,
        "exclusiveMaximum": True,
    }
    assert "$defs" not in lifted["S"]
    assert schemas["draft 7 definitions"]["S_D"] == {"type": "string", "maxLength": 1}
    assert schemas["nested"]["S"]["example"] == [True] and "examples" not in schemas["nested"]["S"]
    assert schemas["boolean schemas"]["S"]["properties"] == {"a": {"not": {}}, "b": {}}
    assert schemas["null branch of a oneOf"]["S"] == {
        "oneOf": [{"type": "string", "nullable": True}, {"type": "integer"}]
    }
    assert schemas["an annotation keyword"]["S"] == {"type": "string"}
    assert schemas["additionalProperties false"]["S"]["additionalProperties"] is False


def test_content_keywords_become_formats() -> None:
    converted = _converted(
        {
            "type": "object",
            "properties": {
                "photo": {"type": "string", "contentMediaType": "image/png"},
                "data": {"type": "string", "contentEncoding": "base64"},
            },
        }
    )
    properties = converted["components"]["schemas"]["S"]["properties"]
    assert properties == {
        "photo": {"type": "string", "format": "binary"},
        "data": {"type": "string", "format": "byte"},
    }


def test_document_level_31_fields_are_dropped() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "t",
            "summary": "3.1 only",
            "version": "1",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}},
        "paths": {"/p": {"$ref": "#/components/pathItems/P"}},
        "components": {
            "pathItems": {"P": {"get": {"operationId": "p"}}},
            "schemas": {"S": {"$schema": "x", "$id": "y", "$comment": "z", "type": "string"}},
        },
    }
    assert downgrade(document) == ()
    assert document["info"] == {"title": "t", "version": "1", "license": {"name": "MIT"}}
    assert "webhooks" not in document and "jsonSchemaDialect" not in document
    assert "pathItems" not in document["components"]
    assert document["components"]["schemas"]["S"] == {"type": "string"}
    operation = document["paths"]["/p"]["get"]  # resolved, with 3.0's required responses
    assert operation["operationId"] == "p" and "default" in operation["responses"]


@pytest.mark.parametrize("case", sorted(LOOSENED))
@settings(max_examples=150, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values)
def test_a_loosened_keyword_only_lets_more_through(case: str, value: Any) -> None:
    converted = _converted(LOOSENED[case])
    assert not {"propertyNames", "contains", "minContains"} & set(
        converted["components"]["schemas"]["S"]
    )
    original = {"schemas": {"S": LOOSENED[case]}}
    if Draft202012Validator(_rooted(original)).is_valid(value):
        assert OAS30Validator(_rooted(converted["components"])).is_valid(value)
