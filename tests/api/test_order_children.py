"""Items, events, hours, notifications and sales orders of a service order."""

from __future__ import annotations

import pytest

from servicestub.apis.orders import money
from tests.api.helpers import assert_problem, create_order, store_path


@pytest.fixture
def order_url(client, tenant):
    created = create_order(client, tenant)
    return f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}"


def test_items_change_the_order_totals(client, order_url):
    item = client.post(
        f"{order_url}/items", json={"name": "Display", "quantity": 2, "unitPrice": 89.9}
    )
    assert item.status_code == 201
    item_uid = item.json()["itemUid"]
    order = client.get(order_url).json()
    assert order["items"] == [item.json()]
    assert order["totals"]["items"] == 179.8 and order["totals"]["total"] == 179.8
    updated = client.put(f"{order_url}/items/{item_uid}", json={"quantity": 1})
    assert updated.status_code == 200 and updated.json()["unitPrice"] == 89.9
    assert client.get(order_url).json()["totals"]["total"] == 89.9
    assert client.delete(f"{order_url}/items/{item_uid}").status_code == 204
    assert client.get(order_url).json()["totals"]["total"] == 0


def test_item_errors(client, order_url):
    assert_problem(client.post(f"{order_url}/items", json={"quantity": 1}), 400, "name")
    assert_problem(client.post(f"{order_url}/items", json={"name": "x", "quantity": 0}), 400)
    assert_problem(client.put(f"{order_url}/items/nope", json={"quantity": 1}), 404, "nope")
    assert_problem(client.delete(f"{order_url}/items/nope"), 404)


@pytest.mark.parametrize(
    ("collection", "key", "body", "change"),
    [
        ("events", "eventUid", {"message": "Called the customer"}, {"type": "CUSTOMER_CONTACT"}),
        (
            "hours",
            "hoursUid",
            {"userId": "tech-1", "date": "2026-01-05", "hours": 1.5},
            {"hours": 2},
        ),
    ],
)
def test_child_crud_round_trip(client, order_url, collection, key, body, change):
    created = client.post(f"{order_url}/{collection}", json=body)
    assert created.status_code == 201
    uid = created.json()[key]
    assert client.get(f"{order_url}/{collection}/{uid}").json() == created.json()
    updated = client.put(f"{order_url}/{collection}/{uid}", json=change).json()
    assert all(updated[k] == v for k, v in change.items())
    listed = client.get(f"{order_url}/{collection}").json()
    assert [r[key] for r in listed["data"]] == [uid] and listed["meta"]["totalItems"] == 1
    assert client.delete(f"{order_url}/{collection}/{uid}").status_code == 204
    assert_problem(client.get(f"{order_url}/{collection}/{uid}"), 404, uid)
    assert_problem(client.put(f"{order_url}/{collection}/{uid}", json=change), 404)
    assert_problem(client.delete(f"{order_url}/{collection}/{uid}"), 404)


def test_event_defaults_and_required_message(client, order_url):
    event = client.post(f"{order_url}/events", json={"message": "hi"}).json()
    assert event["type"] == "NOTE" and event["visibleToCustomer"] is False
    assert_problem(client.post(f"{order_url}/events", json={"type": "NOTE"}), 400, "message")


def test_events_sort_by_type(client, order_url):
    for kind in ("NOTE", "INTERNAL", "CUSTOMER_CONTACT"):
        client.post(f"{order_url}/events", json={"message": kind, "type": kind})
    data = client.get(f"{order_url}/events", params={"sort": "type", "order": "DESC"}).json()[
        "data"
    ]
    assert [e["type"] for e in data] == ["NOTE", "INTERNAL", "CUSTOMER_CONTACT"]


def test_hours_amount_comes_from_the_rate_and_counts_in_totals(client, tenant, order_url):
    rate = client.get(f"/v1/tenants/{tenant}/hourly-rates").json()["data"][0]
    entry = client.post(
        f"{order_url}/hours",
        json={
            "userId": "tech-1",
            "date": "2026-01-05",
            "hours": 2,
            "hourlyRateUid": rate["hourlyRateUid"],
        },
    ).json()
    assert entry["amount"] == round(2 * rate["price"], 2) and entry["billable"] is True
    assert client.get(order_url).json()["totals"]["hours"] == entry["amount"]
    client.put(f"{order_url}/hours/{entry['hoursUid']}", json={"billable": False})
    assert client.get(order_url).json()["totals"]["hours"] == 0


def _book(client, order_url, rate_uid, hours=0.25, **fields):
    body = {"userId": "tech-1", "date": "2026-01-05", "hours": hours, "hourlyRateUid": rate_uid}
    return client.post(f"{order_url}/hours", json=body | fields)


