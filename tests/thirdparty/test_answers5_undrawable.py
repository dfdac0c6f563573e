"""A value the mock cannot draw never becomes a 500. An unanchored ``pattern``
is searched for, not matched whole (JSON Schema, ``pattern``), so a string of
any length holding one match is drawn (``[A-z0-9]`` with length 24); a schema
that admits nothing drawable answers in another documented media type, else a
problem with a documented client-error status naming why."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.engine.fabricate import pattern
from tests.thirdparty.answers_support import PROBLEM, check, one_get, serve

#: Unanchored (or anchored at one end) patterns, each with a length it admits
#: only as a longer string holding a match (each match is at most 4 characters).
PATTERNS = ["[A-z0-9]", "^[a-f]", "[0-9]$", r"\d{2}-x", "(ab|cd)", r"^id_\w"]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.sampled_from(PATTERNS), st.integers(4, 40), st.integers(0, 10), st.randoms())
def test_an_unanchored_pattern_is_drawn_at_any_length_it_admits(
    text: str, low: int, extra: int, rng: random.Random
) -> None:
    drawn = pattern(text).draw(rng, low, low + extra)
    assert low <= len(drawn) <= low + extra
    assert re.search(text, drawn)


def _item(properties: dict[str, Any]) -> dict[str, Any]:
    item = {"type": "object", "properties": properties, "required": sorted(properties)}
    return {"type": "array", "items": item, "minItems": 1}


def test_an_answer_with_an_unanchored_pattern_is_drawn(tmp_path: Path) -> None:
    key = {"type": "string", "pattern": "[A-z0-9]", "minLength": 24, "maxLength": 24}
    document = one_get(
        {"description": "ok", "content": {"application/json": {"schema": _item({"token": key})}}}
    )
    answer = serve(tmp_path, document).get("/thing")
    assert answer.status_code == 200, answer.text
    check(document, answer)


UNDRAWABLE = {"type": "string", "pattern": "^a$", "minLength": 3}


def test_another_documented_media_type_answers_when_one_cannot_be_drawn(tmp_path: Path) -> None:
    content = {"application/json": {"schema": UNDRAWABLE}, "text/plain": {"schema": {}}}
    document = one_get({"description": "ok", "content": content})
    answer = serve(tmp_path, document).get("/thing")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")


def test_nothing_drawable_answers_a_documented_client_error(tmp_path: Path) -> None:
    document = one_get(
        {"description": "ok", "content": {"application/json": {"schema": UNDRAWABLE}}}
    )
    document["paths"]["/thing"]["get"]["responses"]["404"] = {"description": "none"}
    answer = serve(tmp_path, document).get("/thing")
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert "^a$" in answer.json()["detail"]
