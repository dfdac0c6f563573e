"""Form bodies and query parameters read as OpenAPI 3.0's ``style``/``explode``
rules and Encoding Object say (Stripe's way of writing them):

* ``style: deepObject`` fields and parameters - ``metadata[key]=v``, ``tags[]=a``,
  ``lines[0][price]=3``, ``created[gte]=1`` - are the object or array their schema
  holds, leaves typed by the schema (connexion made objects only: ``tags[]=a``
  was ``{"": "a"}``, and a form's bracketed fields were unknown fields: 400);
* a multipart part holding an object (or an array of objects) is JSON, its
  default content type (PeerTube's ``replaySettings``: 400 ``is not of type
  "object"`` before).

The record stored from a form reads back as the value the form spelled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.thirdparty.answers_support import serve, spec

FORM = "application/x-www-form-urlencoded"
WORDS = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
THING = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"price": {"type": "integer"}, "note": {"type": "string"}},
            },
        },
        "settings": {"type": "object", "properties": {"privacy": {"type": "integer"}}},
        "dob": {
            "anyOf": [
                {"type": "object", "properties": {"day": {"type": "integer"}}},
                {"type": "string", "enum": [""]},
            ]
        },
    },
}
DEEP = {"style": "deepObject", "explode": True}
QUERY = [
    {
        "name": "expand",
        "in": "query",
        "style": "deepObject",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
    },
    {
        "name": "created",
        "in": "query",
        "style": "deepObject",
        "explode": True,
        "schema": {
            "type": "object",
            "properties": {"gte": {"type": "integer"}, "lte": {"type": "integer"}},
        },
    },
]


def _document() -> dict[str, Any]:
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
    forms = {
        FORM: {
            "schema": {"$ref": "#/components/schemas/Thing"},
            "encoding": {name: DEEP for name in ("metadata", "tags", "lines", "settings")},
        },
        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Thing"}},
    }
    listed = {"application/json": {"schema": {"type": "array", "items": THING}}}
    return spec(
        {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": QUERY,
                    "responses": {"200": {"description": "l", "content": listed}},
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"required": True, "content": forms},
                    "responses": {"201": {"description": "c", "content": body}},
                },
            },
            "/things/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "operationId": "getThing",
                    "responses": {"200": {"description": "r", "content": body}},
                },
            },
        },
        components={"schemas": {"Thing": THING}},
    )


THINGS = st.fixed_dictionaries(
    {"name": WORDS},
    optional={
        "metadata": st.dictionaries(WORDS, WORDS, min_size=1, max_size=3),
        "tags": st.lists(WORDS, min_size=1, max_size=3),
        "lines": st.lists(
            st.fixed_dictionaries({"price": st.integers(-5, 500)}, optional={"note": WORDS}),
            min_size=1,
            max_size=3,
        ),
        "settings": st.fixed_dictionaries({"privacy": st.integers(0, 3)}),
    },
)


def deep_object(name: str, value: Any, appended: bool) -> list[tuple[str, str]]:
    """``value`` as ``style: deepObject`` spells field ``name``: objects by key,
    arrays by index (``[0]``) or, for arrays of texts when ``appended``, ``[]``."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in deep_object(f"{name}[{k}]", v, appended)]
    if isinstance(value, list):
        if appended and all(not isinstance(v, dict | list) for v in value):
            return [(f"{name}[]", str(v)) for v in value]
        return [
            pair for i, v in enumerate(value) for pair in deep_object(f"{name}[{i}]", v, appended)
        ]
    return [(name, str(value))]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for every example (each create is a record of its own)."""
    with serve(tmp_path_factory.mktemp("forms"), _document()) as served:
        yield served


@settings(max_examples=25, derandomize=True, deadline=None)
@given(thing=THINGS, appended=st.booleans())
def test_a_deep_object_form_reads_back_as_it_spelled(
    client: TestClient, thing: dict[str, Any], appended: bool
) -> None:
    fields = [pair for name, value in thing.items() for pair in deep_object(name, value, appended)]
    created = client.post("/things", content=urlencode(fields), headers={"Content-Type": FORM})
    assert created.status_code == 201, (fields, created.text)
    read = client.get(f"/things/{created.json()['id']}").json()
    assert {key: read.get(key) for key in thing} == thing


def test_deep_object_query_parameters(client: TestClient) -> None:
    for query in (
        "expand[]=a&expand[]=b",
        "expand[0]=b",
        "expand=a&expand=b",
        "created[gte]=1&created[lte]=20",
        "expand[]=a&created[gte]=3",
    ):
        answer = client.get(f"/things?{query}")
        assert answer.status_code == 200, (query, answer.text)
    for query, named in (("expand[]=c", "expand"), ("created[gte]=soon", "created")):
        refused = client.get(f"/things?{query}")
        assert refused.status_code == 400, (query, refused.text)
        assert named in refused.json()["detail"]


def test_a_multipart_object_part_is_json(tmp_path: Path) -> None:
    thing = {"name": "n", "settings": {"privacy": 1}, "lines": [{"price": 3}, {"price": 4}]}
    with serve(tmp_path, _document()) as client:
        files = [
            ("name", (None, "n")),
            ("settings", (None, json.dumps(thing["settings"]), "application/json")),
            ("lines", (None, json.dumps(thing["lines"][0]), "application/json")),
            ("lines", (None, json.dumps(thing["lines"][1]), "application/json")),
        ]
        created = client.post("/things", files=files)
        assert created.status_code == 201, created.text
        read = client.get(f"/things/{created.json()['id']}").json()
        assert {key: read.get(key) for key in thing} == thing
        refused = client.post("/things", files=[("name", (None, "n")), ("settings", (None, "1"))])
        assert refused.status_code == 400
        assert "settings" in refused.json()["detail"]


def test_an_object_or_text_field_takes_either(client: TestClient) -> None:
    """``anyOf: [object, ""]`` (Stripe's way to unset): JSON text is the object, else text."""
    for sent, read in (('{"day": 3}', {"day": 3}), ("", "")):
        fields = urlencode([("name", "n"), ("dob", sent)])
        created = client.post("/things", content=fields, headers={"Content-Type": FORM})
        assert created.status_code == 201, created.text
        assert client.get(f"/things/{created.json()['id']}").json()["dob"] == read
