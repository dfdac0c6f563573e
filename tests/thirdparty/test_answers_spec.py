"""Operations of a third-party spec that are no collection's answer from the
spec: the status, media type and body it documents, examples first, every
answer valid (connexion's response validation and openapi-core agree)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.thirdparty.answers_support import check, one_get, serve, spec

THING = {
    "type": "object",
    "required": ["id", "email"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string", "format": "email"},
        "when": {"type": "string", "format": "date-time"},
        "secret": {"type": "string", "writeOnly": True},
    },
}


def _json(schema: Any = THING, **media: Any) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema, **media}}}


@pytest.mark.parametrize(
    ("media", "schema_extra", "expected"),
    [
        ({"example": {"id": "a", "email": "m"}}, {}, None),  # not a uuid: not valid
        (
            {"example": {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000001", "email": "a@b.example"}},
            {},
            {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000001", "email": "a@b.example"},
        ),
        (
            {"examples": {"one": {"$ref": "#/components/examples/One"}}},
            {},
            {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000002", "email": "one@b.example"},
        ),
        (
            {"examples": {"far": {"externalValue": "http://x/y.json"}}},
            {"example": {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000003", "email": "s@b.example"}},
            {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000003", "email": "s@b.example"},
        ),
        (
            {},
            {"default": {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000004", "email": "d@b.example"}},
            {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000004", "email": "d@b.example"},
        ),
    ],
)
def test_the_first_valid_example_is_answered_else_one_is_generated(
    tmp_path: Path, media: dict[str, Any], schema_extra: dict[str, Any], expected: Any
) -> None:
    one = {"value": {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000002", "email": "one@b.example"}}
    document = one_get(
        _json({**THING, **schema_extra}, **media), components={"examples": {"One": one}}
    )
    response = serve(tmp_path, document).get("/thing")
    assert response.status_code == 200, response.text
    check(document, response)
    if expected is not None:
        assert response.json() == expected
    else:
        assert response.json() != media["example"]
        assert "secret" not in response.json()


def test_an_example_holding_a_write_only_property_is_not_answered(tmp_path: Path) -> None:
    example = {"id": "6f1c8a5e-1111-4c4c-8f8f-000000000001", "email": "a@b.c", "secret": "pw"}
    document = one_get(_json(example=example))
    response = serve(tmp_path, document).get("/thing")
    assert response.status_code == 200
    assert "secret" not in response.json()
    check(document, response)


def test_the_same_request_answers_the_same_bytes_and_the_seed_changes_them(
    tmp_path: Path,
) -> None:
    document = spec(
        {
            "/things/{name}/report": {
                "get": {
                    "operationId": "report",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": _json()},
                }
            }
        }
    )
    first, again, other = (
        serve(tmp_path, document, 1),
        serve(tmp_path, document, 1),
        serve(tmp_path, document, 2),
    )
    assert first.get("/things/a/report").content == again.get("/things/a/report").content
    assert first.get("/things/a/report").content == first.get("/things/a/report").content
    assert first.get("/things/a/report").content != first.get("/things/b/report").content
    assert first.get("/things/a/report").content != other.get("/things/a/report").content
    check(document, first.get("/things/a/report"))


@pytest.mark.parametrize(
    ("responses", "status"),
    [
        ({"202": _json(), "201": _json(), "400": {"description": "no"}}, 201),
        ({"2XX": _json(), "default": {"description": "err"}}, 200),
        ({"default": _json()}, 200),
        ({"206": _json(), "299": _json()}, 206),
    ],
)
def test_the_first_documented_success_is_answered(
    tmp_path: Path, responses: dict[str, Any], status: int
) -> None:
    document = spec({"/thing": {"post": {"operationId": "make", "responses": responses}}})
    response = serve(tmp_path, document).post("/thing")
    assert response.status_code == status, response.text
    check(document, response)


def test_a_204_or_a_success_without_content_is_answered_empty(tmp_path: Path) -> None:
    document = spec(
        {
            "/a": {"delete": {"operationId": "gone", "responses": {"204": {"description": "x"}}}},
            "/b": {"put": {"operationId": "put", "responses": {"200": {"description": "x"}}}},
        }
    )
    client = serve(tmp_path, document)
    assert (client.delete("/a").status_code, client.delete("/a").content) == (204, b"")
    assert (client.put("/b").status_code, client.put("/b").content) == (200, b"")


def test_the_media_type_follows_accept_json_first(tmp_path: Path) -> None:
    content = {
        "text/plain": {"schema": {"type": "string"}, "example": "plain words"},
        "application/xml": {"schema": {"type": "object"}},
        "application/vnd.thing+json": {"schema": THING},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
    }
    document = one_get({"description": "ok", "content": content})
    client = serve(tmp_path, document)
    json_answer = client.get("/thing")
    assert json_answer.headers["content-type"] == "application/vnd.thing+json"
    assert "email" in json_answer.json()
    text = client.get("/thing", headers={"Accept": "text/plain"})
    assert (text.headers["content-type"].split(";")[0], text.text) == ("text/plain", "plain words")
    xml = client.get("/thing", headers={"Accept": "application/xml"})
    assert xml.status_code == 200 and xml.headers["content-type"] == "application/xml"
    assert xml.text
    png = client.get("/thing", headers={"Accept": "image/png"})
    assert png.status_code == 200 and len(png.content) == 16
    assert png.content == client.get("/thing", headers={"Accept": "image/*"}).content
    for answer in (json_answer, text, png):
        check(document, answer)


def test_a_text_answer_of_digits_is_not_refused_as_json(tmp_path: Path) -> None:
    """connexion's text validator parses a text body as JSON first: "42" then
    fails a string schema (a 500 with response validation)."""
    content = {"text/plain": {"schema": {"type": "string"}, "example": "42"}}
    response = serve(tmp_path, one_get({"description": "ok", "content": content})).get("/thing")
    assert (response.status_code, response.text) == (200, "42")


def test_required_response_headers_get_a_value(tmp_path: Path) -> None:
    response = {
        **_json(),
        "headers": {
            "X-Rate-Limit": {"required": True, "schema": {"type": "integer", "minimum": 1}},
            "X-Request-Id": {"required": True, "schema": {"type": "string", "format": "uuid"}},
            "X-Optional": {"schema": {"type": "string"}},
        },
    }
    document = one_get(response)
    answer = serve(tmp_path, document).get("/thing")
    assert answer.status_code == 200
    assert int(answer.headers["x-rate-limit"]) >= 1
    assert len(answer.headers["x-request-id"]) == 36
    assert "x-optional" not in answer.headers
    check(document, answer)


def test_recursive_and_composed_schemas_answer_valid_bodies(tmp_path: Path) -> None:
    components = {
        "schemas": {
            "Node": {
                "type": "object",
                "required": ["name", "children"],
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
                    "nick": {"type": "string", "nullable": True},
                },
            },
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ],
                "discriminator": {"propertyName": "kind"},
            },
            "Cat": {
                "type": "object",
                "required": ["kind", "lives"],
                "properties": {
                    "kind": {"type": "string", "enum": ["Cat"]},
                    "lives": {"type": "integer"},
                },
                "additionalProperties": False,
            },
            "Dog": {
                "type": "object",
                "required": ["kind", "bark"],
                "properties": {
                    "kind": {"type": "string", "enum": ["Dog"]},
                    "bark": {"type": "string"},
                },
                "additionalProperties": {"type": "integer"},
            },
        }
    }
    paths = {
        f"/{name.lower()}": {
            "get": {
                "operationId": f"get{name}",
                "responses": {"200": _json({"$ref": f"#/components/schemas/{name}"})},
            }
        }
        for name in ("Node", "Pet")
    }
    document = spec(paths, components=components)
    client = serve(tmp_path, document)
    for path in ("/node", "/pet"):
        for seed_path in range(3):
            response = client.get(path, params={"n": seed_path})
            assert response.status_code == 200, response.text
            check(document, response)
