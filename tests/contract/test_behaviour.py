"""The behaviour phase: it passes on the mock and on an independent variant, and
catches each planted behaviour break, naming the rule (each run against its own
rule family only, with small example counts)."""

from __future__ import annotations

import pytest

from servicestub.app import create_app
from servicestub.contract.model import RULE_FAMILIES, Options
from servicestub.contract.runner import run
from servicestub.contract.server import serving
from servicestub.settings import Settings
from servicestub.specs import ORDERS, SERVICES
from tests.contract.broken import BEHAVIOUR_BROKEN

SPECS = {"orders": ORDERS, "services": SERVICES}


def behaviour(
    app: object, rules: list[str], apis: tuple[str, ...] = ("orders",), examples: int = 6
):
    with serving(app, log_level="error") as origin:
        options = Options(
            seed=1,
            phases=("behaviour",),
            rules=rules,
            run_id="t1",
            behaviour_examples=examples,
            shrink_seconds=3,
        )
        return run(origin, [SPECS[a] for a in apis], options)


@pytest.mark.parametrize("name", sorted(BEHAVIOUR_BROKEN))
def test_each_planted_behaviour_break_is_caught_by_its_rule(name):
    broken = BEHAVIOUR_BROKEN[name]
    outcome = behaviour(broken.app(), [broken.family], (broken.api,))
    assert not outcome.ok
    found = [(f.check, f.reason) for f in outcome.failures]
    assert [f for f in found if f[0] == broken.rule], (found, outcome.errors)
    failure = next(f for f in outcome.failures if f.check == broken.rule)
    assert failure.operation == f"behaviour {broken.family}"
    assert failure.curl and all(c.startswith("curl ") for c in failure.curl)
    assert "seed 1" in failure.reason


def test_every_family_passes_on_the_mock():
    outcome = behaviour(create_app(Settings()), list(RULE_FAMILIES), ("orders", "services"))
    assert outcome.ok, (outcome.failures[:2], outcome.errors[:2])
    assert {op for (_api, op) in outcome.ran} == {f"behaviour {f}" for f in RULE_FAMILIES}


def test_every_orders_family_passes_on_an_independent_variant():
    """Other ids (ord_000017), numbering (R-7), timestamps, currency and no seeded
    orders: nothing the contract leaves open may fail the run."""
    from tests.contract.variant import app

    outcome = behaviour(
        app(),
        ["lists", "writes", "deletes", "isolation", "search", "derived", "statuses", "reports"],
    )
    assert outcome.ok, (outcome.failures[:2], outcome.errors[:2])
