"""Provisioning on first use, determinism, and bounded memory for read-only tenants."""

from servicestub.domain import orders as rules
from servicestub.settings import Settings
from servicestub.store.orders import OrdersStore


def _snapshot(orders: OrdersStore, tenant_id: str, store_id: str):
    tenant, store = orders.store(tenant_id, store_id)
    return (
        tenant.service_types,
        tenant.statuses,
        tenant.hourly_rates,
        [
            (b.order, b.events, b.hours, b.notifications, b.sales_orders)
            for b in store.orders.values()
        ],
    )


def test_same_seed_gives_identical_tenants_and_stores():
    one = OrdersStore(Settings(), 5)
    two = OrdersStore(Settings(), 5)
    assert _snapshot(one, "demo", "main") == _snapshot(two, "demo", "main")


def test_other_seed_or_other_store_gives_other_orders():
    base = _snapshot(OrdersStore(Settings(), 5), "demo", "main")[3]
    assert _snapshot(OrdersStore(Settings(), 6), "demo", "main")[3] != base
    assert _snapshot(OrdersStore(Settings(), 5), "demo", "side")[3] != base


def test_store_is_seeded_with_the_configured_number_of_orders():
    orders = OrdersStore(Settings(orders_per_store=12), 1)
    assert len(orders.store("t", "s")[1].orders) == 12


def test_read_only_tenants_are_dropped_past_the_bound_and_come_back_identical():
    orders = OrdersStore(Settings(max_clean_tenants=3), 9)
    first = _snapshot(orders, "t0", "s")
    for index in range(1, 10):
        orders.tenant(f"t{index}")
    assert len(orders.tenants()) == 3
    assert "t0" not in {t.tenant_id for t in orders.tenants()}
    assert _snapshot(orders, "t0", "s") == first


def test_written_tenants_are_never_dropped():
    orders = OrdersStore(Settings(max_clean_tenants=2), 9)
    tenant, store = orders.store("keep", "s", write=True)
    rules.create_order(
        orders, tenant, store, {"title": "mine", "serviceTypeUid": sorted(tenant.service_types)[0]}
    )
    for index in range(10):
        orders.tenant(f"read{index}")
    assert orders.tenant("keep") is tenant
    assert len(orders.tenants()) == 3


def test_seeded_orders_are_consistent_with_the_rules():
    orders = OrdersStore(Settings(), 42)
    tenant, store = orders.store("demo", "main")
    for bundle in store.orders.values():
        order = bundle.order
        assert order["statusUid"] in tenant.statuses
        assert order["serviceTypeUid"] in tenant.service_types
        expected = dict(order["totals"])
        rules.refresh_totals(tenant, bundle)
        assert order["totals"] == expected
        assert orders.hasher.open(order["publicHash"], "demo", "main") == order["serviceOrderUid"]
        assert order["createdAt"] <= order["updatedAt"] <= "2026-01-15T09:00:00Z"
