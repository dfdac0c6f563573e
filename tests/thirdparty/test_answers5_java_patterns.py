"""A pattern written with Java's POSIX classes (``\\p{XDigit}``, which the
validators' regex engine refuses) is read as the ASCII class it means, so the
operations holding it are served - they were dropped at start-up, and every
request to them answered 404 "No operation at ...". Patterns the validators
read are left exactly as written."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.specs.patterns import JAVA_POSIX, java_posix, rewrite_java_patterns
from tests.thirdparty.answers_support import check, serve, spec

UUID = r"\p{XDigit}{8}-\p{XDigit}{4}-\p{XDigit}{4}-\p{XDigit}{4}-\p{XDigit}{12}"


def _document() -> dict[str, object]:
    schema = {"type": "string", "pattern": UUID}
    answer = {"type": "object", "properties": {"id": schema}, "required": ["id"]}
    operation = {
        "operationId": "getDomain",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": schema}],
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": answer}}}
        },
    }
    return spec({"/domain/{id}": {"get": operation}})


def test_an_operation_with_a_java_pattern_is_served(tmp_path: Path) -> None:
    document = _document()
    client = serve(tmp_path, document)
    answer = client.get("/domain/0b7e3c52-2f0d-4a8e-9d7c-1f2e3d4c5b6a")
    assert answer.status_code == 200, answer.text
    assert re.fullmatch(java_posix(UUID), answer.json()["id"])
    read = copy.deepcopy(document)
    rewrite_java_patterns(read)  # openapi-core refuses the spec as written
    check(read, answer)
    refused = client.get("/domain/0b7e3c52-2f0d-4a8e-9d7c-1f2e3d4c5bzz")
    assert refused.status_code == 400, refused.text


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.sampled_from(sorted(JAVA_POSIX)), st.characters(max_codepoint=127), st.booleans())
def test_each_class_matches_what_java_matches(name: str, char: str, negated: bool) -> None:
    """Java's POSIX classes, by their definitions in ``java.util.regex.Pattern``."""
    java = {
        "Lower": char.islower(),
        "Upper": char.isupper(),
        "ASCII": True,
        "Alpha": char.isalpha(),
        "Digit": char.isdigit(),
        "Alnum": char.isalnum(),
        "Punct": char in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "Graph": "!" <= char <= "~",
        "Print": " " <= char <= "~",
        "Blank": char in " \t",
        "Cntrl": char < " " or char == "\x7f",
        "XDigit": char in "0123456789abcdefABCDEF",
        "Space": char in " \t\n\x0b\f\r",
    }[name]
    written = f"\\{'P' if negated else 'p'}{{{name}}}"
    for pattern in (f"^{written}$", f"^[{written}]$" if not negated else f"^{written}$"):
        assert bool(re.search(java_posix(pattern), char)) is (java != negated)


@pytest.mark.parametrize("pattern", [r"\\p{XDigit}", r"[\P{XDigit}]", r"\d+\.\p"])
def test_what_is_no_java_class_is_left_as_written(pattern: str) -> None:
    assert java_posix(pattern) == pattern
