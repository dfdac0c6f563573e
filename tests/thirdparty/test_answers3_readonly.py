"""A request never has to send a ``readOnly`` property, an answer never holds a
``writeOnly`` one (OpenAPI 3.0, Schema Object): in every request body media
type the validators read (JSON, forms, multipart), in nested objects, array
items and ``allOf`` members too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.app.validation import first_error
from tests.thirdparty.answers_support import serve, spec

FLAGS = st.sampled_from([None, "readOnly", "writeOnly"])


@st.composite
def flagged_objects(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """An object schema requiring all its properties, each flagged or not; some
    nested (directly, as array items or as ``allOf`` members)."""
    names = draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True))
    properties: dict[str, Any] = {}
    for name in names:
        flag = draw(FLAGS)
        shape = draw(st.sampled_from(["string", "object", "array"] if depth < 2 else ["string"]))
        prop: dict[str, Any] = {"type": "string"}
        if shape == "object":
            prop = draw(flagged_objects(depth + 1))
        elif shape == "array":
            prop = {"type": "array", "items": draw(flagged_objects(depth + 1))}
        if flag:
            prop = {**prop, flag: True}
        properties[name] = prop
    schema: dict[str, Any] = {"type": "object", "required": names, "properties": properties}
    if draw(st.booleans()):  # the required list in one member, the flags in another
        schema = {"allOf": [{"properties": properties}, {"type": "object", "required": names}]}
    return schema


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    members = schema.get("allOf", [schema])
    return {k: v for member in members for k, v in member.get("properties", {}).items()}


def instance(schema: dict[str, Any], left_out: str) -> Any:
    """A value of ``schema`` with every property except those flagged ``left_out``."""
    if schema.get("type") == "string":
        return "x"
    if schema.get("type") == "array":
        return [instance(schema["items"], left_out)]
    return {
        name: instance(prop, left_out)
        for name, prop in _properties(schema).items()
        if not prop.get(left_out)
    }


@settings(max_examples=150, derandomize=True, deadline=None)
@given(flagged_objects())
def test_a_request_needs_no_read_only_property_an_answer_no_write_only_one(
    schema: dict[str, Any],
) -> None:
    assert first_error(schema, instance(schema, "readOnly")) is None
    assert first_error(schema, instance(schema, "writeOnly"), response=True) is None


@settings(max_examples=150, derandomize=True, deadline=None)
@given(flagged_objects())
def test_every_other_required_property_is_still_required(schema: dict[str, Any]) -> None:
    plain = [n for n, p in _properties(schema).items() if not p.get("readOnly")]
    body = instance(schema, "readOnly")
    for name in plain:
        short = {k: v for k, v in body.items() if k != name}
        assert first_error(schema, short) is not None, name
    if any(p.get("readOnly") for p in _properties(schema).values()):
        answer = instance(schema, "writeOnly")
        missing = next(n for n, p in _properties(schema).items() if p.get("readOnly"))
        assert first_error(schema, {k: v for k, v in answer.items() if k != missing}, response=True)


TICKET = {
    "type": "object",
    "required": ["id", "subject", "owner"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "subject": {"type": "string"},
        "owner": {
            "type": "object",
            "required": ["ref", "name"],
            "properties": {"ref": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
        },
    },
}
FORM = {
    "type": "object",
    "required": ["id", "subject"],
    "properties": {"id": {"type": "string", "readOnly": True}, "subject": {"type": "string"}},
}


def _document() -> dict[str, Any]:
    wrapped = {"allOf": [{"$ref": "#/components/schemas/Ticket"}]}
    content = {
        "application/json": {"schema": wrapped},
        "application/x-www-form-urlencoded": {"schema": FORM},
        "multipart/form-data": {"schema": FORM},
    }
    operation = {
        "operationId": "createTicket",
        "requestBody": {"required": True, "content": content},
        "responses": {"204": {"description": "created"}},
    }
    return spec({"/tickets": {"post": operation}}, components={"schemas": {"Ticket": TICKET}})


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"json": {"subject": "s", "owner": {"name": "n"}}}, 204),
        ({"json": {"id": "given", "subject": "s", "owner": {"name": "n", "ref": "r"}}}, 204),
        ({"json": {"subject": "s", "owner": {}}}, 400),
        ({"json": {"owner": {"name": "n"}}}, 400),
        ({"data": {"subject": "s"}}, 204),
        ({"data": {"id": "x"}}, 400),
        ({"files": {"f": ("a.txt", b"x")}, "data": {"subject": "s"}}, 204),
        ({"files": {"f": ("a.txt", b"x")}, "data": {"id": "x"}}, 400),
    ],
)
def test_a_create_body_without_its_read_only_fields_is_taken_in_every_media_type(
    tmp_path: Path, kwargs: dict[str, Any], status: int
) -> None:
    response = serve(tmp_path, _document()).post("/tickets", **kwargs)
    assert response.status_code == status, response.text
    if status == 400:
        assert "is a required property" in response.json()["detail"]
        assert '"id"' not in response.json()["detail"]


@pytest.mark.parametrize("header", ["Accept", "Content-Type", "Authorization"])
def test_a_header_parameter_the_spec_must_ignore_is_not_required(
    tmp_path: Path, header: str
) -> None:
    """OpenAPI 3.0 (Parameter Object): a header parameter named Accept,
    Content-Type or Authorization SHALL be ignored (vtex's specs require them)."""
    required = {"name": header, "in": "header", "required": True, "schema": {"type": "string"}}
    other = {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}}
    operation = {
        "operationId": "getThing",
        "parameters": [required, other],
        "responses": {"204": {"description": "x"}},
    }
    client = serve(tmp_path, spec({"/thing": {"get": operation}}))
    assert client.get("/thing", headers={"X-Tenant": "t"}).status_code == 204
    refused = client.get("/thing")
    assert refused.status_code == 400 and "X-Tenant" in refused.json()["detail"]
