"""A seeded order's hours, events, notifications and sales orders are made when
first read; they must be exactly what an eager seeding would hold, whatever a
client did first."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.apis.orders import money
from tests.oapi import CheckedClient

DETAILS = ("hours", "events", "notifications", "sales-orders")


@pytest.fixture
def fresh() -> CheckedClient:
    """A second, untouched server on the same seed: the reference."""
    with TestClient(create_app(Settings(validate_responses=True))) as test_client:
        yield CheckedClient(test_client)


def _orders(client: CheckedClient, tenant: str) -> list[dict]:
    url = f"/v1/tenants/{tenant}/stores/main/service-orders?perPage=100"
    return client.get(url).json()["data"]


def _details(client: CheckedClient, tenant: str, uid: str) -> dict[str, list]:
    base = f"/v1/tenants/{tenant}/stores/main/service-orders/{uid}"
    return {name: client.get(f"{base}/{name}?perPage=100").json()["data"] for name in DETAILS}


def test_totals_agree_with_the_hours_and_items_made_later(client, tenant):
    for order in _orders(client, tenant):
        hours = _details(client, tenant, order["serviceOrderUid"])["hours"]
        billable = money.total(h["amount"] for h in hours if h["billable"])
        items = money.total(
            money.line_amount(i["quantity"], i["unitPrice"]) for i in order["items"]
        )
        assert order["totals"]["hours"] == billable and order["totals"]["items"] == items


def test_sales_orders_are_numbered_once_each_and_price_the_order_as_seeded(client, tenant):
    numbers = []
    for order in _orders(client, tenant):
        for sales in _details(client, tenant, order["serviceOrderUid"])["sales-orders"]:
            numbers.append(sales["orderNumber"])
            assert sales["total"] == order["totals"]["total"]
            assert sales["reference"] == order["serviceNumber"]
    assert numbers and len(numbers) == len(set(numbers))


def test_a_client_write_before_the_first_read_does_not_change_what_was_seeded(
    client, fresh, tenant
):
    orders = _orders(client, tenant)  # the store is seeded now
    rates = client.get(f"/v1/tenants/{tenant}/hourly-rates").json()["data"]
    for rate in rates:  # reprice every rate before any hours are read
        url = f"/v1/tenants/{tenant}/hourly-rates/{rate['hourlyRateUid']}"
        assert client.put(url, json={"price": rate["price"] + 100}).status_code == 200
    changed = next(  # an order with a sales order, found on the reference server
        o["serviceOrderUid"]
        for o in orders
        if _details(fresh, tenant, o["serviceOrderUid"])["sales-orders"]
    )
    base = f"/v1/tenants/{tenant}/stores/main/service-orders/{changed}"
    assert (
        client.post(f"{base}/items", json={"name": "Extra part", "unitPrice": 9.5}).status_code
        == 201
    )
    assert client.put(base, json={"title": "Changed", "state": "NEW"}).status_code == 200
    for order in orders:
        uid = order["serviceOrderUid"]
        mine, reference = _details(client, tenant, uid), _details(fresh, tenant, uid)
        assert mine["hours"] == reference["hours"]
        assert mine["events"] == reference["events"]
        assert mine["sales-orders"] == reference["sales-orders"]
        if uid != changed:  # the changed one also notified the customer of the change
            assert mine["notifications"] == reference["notifications"]
