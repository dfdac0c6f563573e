"""A ``pattern`` written as an anchored JavaScript regex literal (``/^[a-z0-9._]+$/``,
peertube) is the regex between its slashes: read literally no string matches it, so
every create was a 400 and its collection could not be seeded."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from servicestub.specs.patterns import js_literal
from tests.thirdparty.answers_support import serve, spec


@given(st.from_regex(r"[a-z0-9._]{1,12}", fullmatch=True))
def test_a_js_literal_reads_as_the_regex_inside(text: str) -> None:
    assert re.fullmatch(js_literal("/^[a-z0-9._]+$/"), text)
    assert re.search(js_literal("/^[A-Z0-9._]+$/i"), text)


def test_other_patterns_are_left_as_written() -> None:
    for pattern in ("^/poi/[0-9]+$", "/api/v1/", "[a-z]+", "/x/"):
        assert js_literal(pattern) == pattern


def test_a_value_of_a_js_literal_pattern_is_stored(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string", "pattern": "/^[a-z0-9._]+$/"},
        },
        "required": ["name"],
    }
    content = {"application/json": {"schema": schema}}
    document = spec(
        {
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"required": True, "content": content},
                    "responses": {"201": {"description": "made", "content": content}},
                }
            }
        }
    )
    client = serve(tmp_path, document)
    made = client.post("/things", json={"name": "a.b"})
    assert made.status_code == 201, made.text
    assert client.post("/things", json={"name": "A B"}).status_code == 400
