"""A body's media type is found among the spec's ``content`` keys as RFC 9110
matches media types - names in any case, parameters such as ``charset`` that
do not change the type, ``+json`` types, ranges - in request and in response
validation. connexion compared the keys as spelled: a JSON answer documented
under ``application/json; charset=utf-8`` was a 500 with ``--validate-responses``
(and a request body a 415), a body under ``Application/JSON`` went unvalidated."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.app.validation import DocumentedContent
from servicestub.middleware.negotiation import documented_key, documented_status
from tests.thirdparty.answers_support import serve, spec

THING = {
    "type": "object",
    "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
    "required": ["id", "name"],
}


def _spelled(draw: Any, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


@st.composite
def json_keys(draw: Any) -> tuple[str, str]:
    """A content key documenting JSON, in some spelling, and the type a body is sent as."""
    essence = draw(st.sampled_from(["application/json", "application/vnd.acme.thing+json"]))
    key = _spelled(draw, essence)
    charset = draw(st.sampled_from(["", "utf-8", "UTF-8", '"utf-8"']))
    if charset:
        key += draw(st.sampled_from([";", "; ", " ;  "])) + f"charset={charset}"
    return key, essence


def _crud(key: str, response_key: str = "200") -> dict[str, Any]:
    content = {key: {"schema": THING}}
    listing = {key: {"schema": {"type": "array", "items": THING}}}
    return spec(
        {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {response_key: {"description": "ok", "content": listing}},
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"required": True, "content": content},
                    "responses": {"201": {"description": "made", "content": content}},
                },
            }
        }
    )


@settings(max_examples=12, deadline=None, derandomize=True)
@given(json_keys())
def test_json_under_any_spelling_of_its_key_is_validated_both_ways(
    tmp_path_factory: pytest.TempPathFactory, keys: tuple[str, str]
) -> None:
    key, essence = keys
    document = _crud(key)
    client = serve(tmp_path_factory.mktemp("media"), document)
    sent = {"Content-Type": essence}
    made = client.post("/things", content=b'{"name": "a"}', headers=sent)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "a"
    assert documented_key(made.headers["content-type"], [key]) == key
    refused = client.post("/things", content=b'{"name": 5}', headers=sent)
    assert refused.status_code == 400, refused.text  # the body's schema was found
    listed = client.get("/things")
    assert listed.status_code == 200, listed.text
    assert isinstance(listed.json(), list)


class _Operation:
    """What :class:`DocumentedContent` reads of connexion's operation."""

    def __init__(self, document: dict[str, Any]) -> None:
        operations = document["paths"]["/things"]
        self.responses = operations["get"]["responses"]
        self.request_body = operations["post"]["requestBody"]

    @staticmethod
    def with_definitions(definition: dict[str, Any]) -> dict[str, Any]:
        return definition


@given(json_keys(), st.sampled_from(["200", "2XX", "default"]))
def test_validation_reads_the_schema_documented_for_any_spelling(
    keys: tuple[str, str], response_key: str
) -> None:
    key, essence = keys
    operation = DocumentedContent(_Operation(_crud(key, response_key)))
    assert operation.body_schema(essence) == THING
    assert operation.body_schema(None) == THING
    assert operation.response_schema(200, essence) == {"type": "array", "items": THING}
    assert operation.response_schema(200, "text/plain") == {}


SENT = st.sampled_from(["application/json", "application/JSON", "application/json;charset=UTF-8"])


@given(SENT)
def test_the_most_specific_key_documents_a_type(sent: str) -> None:
    keys = ["*/*", "application/*", "Application/Json; charset=utf-8", "text/plain"]
    assert documented_key(sent, keys) == "Application/Json; charset=utf-8"
    assert documented_key(sent, keys[:2]) == "application/*"
    assert documented_key(sent, keys[:1]) == "*/*"
    assert documented_key(sent, ["text/*", "application/problem+json"]) is None


def test_a_parameter_both_state_differently_is_another_type() -> None:
    keys = ["application/json; charset=utf-16", "application/json; charset=UTF-8"]
    assert documented_key("application/json; charset=utf-8", keys) == keys[1]
    assert documented_key("text/plain; format=flowed", ["text/plain; format=fixed"]) is None
    assert documented_key("not a type", ["*/*"]) is None


def test_a_status_is_documented_by_its_own_key_then_its_class_then_default() -> None:
    assert documented_status(["default", "2xx", 200], 200) == 200
    assert documented_status(["default", "2xx"], 201) == "2xx"
    assert documented_status(["default", "4XX"], 201) == "default"
    assert documented_status(["404"], 201) is None
