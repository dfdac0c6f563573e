"""The behaviour rules judge what a target answered, whatever its shape.

A target under test may answer a missing value (``null``) or one of another type
where the contract wants a number or a string. Every rule that orders such
values (to compare them with the oracle's or to name them in its message) must
then judge - pass or fail with the contract's words - never crash with a
``TypeError`` from ``sorted`` mixing ``None`` with numbers or strings.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.contract.behaviour import model as m
from servicestub.contract.behaviour.engine import BehaviourMachine, RuleBroken
from servicestub.contract.behaviour.orders import OrdersMachine
from servicestub.contract.behaviour.phase import discover
from servicestub.contract.behaviour.v4 import ServicesMachine

SCALARS = (
    st.none() | st.booleans() | st.integers(-3, 9) | st.floats(-2, 2) | st.text("ab", max_size=2)
)
ANSWERS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("k", max_size=1), inner),
    max_leaves=6,
)
IDENTITIES = st.none() | st.integers(-3, 9) | st.text("ab", max_size=2)


@settings(derandomize=True, max_examples=300)
@given(st.lists(ANSWERS, max_size=6))
def test_any_answers_are_ordered_and_kept(values: list[Any]) -> None:
    ordered = m.sorted_answers(values)
    assert sorted(map(repr, ordered)) == sorted(map(repr, values))
    keys = [m.answered_order(value) for value in ordered]
    assert all(not later < earlier for earlier, later in itertools.pairwise(keys))


@settings(derandomize=True, max_examples=200)
@given(st.lists(st.integers()) | st.lists(st.text()) | st.lists(st.tuples(st.text(), st.text())))
def test_answers_of_one_type_are_ordered_as_sorted_does(values: list[Any]) -> None:
    assert m.sorted_answers(values) == sorted(values)


class _Session:
    calls: ClassVar[list[str]] = []

    def removed(self, url: str, method: str = "DELETE") -> None:
        """Nothing to clean up in a fake."""


class _Machine:
    """What the rules below read of their machine, with the answers given."""

    prefix = "bx"
    base = "/v1/tenants/t/stores/s"
    session = _Session()
    expect = BehaviourMachine.expect
    pick_service = ServicesMachine.pick_service
    pick = OrdersMachine.pick
    url = OrdersMachine.url

    def __init__(self, **answers: Any) -> None:
        self.services: dict[int, dict[str, Any]] = {7: {"identity": 7, "name": "bxlamp"}}
        self.orders: dict[str, dict[str, Any]] = {"o1": {"title": "x"}}
        self.answers = answers

    def search(self, criteria: list[dict[str, Any]], top: int = 1000) -> list[dict[str, Any]]:
        return [{"identity": identity} for identity in self.answers["search"]]

    def listing(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self.answers["listing"])

    def v4(self, method: str, path: str, rule: str, **_: Any) -> tuple[Any, Any]:
        status, body = self.answers[method]
        if method == "GET" and not path.endswith("/Detail"):
            status, body = 404, None
        return SimpleNamespace(status_code=status), body


@settings(derandomize=True, max_examples=150)
@given(
    answered=st.lists(IDENTITIES, max_size=4),
    operator=st.integers(0, 10),
    top=st.none() | st.integers(1, 3),
)
def test_a_search_answer_is_judged_and_named_whatever_its_identities(
    answered: list[Any], operator: int, top: int | None
) -> None:
    machine = _Machine(search=answered)
    try:
        ServicesMachine.check_search(
            machine, pick=0, fields=["name"], operators=[operator, 0], cut=1, upper=False, top=top
        )
    except RuleBroken as broken:
        assert broken.rule == "v4.search"
        for identity in answered:
            assert repr(identity) in broken.message
    else:
        assert set(answered) <= {7}


def test_an_item_without_identity_breaks_the_search_rule() -> None:
    machine = _Machine(search=[None, 7])
    with pytest.raises(RuleBroken, match=r"found \[7, None\]"):
        ServicesMachine.check_search(
            machine, pick=0, fields=["name"], operators=[0, 0], cut=1, upper=False, top=None
        )


def test_share_plans_without_identity_are_compared_not_crashed_on() -> None:
    detail = {
        "instance": {"details": {"sharePlans": {"items": [{"identity": None}, {"identity": 2}]}}}
    }
    report = {
        "results": {
            "items": [
                {"identity": 7, "action": "deleted", "dtoTypeKey": "service"},
                {"lhsId": 2, "rhsId": 7, "action": "detached"},
                {"lhsId": None, "rhsId": 7, "action": "detached"},
            ]
        }
    }
    machine = _Machine(GET=(200, detail), DELETE=(200, report), search=[])
    ServicesMachine.delete(machine, pick=0)  # the report matches the plans: no rule broken
    assert machine.services == {}


def test_a_notification_without_channel_breaks_its_rule() -> None:
    machine = _Machine(
        listing=[{"channel": None, "recipient": "x"}, {"channel": "EMAIL", "recipient": "a@b"}]
    )
    machine.notes = {"o1": [("EMAIL", "a@b")]}
    with pytest.raises(RuleBroken) as broken:
        OrdersMachine.check_notifications(machine, pick=0)
    assert broken.value.rule == "derived.notifications"
    assert "(None, 'x')" in broken.value.message


def _discovered(pages: dict[str, list[dict[str, Any]]]) -> Any:
    """What discovery found on a target answering ``pages`` (collection -> records)."""

    def get(url: str, params: dict[str, Any]) -> Any:
        data = pages[url.rsplit("/", 1)[1]] if params["page"] == 1 else []
        return SimpleNamespace(raise_for_status=lambda: None, json=lambda: {"data": data})

    ctx = SimpleNamespace(
        tenant="t", origin="http://target", client=SimpleNamespace(get=get), found={}
    )
    assert discover(ctx) is None
    return ctx


def test_statuses_without_position_are_discovered() -> None:
    pages = {
        "service-types": [{"serviceTypeUid": "st1"}],
        "service-statuses": [
            {"statusUid": "late", "position": None},
            {"statusUid": "second", "position": 2},
            {"statusUid": "first", "position": 1},
        ],
        "hourly-rates": [],
    }

    ctx = _discovered(pages)
    assert ctx.found["statuses"] == ["first", "second", "late"]


@settings(derandomize=True, max_examples=300)
@given(ANSWERS)
def test_an_answered_amount_of_any_shape_is_read_or_none_never_a_crash(value: Any) -> None:
    read = m.answered_money(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        assert read == m.money(value)
    else:
        assert read is None  # equals no expected amount: the rule fails, naming the answer


def test_rates_whose_price_is_no_number_are_left_out_of_discovery() -> None:
    rates = [
        {"hourlyRateUid": "ok", "price": 45.5},
        *({"hourlyRateUid": f"bad{i}", "price": bad} for i, bad in enumerate([None, "45", [1]])),
    ]
    pages = {
        "service-types": [{"serviceTypeUid": "st1"}],
        "service-statuses": [{"statusUid": "first", "position": 1}],
        "hourly-rates": rates,
    }

    ctx = _discovered(pages)
    assert [rate["hourlyRateUid"] for rate in ctx.found["rates"]] == ["ok"]
