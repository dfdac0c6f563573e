"""A third-party list sorted by a field whose values are objects, arrays or mixed
types is sorted (by :func:`servicestub.engine.paging.comparable`), never a 500.

Azure's reservations-quota lists service limits sortable by fields that hold
objects; the engine compared the stored values as they were and raised
``TypeError: '<' not supported between instances of 'dict' and 'dict'``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings
from servicestub.engine.paging import comparable

FIELDS = ["name", "limit", "tags"]


def _spec() -> dict[str, Any]:
    place = {"$ref": "#/components/schemas/Place"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "places", "version": "1"},
        "paths": {
            "/places": {
                "x-servicestub-seed-count": 0,
                "get": {
                    "parameters": [
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"type": "string", "enum": FIELDS},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": place}}
                            },
                        }
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": place}},
                    },
                    "responses": {
                        "201": {
                            "description": "ok",
                            "content": {"application/json": {"schema": place}},
                        }
                    },
                },
            },
            "/places/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": place}},
                        }
                    }
                },
            },
        },
        "components": {
            "schemas": {
                "Place": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "readOnly": True},
                        "name": {},
                        "limit": {"type": "object", "properties": {"value": {"type": "integer"}}},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                }
            }
        },
    }


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("places") / "places.json"
    path.write_text(json.dumps(_spec()))
    app = create_app(Settings(specs=((path, None),), validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


JSON = st.recursive(
    st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=2), inner, max_size=2)
    ),
    max_leaves=4,
)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(names=st.lists(JSON, min_size=2, max_size=4), field=st.sampled_from(FIELDS))
def test_a_list_sorted_by_any_field_answers_every_record_in_order(
    client: TestClient, names: list[Any], field: str
) -> None:
    client.post("/_mock/reset")
    made_ids = []
    for number, name in enumerate(names):
        made = client.post(
            "/places", json={"name": name, "limit": {"value": -number}, "tags": [str(number)]}
        )
        assert made.status_code == 201, made.text
        made_ids.append(made.json()["id"])
    answer = client.get("/places", params={"sort": field})
    assert answer.status_code == 200, answer.text
    listed = answer.json()
    # the stored records (not a body drawn from the spec), in the field's order
    assert sorted(r["id"] for r in listed) == sorted(made_ids), listed
    keys = [comparable(r[field]) for r in listed]
    assert keys == sorted(keys), listed
