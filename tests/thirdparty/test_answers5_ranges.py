"""An answer documented under a media range (``*/*``, ``application/*``,
``text/*``, ``image/*``) is sent with a media type inside that range, never the
range itself (a ``Content-Type`` is a media type: RFC 9110, 8.3) - connexion
could not write a JSON body under ``*/*`` and answered 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from servicestub.app.validation import first_error
from tests.thirdparty.answers_support import one_get, serve

SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "array": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
    "binary": {"type": "string", "format": "binary"},
}
RANGES = {"*/*": "application/json", "application/*": "application/json"}


#: Each range with the schemas a body of it can hold (no text or image holds a JSON array).
CASES = [
    (media_range, schema)
    for media_range in ("*/*", "application/*", "text/*", "image/*")
    for schema in sorted(SCHEMAS)
    if media_range in RANGES or schema in ("string", "binary")
]


@pytest.mark.parametrize(("media_range", "schema"), CASES)
def test_a_range_is_answered_in_a_media_type_inside_it(
    tmp_path: Path, media_range: str, schema: str
) -> None:
    document = one_get({"description": "ok", "content": {media_range: {"schema": SCHEMAS[schema]}}})
    answer = serve(tmp_path, document).get("/thing")
    assert answer.status_code == 200, answer.text
    content_type = answer.headers["content-type"].split(";")[0]
    assert "*" not in content_type
    kind, _, _rest = media_range.partition("/")
    assert kind == "*" or content_type.startswith(f"{kind}/")
    if schema != "binary" and media_range in RANGES:
        # openapi-core reads a body matched by a range as bytes, whatever its
        # Content-Type says, so the JSON body is checked here
        assert content_type == RANGES[media_range]
        assert first_error(SCHEMAS[schema], answer.json(), response=True) is None
