"""Shipped scenarios build the states they describe."""

from __future__ import annotations

from collections import Counter

import pytest

from servicestub.control.scenarios import FIXTURES_DIR, ScenarioError, build, read
from servicestub.core.settings import Settings
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


# -- hostile scenario files ------------------------------------------------------

#: Nine levels of nine aliases: a billion values the schema refuses at its top level.
LAUGHS = "description: lol\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def _valid_laughs(width: int = 28) -> str:
    """Well-formed scenario whose aliases multiply: ``width`` tenants of ``width``
    stores of ``width`` orders of ``width`` items (600,000 items), in under 1 KB."""

    def repeat(first: str, alias: str) -> str:
        return ", ".join([first] + [alias] * (width - 1))

    items = repeat("&I {name: lol}", "*I")
    orders = repeat(f"&O {{title: lol, items: [{items}]}}", "*O")
    return (
        f"description: laughs\ntenants:\n  t0: &T\n    stores:\n"
        f"      s0: &S\n        serviceOrders: [{orders}]\n"
        + "".join(f"      s{i}: *S\n" for i in range(1, width))
        + "".join(f"  t{i}: *T\n" for i in range(1, width))
    )


def test_validate_refuses_a_billion_laughs_at_once(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "laughs.yaml"
    path.write_text(_valid_laughs())
    assert len(path.read_bytes()) < 1024
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "servicestub", "scenarios", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,  # before the bound: validating it alone took minutes
    )
    assert result.returncode == 1
    assert f"{path}: stands for more than 100,000 values" in result.stderr
    assert time.perf_counter() - started < 15  # interpreter start-up included, on a busy CI box


def _refused(path, text: str) -> str:
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        read(path)
    return str(caught.value)


def test_aliased_counts_are_added_up_over_the_whole_file(tmp_path):
    entries = ", ".join(["&many {count: 200000}"] + ["*many"] * 9)  # each entry within its cap
    text = (
        "description: aliased counts\n"
        f"tenants: {{acme: {{stores: {{main: {{serviceOrders: [{entries}]}}}}}}}}\n"
    )
    message = _refused(tmp_path / "aliased.yaml", text)
    assert "aliased.yaml: tenants.acme.stores.main.serviceOrders[1].count: " in message
    assert "more than 200,000 records" in message


def test_counts_over_several_stores_and_the_catalogue_are_capped(tmp_path):
    text = (
        "description: big\n"
        "tenants:\n"
        "  acme:\n"
        "    stores:\n"
        "      north: {serviceOrders: {count: 150000}}\n"
        "      south: {serviceOrders: [{count: 40000}, {count: 9000}]}\n"
        "services: {count: 2000}\n"
    )
    message = _refused(tmp_path / "big.yaml", text)
    assert message.startswith(f"{tmp_path / 'big.yaml'}: services.count: ")
    assert "more than 200,000 records" in message
    read_ok = tmp_path / "ok.yaml"
    read_ok.write_text(text.replace("count: 2000", "count: 1000"))
    assert read(read_ok)["services"]["count"] == 1000


def test_an_alias_cycle_is_a_scenario_error(tmp_path):
    text = "description: cycle\ntenants: &t {acme: {stores: *t}}\n"
    assert "alias inside the value it names" in _refused(tmp_path / "cycle.yaml", text)


def test_the_control_plane_lists_and_refuses_a_hostile_file_promptly(tmp_path):
    import time

    from starlette.testclient import TestClient

    from servicestub import create_app

    (tmp_path / "laughs.yaml").write_text(LAUGHS)
    (tmp_path / "binary.yaml").write_bytes(b"description: \xff\n")
    app = create_app(Settings(fixtures_dir=tmp_path))
    with TestClient(app, raise_server_exceptions=False) as client:
        started = time.perf_counter()
        listed = client.get("/_mock/scenarios")
        loaded = client.post("/_mock/scenarios/laughs")
        assert time.perf_counter() - started < 1
    assert listed.status_code == 200
    descriptions = {s["name"]: s["description"] for s in listed.json()["data"]}
    assert (
        descriptions["laughs"].startswith("INVALID: ")
        and "100,000 values" in descriptions["laughs"]
    )
    assert "not UTF-8" in descriptions["binary"]
    assert loaded.status_code == 400 and "100,000 values" in loaded.json()["detail"]
