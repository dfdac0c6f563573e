"""Start-up of big third-party specs (#14 point 7): what made it cost seconds, held off.

No timings here: each test pins the mechanism (what is converted, compiled or drawn)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub.app import create_app
from servicestub.app.inspection import inspect_spec
from servicestub.core import json_schema
from servicestub.core.json_schema import components_of, draft4, to_json_schema
from servicestub.core.settings import Settings
from servicestub.engine.fabricate import MAX_NESTING

_COMPONENTS = {
    "schemas": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"n": {"type": "integer", "nullable": True}}},
        "Unused": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/B"}}},
        "Self": {"type": "array", "items": {"$ref": "#/components/schemas/Self"}},
    }
}


def test_components_are_converted_once_per_document() -> None:
    document = {"components": _COMPONENTS}
    assert components_of(document) is components_of(document)
    other = {"components": {"schemas": dict(_COMPONENTS["schemas"])}}
    assert components_of(other) is not components_of(document)
    assert components_of(other) == components_of(document)


def test_a_validator_is_compiled_with_only_the_components_it_reaches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[dict[str, Any]] = []
    real = jsonschema_rs.Draft4Validator

    def spy(root: dict[str, Any], **options: Any) -> Any:
        compiled.append(root)
        return real(root, **options)

    monkeypatch.setattr(json_schema.jsonschema_rs, "Draft4Validator", spy)
    components = components_of({"components": _COMPONENTS})
    draft4({"$ref": "#/components/schemas/A"}, components)
    draft4({"type": "string"}, components)
    draft4({"$ref": "#/components/schemas/Self"}, components)
    assert [set(root["components"]["schemas"]) for root in compiled] == [
        {"A", "B"},
        set(),
        {"Self"},
    ]
    # A reference to something that is not a component schema keeps them all.
    draft4({"$ref": "#/components/schemas/Missing"}, components)
    assert set(compiled[-1]["components"]["schemas"]) == set(_COMPONENTS["schemas"])


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("bnx"), inner),
    max_leaves=8,
)


@settings(derandomize=True, max_examples=200)
@given(value=_json, name=st.sampled_from(sorted(_COMPONENTS["schemas"])))
def test_a_validator_decides_as_one_compiled_with_every_component(value: Any, name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{name}"}
    full = jsonschema_rs.Draft4Validator(
        {**schema, "components": {"schemas": to_json_schema(_COMPONENTS["schemas"])}},
        validate_formats=True,
    )
    validator = draft4(schema, components_of({"components": _COMPONENTS}))
    assert validator is not None
    assert validator.is_valid(value) == full.is_valid(value)


def _chain_spec(tmp_path: Path, links: int = 30) -> Path:
    """A collection whose item refers, through optional properties, to a chain of
    ``links`` distinct schemas (each to the next six times): nothing repeats, so
    only a bound on the nesting keeps its records small."""
    schemas: dict[str, Any] = {
        f"Node{i}": {
            "type": "object",
            "properties": {key: {"$ref": f"#/components/schemas/Node{i + 1}"} for key in "abcdef"},
        }
        for i in range(links)
    }
    schemas[f"Node{links}"] = {"type": "object", "properties": {"end": {"type": "string"}}}
    schemas["Thing"] = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "node": {"$ref": "#/components/schemas/Node0"}},
    }
    return _write(tmp_path, schemas)


def _write(tmp_path: Path, schemas: dict[str, Any]) -> Path:
    thing = {"$ref": "#/components/schemas/Thing"}

    def answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
        content = {"application/json": {"schema": schema}}
        return {status: {"description": "ok", "content": content}}

    id_parameter = {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1"},
        "paths": {
            "/things": {
                "get": {"responses": answer({"type": "array", "items": thing})},
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": thing}}},
                    "responses": answer(thing, "201"),
                },
            },
            "/things/{thingId}": {
                "parameters": [id_parameter],
                "get": {"responses": answer(thing)},
            },
        },
        "components": {"schemas": schemas},
    }
    path = tmp_path / "things.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_records_of_schemas_nesting_without_repeating_are_seeded(tmp_path: Path) -> None:
    app = create_app(Settings(specs=((_chain_spec(tmp_path), None),)))
    assert app.runtime.parts["things"].stateful == 3
    with TestClient(app) as client:
        listed = client.get("/things")
        assert listed.status_code == 200
        assert len(listed.json()) == 5
    # Drawn minimal past MAX_NESTING references: no optional property below.
    assert max(_depth(record.get("node")) for record in listed.json()) <= MAX_NESTING + 1


def _depth(node: Any) -> int:
    if not isinstance(node, dict):
        return 0
    return 1 + max((_depth(value) for value in node.values()), default=0)


def test_a_collection_that_cannot_be_seeded_is_answered_and_says_why(tmp_path: Path) -> None:
    schemas = {
        "Thing": {
            "type": "object",
            "required": ["id", "code"],
            "properties": {
                "id": {"type": "string"},
                "code": {"type": "string", "not": {"type": "string"}},
            },
        }
    }
    path = _write(tmp_path, schemas)
    app = create_app(Settings(specs=((path, None),)))
    # Decided on first use, not at start-up: decided() makes every deferred check.
    assert app.runtime.parts["things"].deferred
    parts = app.runtime.decided("things")
    assert (parts.stateful, parts.answered) == (0, 3)
    assert all(
        "cannot be seeded" in why or "breaks its schema" in why for why in parts.unserved.values()
    )
    with TestClient(app) as client:
        assert client.get("/things").status_code == 200
    report = inspect_spec(path)
    assert {served.how for served in report.operations} <= {"examples", "generated", "empty"}
    assert all("breaks its schema" in served.why for served in report.operations)
