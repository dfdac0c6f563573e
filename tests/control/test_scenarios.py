"""Shipped scenarios build the states they describe."""

from __future__ import annotations

from collections import Counter

import pytest

from servicestub.scenarios import FIXTURES_DIR, ScenarioError, build
from servicestub.settings import Settings
from tests.orders.money_checks import assert_money_rules


def _build(name: str):
    return build(FIXTURES_DIR / f"{name}.yaml", Settings(), 42)


def test_empty_has_the_setup_and_no_orders():
    _seed, orders, _catalogue = _build("empty")
    tenant = orders.tenant("acme")
    assert tenant.service_types and tenant.statuses and tenant.hourly_rates
    assert len(tenant.stores["main"].orders) == 0


def test_busy_store_spans_every_state_and_priority():
    _seed, orders, _catalogue = _build("busy-store")
    store = orders.tenant("acme").stores["north"]
    states = Counter(b.order["state"] for b in store.orders.values())
    priorities = Counter(b.order["priority"] for b in store.orders.values())
    assignees = {b.order["assignedUserId"] for b in store.orders.values()}
    assert len(store.orders) == 400
    assert set(states) == {"NEW", "IN_PROGRESS", "WAITING", "DONE", "CLOSED", "CANCELLED"}
    assert set(priorities) == {"NONE", "LOW", "NORMAL", "HIGH", "URGENT"}
    assert len(assignees - {None}) == len(orders.tenant("acme").staff)


def test_overdue_and_urgent_has_a_long_workflow_and_overdue_urgent_orders():
    _seed, orders, _catalogue = _build("overdue-and-urgent")
    tenant = orders.tenant("acme")
    assert [
        s["position"] for s in sorted(tenant.statuses.values(), key=lambda s: s["position"])
    ] == list(range(1, 11))
    store = tenant.stores["main"]
    overdue_urgent = [
        b.order
        for b in store.orders.values()
        if b.order["priority"] == "URGENT" and b.order["dueDate"] < "2026-01-15"
    ]
    assert len(overdue_urgent) >= 30
    anna = [
        b
        for b in store.orders.values()
        if b.order["customer"] and b.order["customer"]["name"] == "Anna Schmidt"
    ]
    assert len(anna) == 1 and anna[0].order["totals"]["items"] == 89.9 and len(anna[0].events) == 1


def test_catalogue_has_many_services_renamed_lookups_and_listed_items():
    _seed, _orders, catalogue = _build("catalogue")
    assert catalogue.count() == 2002 and len(catalogue.share_plans) == 12
    inactive = sum(1 for s in catalogue.listing() if not s["isActive"])
    assert 0.15 < inactive / 2002 < 0.35
    pool = next(s for s in catalogue.listing() if s["name"] == "Premium Pool Opening")
    assert catalogue.render(pool)["serviceCategoryName"] == "Pools"
    assert [p["name"] for p in catalogue.details(pool)["sharePlans"]["items"]] == [
        "Gold Home Care Plan",
        "Family Comfort Plan",
    ]


def test_a_scenario_currency_prices_the_generated_rates_and_hours_in_it(tmp_path):
    scenario = tmp_path / "dollars.yaml"
    scenario.write_text(
        "description: A US shop.\n"
        "tenants:\n"
        "  us:\n"
        "    currency: USD\n"
        "    stores:\n"
        "      main:\n"
        "        serviceOrders:\n"
        "          - {count: 20}\n"
    )
    _seed, orders, _catalogue = build(scenario, Settings(), 42)
    tenant = orders.tenant("us")
    assert {rate["currency"] for rate in tenant.hourly_rates.values()} == {"USD"}
    bundles = list(tenant.stores["main"].orders.values())
    assert {b.order["totals"]["currency"] for b in bundles} == {"USD"}
    for bundle in bundles:
        assert_money_rules(bundle, "USD")


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ("hourlyRates: [{name: Gold, price: 1.0e+27}]", "price"),
        (
            "stores: {main: {serviceOrders: [{items: [{name: x, unitPrice: 1.0e+27}]}]}}",
            "unitPrice",
        ),
        ("stores: {main: {serviceOrders: [{items: [{name: x, quantity: 1000001}]}]}}", "quantity"),
    ],
)
def test_scenario_money_is_bounded_as_the_api_bounds_it(tmp_path, entry, where):
    scenario = tmp_path / "rich.yaml"
    scenario.write_text(f"description: Too rich.\ntenants:\n  acme:\n    {entry}\n")
    with pytest.raises(ScenarioError, match=where):
        build(scenario, Settings(), 42)
