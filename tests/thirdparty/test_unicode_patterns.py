"""Patterns with Unicode property escapes (``\\p{L}``, as AWS writes names): Python's
``re`` cannot read them, so values are drawn from their ASCII part, and each drawn
value matches the pattern as a validator reads it (jsonschema_rs reads ``\\p``). A
pattern nothing can be drawn from is a FabricateError, never an escaping re.error
(lookoutvision and fis failed to start)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.fabricate import FabricateError, pattern

PROPERTIES = ["\\p{L}", "\\p{N}", "\\p{Z}", "\\pL", "\\p{Lu}", "\\p{Ll}", "\\p{P}", "\\p{S}"]


@settings(max_examples=60, derandomize=True)
@given(
    parts=st.lists(st.sampled_from([*PROPERTIES, "_", "\\-", "@", "0-9"]), min_size=1, max_size=4),
    in_class=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_values_drawn_match_the_pattern_as_a_validator_reads_it(
    parts: list[str], in_class: bool, seed: int
) -> None:
    text = (
        f"^[{''.join(parts)}]+$"
        if in_class
        else "^" + "".join(p if p.startswith("\\p") else f"[{p}]" for p in parts) + "$"
    )
    value = pattern(text).draw(random.Random(seed), 1, 12)
    assert jsonschema_rs.validator_for({"type": "string", "pattern": text}).is_valid(value), (
        text,
        value,
    )


def test_a_pattern_nothing_can_be_drawn_from_is_a_fabricate_error() -> None:
    with pytest.raises(FabricateError, match="cannot be drawn"):
        pattern("[\\P{L}]")


def test_a_spec_whose_ids_have_a_unicode_pattern_serves_them_statefully(tmp_path: Path) -> None:
    name = {"type": "string", "pattern": "^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", "maxLength": 40}
    item = {
        "type": "object",
        "required": ["name"],
        "properties": {"projectId": {"type": "string", "readOnly": True}, "name": name},
    }
    body = {"content": {"application/json": {"schema": item}}}
    param = {"name": "projectId", "in": "path", "required": True, "schema": {"type": "string"}}
    listed = {"type": "array", "items": item}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "projects", "version": "1"},
        "paths": {
            "/projects": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": listed}},
                        }
                    }
                },
                "post": {"requestBody": body, "responses": {"201": {"description": "ok", **body}}},
            },
            "/projects/{projectId}": {
                "parameters": [param],
                "get": {"responses": {"200": {"description": "ok", **body}}},
            },
        },
    }
    spec = tmp_path / "projects.json"
    spec.write_text(json.dumps(document))
    app = create_app(Settings(specs=((spec, "/"),), validate_responses=True))
    assert app.runtime.parts["projects"].stateful == 3
    with TestClient(app) as client:
        seeded = client.get("/projects")
        assert seeded.status_code == 200 and seeded.json(), seeded.text
        created = client.post("/projects", json={"name": "Ünïcode name"})
        assert created.status_code == 201, created.text
        uid = created.json()["projectId"]
        assert client.get(f"/projects/{uid}").json()["name"] == "Ünïcode name"