def test_hours_keep_their_booked_price_and_sales_lines_multiply_out(client, tenant, order_url):
    rates_url = f"/v1/tenants/{tenant}/hourly-rates"
    rate = client.get(rates_url).json()["data"][0]
    entry = _book(client, order_url, rate["hourlyRateUid"]).json()
    assert entry["unitPrice"] == rate["price"]
    raised = client.put(
        f"{rates_url}/{rate['hourlyRateUid']}", json={"price": rate["price"] + 10.01}
    )
    assert raised.status_code == 200
    edited = client.put(f"{order_url}/hours/{entry['hoursUid']}", json={"description": "re-worded"})
    assert (edited.json()["unitPrice"], edited.json()["amount"]) == (
        entry["unitPrice"],
        entry["amount"],
    )
    address = {"name": "A", "street": "S 1", "postalCode": "1", "city": "B", "countryCode": "DE"}
    sales = client.post(
        f"{order_url}/sales-orders", json={"customerId": "C1", "orderAddress": address}
    ).json()
    [line] = sales["lines"]
    assert line["unitPrice"] == entry["unitPrice"] and line["amount"] == entry["amount"]
    assert line["amount"] == money.line_amount(line["quantity"], line["unitPrice"])
    assert sales["total"] == client.get(order_url).json()["totals"]["total"] == line["amount"]


def test_hours_at_a_rate_in_another_currency_are_refused(client, tenant, order_url):
    rates_url = f"/v1/tenants/{tenant}/hourly-rates"
    dollars = client.post(rates_url, json={"name": "US labour", "price": 80, "currency": "USD"})
    uid = dollars.json()["hourlyRateUid"]
    body = assert_problem(_book(client, order_url, uid), 400, f"hourlyRateUid '{uid}'")
    assert "USD" in body["detail"] and "EUR" in body["detail"]
    euros = client.get(rates_url).json()["data"][0]
    entry = _book(client, order_url, euros["hourlyRateUid"]).json()
    moved = client.put(f"{order_url}/hours/{entry['hoursUid']}", json={"hourlyRateUid": uid})
    assert_problem(moved, 400, "priced in USD")
    assert client.get(f"{order_url}/hours/{entry['hoursUid']}").json() == entry
    assert client.get(order_url).json()["totals"] == {
        "items": 0.0,
        "hours": entry["amount"],
        "total": entry["amount"],
        "currency": "EUR",
    }


def test_hours_errors(client, order_url):
    bad_rate = {"userId": "t", "date": "2026-01-05", "hours": 1, "hourlyRateUid": "nope"}
    assert_problem(client.post(f"{order_url}/hours", json=bad_rate), 400, "hourlyRateUid 'nope'")
    too_many = {"userId": "t", "date": "2026-01-05", "hours": 25}
    assert_problem(client.post(f"{order_url}/hours", json=too_many), 400)
    assert client.get(f"{order_url}/hours").json()["meta"]["totalItems"] == 0


def test_notifications_follow_create_state_change_and_visible_events(client, order_url):
    client.put(order_url, json={"state": "IN_PROGRESS"})
    client.put(order_url, json={"state": "IN_PROGRESS", "title": "same state"})
    client.post(
        f"{order_url}/events", json={"message": "Your part arrived", "visibleToCustomer": True}
    )
    client.post(f"{order_url}/events", json={"message": "internal"})
    data = client.get(f"{order_url}/notifications").json()["data"]
    assert len(data) == 3
    assert {n["channel"] for n in data} == {"EMAIL"} and {n["recipient"] for n in data} == {
        "anna@example.com"
    }
    assert "Your part arrived" in {n["message"] for n in data}


def test_sales_order_from_items_and_hours(client, order_url):
    client.post(f"{order_url}/items", json={"name": "Battery", "unitPrice": 49.9})
    address = {
        "name": "Anna Schmidt",
        "street": "Hauptstr. 1",
        "postalCode": "10115",
        "city": "Berlin",
        "countryCode": "DE",
    }
    created = client.post(
        f"{order_url}/sales-orders", json={"customerId": "C100", "orderAddress": address}
    )
    assert created.status_code == 201
    sales = created.json()
    assert sales["total"] == 49.9 and sales["lines"][0]["type"] == "ITEM"
    assert client.get(f"{order_url}/sales-orders").json()["data"] == [sales]
    assert_problem(
        client.post(f"{order_url}/sales-orders", json={"customerId": "C100"}), 400, "orderAddress"
    )


def test_unknown_order_under_children_is_404(client, tenant):
    base = f"{store_path(tenant)}/service-orders/missing"
    for path in ("events", "hours", "notifications", "sales-orders"):
        assert_problem(client.get(f"{base}/{path}"), 404, "missing")
    assert_problem(client.post(f"{base}/items", json={"name": "x"}), 404)
