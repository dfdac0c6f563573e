"""Every answer of a third-party spec carries each header its response documents
as ``required``, with a value meeting the header's schema: the engine's answers
(create, read, list), those answered from the spec, and errors (a 404 of a record
that is not there) alike. Before, only the answers made from the spec did, so
openapi-core refused the engine's (``MissingRequiredHeader: X-Request-ID``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.thirdparty.answers_support import check, serve, spec

#: Header schemas of the kinds specs use (X-Request-ID is a uuid, `link` a string...).
SCHEMAS = st.sampled_from(
    [
        {"type": "string", "format": "uuid"},
        {"type": "string"},
        {"type": "integer", "minimum": 1, "maximum": 9},
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "pattern": "^[a-f]{4}$"},
        {"type": "string", "format": "date-time"},
        {"type": "boolean"},
    ]
)
NAMES = st.sampled_from(["X-Request-ID", "link", "X-Rate-Limit"])


def _document(name: str, schema: dict[str, Any], by_ref: bool) -> dict[str, Any]:
    header = {"required": True, "schema": schema}
    headers = {name: {"$ref": "#/components/headers/H"} if by_ref else header}
    thing = {
        "type": "object",
        "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
        "required": ["id", "name"],
    }
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
    listed = {"application/json": {"schema": {"type": "array", "items": thing}}}
    missing = {"$ref": "#/components/responses/Missing"}  # a response by $ref too
    return spec(
        {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {"description": "l", "headers": headers, "content": listed}
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"required": True, "content": body},
                    "responses": {"201": {"description": "c", "headers": headers, "content": body}},
                },
            },
            "/things/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {"description": "r", "headers": headers, "content": body},
                        "4XX": missing,
                    },
                },
            },
            "/status": {
                "get": {
                    "operationId": "status",
                    "responses": {"200": {"description": "s", "headers": headers}},
                }
            },
        },
        components={
            "schemas": {"Thing": thing},
            "headers": {"H": header},
            "responses": {"Missing": {"description": "none", "headers": headers}},
        },
    )


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=NAMES, schema=SCHEMAS, by_ref=st.booleans())
def test_every_answer_carries_its_required_headers(
    name: str, schema: dict[str, Any], by_ref: bool
) -> None:
    document = _document(name, schema, by_ref)
    with tempfile.TemporaryDirectory() as folder, serve(Path(folder), document) as client:
        created = client.post("/things", json={"name": "n"})
        assert created.status_code == 201, created.text
        uid = created.json()["id"]
        answers = [
            created,
            client.get(f"/things/{uid}"),
            client.get("/things"),
            client.get("/status"),
            client.get("/things/no-such-thing"),
        ]
        assert answers[-1].status_code == 404
        for answer in answers:
            assert name.lower() in answer.headers, (answer.request.url, answer.headers)
            check(document, answer)  # openapi-core: present and of the header's schema
        again = client.get(f"/things/{uid}")
        assert again.headers[name] == answers[1].headers[name]  # deterministic


def test_a_request_id_sent_is_echoed(tmp_path: Path) -> None:
    schema = {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"}
    document = _document("X-Request-ID", schema, by_ref=False)
    sent = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    with serve(tmp_path, document) as client:
        answer = client.get("/things", headers={"X-Request-ID": sent})
        assert answer.headers["X-Request-ID"] == sent
        # one that does not meet the schema is not echoed: a valid one is drawn
        other = client.get("/things", headers={"X-Request-ID": "not a uuid"})
        assert other.headers["X-Request-ID"] != "not a uuid"
        check(document, other)
