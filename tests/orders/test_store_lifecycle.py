"""Provisioning on first use, determinism, and bounded memory for read-only tenants."""

import re
from typing import Any

from starlette.testclient import TestClient

from servicestub import create_app
from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.seeding import REPAIR_SHOP, orders_store
from servicestub.apis.orders.state import OrdersStore, Store, Tenant
from servicestub.core.settings import Settings
from servicestub.specs import ORDERS
from tests.api.helpers import create_order


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
    one = orders_store(Settings(), 5)
    two = orders_store(Settings(), 5)
    assert _snapshot(one, "demo", "main") == _snapshot(two, "demo", "main")


def test_other_seed_or_other_store_gives_other_orders():
    base = _snapshot(orders_store(Settings(), 5), "demo", "main")[3]
    assert _snapshot(orders_store(Settings(), 6), "demo", "main")[3] != base
    assert _snapshot(orders_store(Settings(), 5), "demo", "side")[3] != base


def test_store_is_seeded_with_the_configured_number_of_orders():
    orders = orders_store(Settings(orders_per_store=12), 1)
    assert len(orders.store("t", "s")[1].orders) == 12


def test_read_only_tenants_are_dropped_past_the_bound_and_come_back_identical():
    orders = orders_store(Settings(max_clean_tenants=3), 9)
    first = _snapshot(orders, "t0", "s")
    for index in range(1, 10):
        orders.tenant(f"t{index}")
    assert len(orders.tenants()) == 3
    assert "t0" not in {t.tenant_id for t in orders.tenants()}
    assert _snapshot(orders, "t0", "s") == first


def test_written_tenants_are_never_dropped():
    orders = orders_store(Settings(max_clean_tenants=2), 9)
    tenant, store = orders.store("keep", "s")
    with orders.writing(tenant):
        rules.create_order(
            orders,
            tenant,
            store,
            {"title": "mine", "serviceTypeUid": sorted(tenant.service_types)[0]},
        )
    for index in range(10):
        orders.tenant(f"read{index}")
    assert orders.tenant("keep") is tenant
    assert len(orders.tenants()) == 3


def test_seeded_orders_are_consistent_with_the_rules():
    orders = orders_store(Settings(), 42)
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
    early = orders_store(Settings(), 5)
    late = orders_store(Settings(), 5)
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
    _tenant, store = orders_store(Settings(), 5).store("demo", "main")
    bundle = next(iter(store.orders.values()))
    bundle.events = {"e": {"eventUid": "e"}}
    assert bundle.events == {"e": {"eventUid": "e"}}


def test_default_seed_path_examples_name_real_records():
    """The spec's examples are the default seed's demo/main records, so trying an
    operation from Swagger UI or the contract command's examples finds them."""
    from servicestub.core.settings import DEFAULT_SEED
    from servicestub.specs import ORDERS

    parameters = ORDERS.document()["components"]["parameters"]
    example = {p["name"]: p.get("example") for p in parameters.values()}
    orders = orders_store(Settings(), DEFAULT_SEED)
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

    orders = orders_store(Settings(max_clean_tenants=1), 3)
    store = weakref.ref(orders.store("first", "main")[1])
    gc.disable()
    try:
        orders.store("second", "main")  # "first" is dropped
        assert store() is None
    finally:
        gc.enable()


# -- only a write that succeeds pins its tenant ------------------------------

