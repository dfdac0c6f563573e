"""Request bodies of media types that are not JSON (XML, forms, multipart) are
taken without a 5xx, and never validated as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.thirdparty.answers_support import serve, spec

FORM = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}


def _document() -> dict[str, object]:
    content = {
        "application/xml": {"schema": {"type": "object"}},
        "application/x-www-form-urlencoded": {"schema": FORM},
        "multipart/form-data": {"schema": FORM},
    }
    operation = {
        "operationId": "take",
        "requestBody": {"required": True, "content": content},
        "responses": {"204": {"description": "taken"}},
    }
    return spec({"/in": {"post": operation}})


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"<a><b>1</b></a>", "headers": {"Content-Type": "application/xml"}}, 204),
        ({"content": b"not even xml {", "headers": {"Content-Type": "application/xml"}}, 204),
        ({"data": {"n": "3"}}, 204),
        ({"data": {"n": "three"}}, 400),
        ({"files": {"f": ("a.txt", b"x")}, "data": {"n": "4"}}, 204),
    ],
)
def test_bodies_that_are_not_json_answer_without_a_server_error(
    tmp_path: Path, kwargs: dict[str, object], status: int
) -> None:
    response = serve(tmp_path, _document()).post("/in", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
