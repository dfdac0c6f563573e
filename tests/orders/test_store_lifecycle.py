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


def test_seeded_history_is_the_same_however_late_it_is_first_read():
    early = OrdersStore(Settings(), 5)
    late = OrdersStore(Settings(), 5)
    _tenant, early_store = early.store("demo", "main")
    tenant, late_store = late.store("demo", "main")
    histories = {uid: (b.events, b.notifications) for uid, b in early_store.orders.items()}
    for bundle in late_store.orders.values():  # the client changes every order first
        rules.update_order(late, tenant, bundle, {"title": "Changed", "state": "NEW"})
    for uid, bundle in late_store.orders.items():
        events, notifications = histories[uid]
        assert bundle.events == events
        # the client's update queued its own notification after the seeded ones
        assert list(bundle.notifications.values())[: len(notifications)] == list(
            notifications.values()
        )


def test_replacing_a_seeded_history_before_reading_it_keeps_the_replacement():
    _tenant, store = OrdersStore(Settings(), 5).store("demo", "main")
    bundle = next(iter(store.orders.values()))
    bundle.events = {"e": {"eventUid": "e"}}
    assert bundle.events == {"e": {"eventUid": "e"}}


def test_default_seed_path_examples_name_real_records():
    """The spec's examples are the default seed's demo/main records, so trying an
    operation from Swagger UI or the contract command's examples finds them."""
    from servicestub.settings import DEFAULT_SEED
    from servicestub.specs import ORDERS

    parameters = ORDERS.document()["components"]["parameters"]
    example = {p["name"]: p.get("example") for p in parameters.values()}
    orders = OrdersStore(Settings(), DEFAULT_SEED)
    tenant, store = orders.store("demo", "main")
    bundle = store.bundle(example["serviceOrderUid"])
    assert example["itemUid"] in {i["itemUid"] for i in bundle.order["items"]}
    assert example["eventUid"] in bundle.events
    assert example["hoursUid"] in bundle.hours
    assert example["serviceTypeUid"] in tenant.service_types
    assert example["statusUid"] in tenant.statuses
    assert example["hourlyRateUid"] in tenant.hourly_rates
    assert example["publicHash"] == bundle.order["publicHash"]


def test_a_dropped_store_is_freed_without_the_cycle_collector():
    """Seeded data is frozen out of the cycle collector's reach, so it must hold
    no reference cycles: dropping a tenant has to free its stores by reference
    counting alone."""
    import gc
    import weakref

    orders = OrdersStore(Settings(max_clean_tenants=1), 3)
    store = weakref.ref(orders.store("first", "main")[1])
    gc.disable()
    try:
        orders.store("second", "main")  # "first" is dropped
        assert store() is None
    finally:
        gc.enable()