_ORDER = "/tenants/{tenantId}/stores/{storeId}/service-orders/{serviceOrderUid}"
_ADDRESS = {"name": "A", "street": "S 1", "postalCode": "1", "city": "B", "countryCode": "DE"}
#: Every write operation of the Service Orders API, with a request that fails:
#: (body, status). The path's ids are invented, so ids in it are unknown (404);
#: where no id can be unknown, the body is refused (400).
FAILING_WRITES: dict[tuple[str, str], tuple[dict[str, Any] | None, int]] = {
    ("POST", "/tenants/{tenantId}/stores/{storeId}/service-orders"): (
        {"title": "x", "serviceTypeUid": "no-such-type"},
        400,
    ),
    ("PUT", _ORDER): ({"title": "x"}, 404),
    ("DELETE", _ORDER): (None, 404),
    ("POST", f"{_ORDER}/items"): ({"name": "x"}, 404),
    ("PUT", f"{_ORDER}/items/{{itemUid}}"): ({"name": "x"}, 404),
    ("DELETE", f"{_ORDER}/items/{{itemUid}}"): (None, 404),
    ("POST", f"{_ORDER}/events"): ({"message": "x"}, 404),
    ("PUT", f"{_ORDER}/events/{{eventUid}}"): ({"message": "x"}, 404),
    ("DELETE", f"{_ORDER}/events/{{eventUid}}"): (None, 404),
    ("POST", f"{_ORDER}/hours"): ({"userId": "u", "date": "2026-01-01", "hours": 1}, 404),
    ("PUT", f"{_ORDER}/hours/{{hoursUid}}"): ({"hours": 1}, 404),
    ("DELETE", f"{_ORDER}/hours/{{hoursUid}}"): (None, 404),
    ("POST", f"{_ORDER}/sales-orders"): ({"customerId": "c", "orderAddress": _ADDRESS}, 404),
    ("PUT", "/tenants/{tenantId}/service-types/{serviceTypeUid}"): ({"name": "x"}, 404),
    ("POST", "/tenants/{tenantId}/service-statuses"): ({"name": "x", "position": 0}, 400),
    ("PUT", "/tenants/{tenantId}/service-statuses/{statusUid}"): ({"name": "x"}, 404),
    ("POST", "/tenants/{tenantId}/hourly-rates"): ({"name": "x", "price": -1}, 400),
    ("PUT", "/tenants/{tenantId}/hourly-rates/{hourlyRateUid}"): ({"name": "x"}, 404),
}


def _write_operations() -> set[tuple[str, str]]:
    """Every operation of the spec that may change data (search only reads)."""
    paths = ORDERS.document()["paths"]
    return {
        (method.upper(), template)
        for template, item in paths.items()
        for method in item
        if method in ("post", "put", "patch", "delete") and not template.endswith("/search")
    }


def _send(client: TestClient, method: str, template: str, tenant: str) -> int:
    path = re.sub(r"\{(\w+)\}", lambda m: tenant if m[1] == "tenantId" else "nope", template)
    body, _status = FAILING_WRITES[(method, template)]
    return client.request(method, f"/v1{path}", json=body).status_code


def test_the_failing_writes_cover_every_write_operation():
    assert set(FAILING_WRITES) == _write_operations()


def test_failing_writes_under_invented_tenants_pin_nothing():
    app = create_app(Settings(max_clean_tenants=8))
    with TestClient(app) as client:
        fresh = client.get("/_mock/state").content
        for index in range(5):
            for (method, template), (_body, status) in FAILING_WRITES.items():
                tenant = f"ghost{index}-{method}-{len(template)}"
                assert _send(client, method, template, tenant) == status, (method, template)
        counts = client.get("/_mock/health").json()["counts"]
        assert counts["writtenTenants"] == 0
        assert counts["tenants"] <= 8  # only the bounded cache of clean tenants
        assert client.get("/_mock/state").content == fresh  # nothing in the export


def test_a_write_that_succeeds_pins_its_tenant():
    with TestClient(create_app(Settings(max_clean_tenants=2))) as client:
        order = create_order(client, "kept")
        for index in range(6):  # push every clean tenant out of the cache
            client.get(f"/v1/tenants/reader{index}/service-types")
        counts = client.get("/_mock/health").json()["counts"]
        assert counts["writtenTenants"] == 1
        got = client.get(f"/v1/tenants/kept/stores/main/service-orders/{order['serviceOrderUid']}")
        assert got.status_code == 200
        status = client.post("/v1/tenants/rates/hourly-rates", json={"name": "x", "price": 1})
        assert status.status_code == 201
        assert client.get("/_mock/health").json()["counts"]["writtenTenants"] == 2


def test_the_store_provisions_tenants_and_stores_through_the_seeder_it_is_given():
    calls: list[tuple[str, ...]] = []

    class Counting:
        def tenant(self, orders: OrdersStore, tenant_id: str) -> Tenant:
            calls.append(("tenant", tenant_id))
            return REPAIR_SHOP.tenant(orders, tenant_id)

        def store(self, orders: OrdersStore, tenant: Tenant, store_id: str) -> Store:
            calls.append(("store", tenant.tenant_id, store_id))
            return REPAIR_SHOP.store(orders, tenant, store_id)

    orders = OrdersStore(Settings(orders_per_store=3), 5, seeder=Counting())
    orders.store("a", "b")
    orders.store("a", "b")
    _tenant, store = orders.store("a", "c")
    assert calls == [("tenant", "a"), ("store", "a", "b"), ("store", "a", "c")]
    assert len(store.orders) == 3
