"""A ``oneOf`` whose branches overlap (PeerTube's ``oneOf: [User, UserWithStats]``,
``UserWithStats`` being ``User`` and a few counts): every ``UserWithStats`` is a
``User``, so only a value that gives a property the other branch constrains (and
its own branch leaves open) a value that branch refuses validates against exactly
one. Such values are drawn, and a value valid under both is made so
(``Fabricator.one_branch``); before, no draw was found (the answer was a 422) and a
record valid under both was answered invalid."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.engine.fabricate import Fabricator
from tests.thirdparty.answers_support import check, serve, spec

USER = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "account": {"type": "object"}},
}
WITH_STATS = {
    "allOf": [
        {"$ref": "#/components/schemas/User"},
        {"properties": {"videosCount": {"type": "integer"}, "abusesCount": {"type": "integer"}}},
    ]
}
EITHER = {"oneOf": [{"$ref": "#/components/schemas/User"}, {"$ref": "#/components/schemas/Stats"}]}
DOCUMENT = spec(
    {
        "/me": {
            "get": {
                "operationId": "me",
                "responses": {
                    "200": {
                        "description": "me",
                        "content": {"application/json": {"schema": EITHER}},
                    }
                },
            }
        }
    },
    components={"schemas": {"User": USER, "Stats": WITH_STATS}},
)
FABRICATOR = Fabricator(DOCUMENT)
BRANCHES = EITHER["oneOf"]


def _held(value: Any) -> int:
    return sum(FABRICATOR.valid(value, branch) for branch in BRANCHES)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_drawn_value_holds_exactly_one_branch(seed: int) -> None:
    value = FABRICATOR.value(EITHER, random.Random(seed))
    assert _held(value) == 1, value


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    record=st.fixed_dictionaries(
        {"id": st.integers(1, 99)},
        optional={"account": st.just({}), "videosCount": st.integers(0, 9)},
    )
)
def test_a_value_valid_under_both_is_told_apart(record: dict[str, Any]) -> None:
    assert _held(record) == 2  # the premise: valid under both
    told = FABRICATOR.one_branch(record, EITHER)
    assert _held(told) == 1
    assert {k: told[k] for k in record} == record  # what it held is kept


def test_the_answer_validates(tmp_path: Path) -> None:
    with serve(tmp_path, DOCUMENT) as client:
        answer = client.get("/me")
        assert answer.status_code == 200, answer.text
        check(DOCUMENT, answer)
