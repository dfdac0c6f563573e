"""The v4 search rule reports what a target answered, whatever identities it sent.

A target under test may answer items without an ``identity`` (or with one of
another type); the rule must then fail with the contract's words, naming what
came back, not crash while writing its message (sorting ``None`` with numbers).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.contract.behaviour.engine import BehaviourMachine, RuleBroken
from servicestub.contract.behaviour.v4 import ServicesMachine

IDENTITIES = st.none() | st.integers(-3, 9) | st.text("ab", max_size=2)


class _Session:
    calls: ClassVar[list[str]] = []


class _Target:
    """Just what ``check_search`` reads of its machine, answering ``answered``."""

    prefix = "bx"
    services: ClassVar[dict[int, dict[str, Any]]] = {7: {"identity": 7, "name": "bxlamp"}}
    session = _Session()
    pick_service = ServicesMachine.pick_service
    expect = BehaviourMachine.expect

    def __init__(self, answered: list[Any]) -> None:
        self.answered = answered

    def search(self, criteria: list[dict[str, Any]], top: int = 1000) -> list[dict[str, Any]]:
        return [{"identity": identity} for identity in self.answered]


@settings(derandomize=True, max_examples=150)
@given(
    answered=st.lists(IDENTITIES, max_size=4),
    operator=st.integers(0, 10),
    top=st.none() | st.integers(1, 3),
)
def test_a_search_answer_is_judged_and_named_whatever_its_identities(
    answered: list[Any], operator: int, top: int | None
) -> None:
    target = _Target(answered)
    try:
        ServicesMachine.check_search(
            target, pick=0, fields=["name"], operators=[operator, 0], cut=1, upper=False, top=top
        )
    except RuleBroken as broken:
        assert broken.rule == "v4.search"
        for identity in answered:
            assert repr(identity) in broken.message
    else:
        assert set(answered) <= {7}


def test_an_item_without_identity_breaks_the_rule() -> None:
    with pytest.raises(RuleBroken, match=r"found \[7, None\]"):
        ServicesMachine.check_search(
            _Target([None, 7]),
            pick=0,
            fields=["name"],
            operators=[0, 0],
            cut=1,
            upper=False,
            top=None,
        )
