"""Path and query parameters are typed by their schema whatever form it takes
(its own ``type``, a ``$ref``'d schema wrapped in ``allOf``, a ``oneOf`` of an
integer id and a uuid, arrays of such items), and reach the handler without a
5xx: every such request is answered by the spec (checked by openapi-core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from servicestub.app.uri_parser import typed
from tests.thirdparty.answers_support import check, serve, spec

ID = {"type": "integer", "minimum": 1}
UUID = {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"}
SHORT = {"type": "string", "pattern": "^[a-zA-Z0-9]{22}$"}
FORMS: dict[str, dict[str, Any]] = {
    "plain": {"$ref": "#/components/schemas/id"},
    "allOf": {"allOf": [{"$ref": "#/components/schemas/id"}], "description": "an id"},
    "oneOf": {"oneOf": [{"$ref": "#/components/schemas/id"}, UUID, SHORT]},
    "anyOf": {"anyOf": [UUID, {"allOf": [{"$ref": "#/components/schemas/id"}]}]},
}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    operation = {
        "operationId": "getVideo",
        "parameters": [
            {"name": "videoId", "in": "path", "required": True, "schema": schema},
            {"name": "one", "in": "query", "schema": schema},
            {"name": "ids", "in": "query", "schema": {"type": "array", "items": schema}},
        ],
        "responses": OK,
    }
    return spec({"/videos/{videoId}": {"get": operation}}, components={"schemas": {"id": ID}})


@pytest.mark.parametrize("form", sorted(FORMS))
def test_an_integer_stated_in_any_form_is_typed_and_answered(tmp_path: Path, form: str) -> None:
    document = _document(FORMS[form])
    client = serve(tmp_path, document)
    answer = client.get("/videos/12", params=[("one", "3"), ("ids", "1"), ("ids", "2")])
    assert answer.status_code == 200, answer.text
    check(document, answer)
    refused = client.get("/videos/0")  # below the integer's minimum, and no uuid
    assert refused.status_code == 400, refused.text


@pytest.mark.parametrize("form", ["oneOf", "anyOf"])
def test_a_union_takes_the_reading_its_schema_accepts(tmp_path: Path, form: str) -> None:
    client = serve(tmp_path, _document(FORMS[form]))
    uuid = "0b7e3c52-2f0d-4a8e-9d7c-1f2e3d4c5b6a"
    assert client.get(f"/videos/{uuid}").status_code == 200


def test_typed_reads_each_stated_type() -> None:
    union = {"oneOf": [{"type": "boolean"}, {"allOf": [{"type": "number"}]}]}
    assert typed("true", union) is True
    assert typed("1.5", union) == 1.5
    assert typed("x", union) == "x"
    assert typed("7", {"oneOf": [{"type": "string", "pattern": "^a"}, {"type": "integer"}]}) == 7
    assert typed("a7", {"oneOf": [{"type": "integer"}, {"type": "string"}]}) == "a7"
