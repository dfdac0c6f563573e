"""A form body (urlencoded or multipart) is read whatever form its properties'
schemas take: a property without a ``type`` (``Channel: {description: ...}``),
a type stated through ``allOf``/``oneOf``,
an array of them. connexion's form reading looked each ``type`` up directly and
failed with a 500 (KeyError 'type'); every such form is now answered, and a
field of the wrong type is refused with a 400."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from tests.thirdparty.answers_support import serve, spec

PROPERTIES: dict[str, Any] = {
    "Channel": {"description": "no type at all"},
    "Routing": {"description": "no type either", "nullable": True},
    "Count": {"allOf": [{"type": "integer"}], "description": "wrapped"},
    "Flags": {"type": "array", "items": {"oneOf": [{"type": "boolean"}]}},
    "Tags": {"items": {"type": "string"}},
}
FORMS = ["application/x-www-form-urlencoded", "multipart/form-data"]
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}


def _client(tmp_path: Path, media_type: str) -> TestClient:
    schema = {"type": "object", "properties": PROPERTIES, "required": ["Channel"]}
    operation = {
        "operationId": "send",
        "requestBody": {"required": True, "content": {media_type: {"schema": schema}}},
        "responses": OK,
    }
    return serve(tmp_path, spec({"/send": {"post": operation}}))


def _send(client: TestClient, media_type: str, fields: list[tuple[str, str]]) -> Any:
    if media_type == FORMS[0]:
        return client.post("/send", content=urlencode(fields), headers={"Content-Type": FORMS[0]})
    return client.post("/send", files=[(name, (None, value)) for name, value in fields])


GOOD = [
    ("Channel", "web"),
    ("Routing", "anything"),
    ("Count", "3"),
    ("Flags", "true"),
    ("Flags", "false"),
    ("Tags", "a"),
]


@pytest.mark.parametrize("media_type", FORMS)
def test_a_form_of_any_schema_form_is_answered(tmp_path: Path, media_type: str) -> None:
    answer = _send(_client(tmp_path, media_type), media_type, GOOD)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("media_type", FORMS)
@pytest.mark.parametrize(("name", "value"), [("Count", "three"), ("Flags", "yes")])
def test_a_field_of_the_wrong_type_is_refused(
    tmp_path: Path, media_type: str, name: str, value: str
) -> None:
    fields = [*(pair for pair in GOOD if pair[0] != name), (name, value)]
    answer = _send(_client(tmp_path, media_type), media_type, fields)
    assert answer.status_code == 400, answer.text
    assert name in answer.json()["detail"]
