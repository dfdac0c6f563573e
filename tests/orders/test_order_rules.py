"""Rules of orders, items, hours and notifications, without HTTP."""

import pytest

from servicestub.apis.orders import money
from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.kinds import EVENTS, HOURS
from servicestub.apis.orders.sales import create_sales_order
from servicestub.apis.orders.tenant_setup import HOURLY_RATES
from servicestub.core.errors import BadRequest, NotFound
from tests.orders.factories import any_rate, any_type, fresh_store, order_scope, tenant_scope
from tests.orders.money_checks import assert_money_rules


def _order(orders, tenant, store, **fields):
    body = {"title": "iPhone 13 — cracked screen", "serviceTypeUid": any_type(tenant)} | fields
    return rules.create_order(orders, tenant, store, body)


def test_create_numbers_orders_per_store_and_defaults_fields():
    orders, tenant, store = fresh_store()
    first = _order(orders, tenant, store)
    second = _order(orders, tenant, store)
    assert (first["serviceNumber"], second["serviceNumber"]) == ("SO-10001", "SO-10002")
    assert first["state"] == "NEW" and first["priority"] == "NONE"
    assert first["statusUid"] == tenant.first_status_uid()
    assert first["createdFromStoreId"] == "north"
    assert first["totals"] == {"items": 0.0, "hours": 0.0, "total": 0.0, "currency": "EUR"}


def test_unknown_service_type_is_refused_and_nothing_is_created():
    orders, tenant, store = fresh_store()
    with pytest.raises(BadRequest, match="serviceTypeUid 'nope' is not a service type"):
        rules.create_order(orders, tenant, store, {"title": "x", "serviceTypeUid": "nope"})
    assert store.orders == {} and store.next_number == 10001


def test_impossible_due_date_is_refused():
    orders, tenant, store = fresh_store()
    with pytest.raises(BadRequest, match="dueDate '2026-02-30' is not a valid date"):
        _order(orders, tenant, store, dueDate="2026-02-30")


def test_update_replaces_present_fields_and_keeps_absent_ones():
    orders, tenant, store = fresh_store()
    order = _order(orders, tenant, store, description="old", priority="HIGH")
    rules.update_order(
        orders, tenant, store.bundle(order["serviceOrderUid"]), {"description": "new"}
    )
    assert order["description"] == "new" and order["priority"] == "HIGH"


def test_totals_follow_items_and_billable_hours():
    orders, tenant, store = fresh_store()
    order = _order(orders, tenant, store)
    bundle = store.bundle(order["serviceOrderUid"])
    item = rules.add_item(
        orders, tenant, bundle, {"name": "Display", "quantity": 2, "unitPrice": 89.95}
    )
    rate = tenant.hourly_rates[any_rate(tenant)]
    hours = HOURS.create(
        order_scope(orders, tenant, bundle),
        {
            "userId": "tech",
            "date": "2026-01-02",
            "hours": 1.5,
            "hourlyRateUid": rate["hourlyRateUid"],
        },
    )
    assert hours["amount"] == round(1.5 * rate["price"], 2)
    HOURS.create(
        order_scope(orders, tenant, bundle),
        {
            "userId": "tech",
            "date": "2026-01-02",
            "hours": 2,
            "billable": False,
            "hourlyRateUid": rate["hourlyRateUid"],
        },
    )
    assert order["totals"]["items"] == 179.9
    assert order["totals"]["hours"] == hours["amount"]
    assert order["totals"]["total"] == round(179.9 + hours["amount"], 2)
    rules.delete_item(orders, tenant, bundle, item["itemUid"])
    assert order["totals"]["items"] == 0.0


def test_hours_without_rate_are_worth_nothing_and_unknown_rate_is_refused():
    orders, tenant, store = fresh_store()
    bundle = store.bundle(_order(orders, tenant, store)["serviceOrderUid"])
    entry = HOURS.create(
        order_scope(orders, tenant, bundle), {"userId": "t", "date": "2026-01-02", "hours": 3}
    )
    assert entry["amount"] == 0.0
    with pytest.raises(BadRequest, match="hourlyRateUid 'nope'"):
        HOURS.update(
            order_scope(orders, tenant, bundle), entry["hoursUid"], {"hourlyRateUid": "nope"}
        )
    assert entry["hourlyRateUid"] is None


def test_notification_on_create_goes_by_email_else_sms_else_none():
    orders, tenant, store = fresh_store()
    by_mail = _order(
        orders, tenant, store, customer={"name": "Anna", "email": "a@example.com", "phone": "+49 1"}
    )
    by_sms = _order(orders, tenant, store, customer={"name": "Jo", "phone": "+49 2"})
    silent = _order(orders, tenant, store, customer={"name": "Kim"})
    channels = [
        [
            (n["channel"], n["recipient"])
            for n in store.bundle(o["serviceOrderUid"]).notifications.values()
        ]
        for o in (by_mail, by_sms, silent)
    ]
    assert channels == [[("EMAIL", "a@example.com")], [("SMS", "+49 2")], []]


def test_one_notification_per_state_or_status_change_and_none_for_other_edits():
    orders, tenant, store = fresh_store()
    order = _order(orders, tenant, store, customer={"name": "Anna", "email": "a@example.com"})
    bundle = store.bundle(order["serviceOrderUid"])
    second_status = sorted(tenant.statuses.values(), key=lambda s: s["position"])[1]["statusUid"]
    rules.update_order(orders, tenant, bundle, {"state": "NEW", "title": "renamed"})
    assert len(bundle.notifications) == 1
    rules.update_order(orders, tenant, bundle, {"state": "IN_PROGRESS", "statusUid": second_status})
    assert len(bundle.notifications) == 2
    rules.update_order(orders, tenant, bundle, {"statusUid": second_status})
    assert len(bundle.notifications) == 2


def test_visible_event_notifies_and_internal_event_does_not():
    orders, tenant, store = fresh_store()
    order = _order(orders, tenant, store, customer={"name": "Anna", "email": "a@example.com"})
    bundle = store.bundle(order["serviceOrderUid"])
    EVENTS.create(order_scope(orders, tenant, bundle), {"message": "internal note"})
    EVENTS.create(
        order_scope(orders, tenant, bundle), {"message": "Ready!", "visibleToCustomer": True}
    )
    messages = [n["message"] for n in bundle.notifications.values()]
    assert len(messages) == 2 and messages[-1] == "Ready!"


def test_sales_order_is_built_from_items_and_billable_hours():
    orders, tenant, store = fresh_store()
    order = _order(orders, tenant, store)
    bundle = store.bundle(order["serviceOrderUid"])
    rules.add_item(orders, tenant, bundle, {"name": "Battery", "unitPrice": 49.9})
    HOURS.create(
        order_scope(orders, tenant, bundle),
        {"userId": "t", "date": "2026-01-02", "hours": 1, "hourlyRateUid": any_rate(tenant)},
    )
    HOURS.create(
        order_scope(orders, tenant, bundle),
        {"userId": "t", "date": "2026-01-03", "hours": 1, "billable": False},
    )
    address = {
        "name": "Anna",
        "street": "Hauptstr. 1",
        "postalCode": "10115",
        "city": "Berlin",
        "countryCode": "DE",
    }
    sales = create_sales_order(
        orders, tenant, store, bundle, {"customerId": "C1", "orderAddress": address}
    )
    assert [line["type"] for line in sales["lines"]] == ["ITEM", "HOURS"]
    assert sales["total"] == order["totals"]["total"]
    assert sum(line["amount"] for line in sales["lines"]) == pytest.approx(sales["total"])


def test_delete_order_takes_everything_under_it():
    orders, tenant, store = fresh_store()
    order = _order(orders, tenant, store)
    rules.delete_order(store, order["serviceOrderUid"])
    with pytest.raises(NotFound):
        store.bundle(order["serviceOrderUid"])
    with pytest.raises(NotFound, match="does not exist in store 'north'"):
        rules.delete_order(store, order["serviceOrderUid"])


# -- money: an hours entry keeps the price it was booked at ------------------

_ADDRESS = {
    "name": "Anna",
    "street": "Hauptstr. 1",
    "postalCode": "10115",
    "city": "Berlin",
    "countryCode": "DE",
}


def _booked(orders, tenant, store, *, hours=1.5, **fields):
    """An order with one billable hours entry at a rate; (bundle, entry, rate)."""
    bundle = store.bundle(_order(orders, tenant, store)["serviceOrderUid"])
    rate = tenant.hourly_rates[any_rate(tenant)]
    body = {
        "userId": "t",
        "date": "2026-01-02",
        "hours": hours,
        "hourlyRateUid": rate["hourlyRateUid"],
    }
    entry = HOURS.create(order_scope(orders, tenant, bundle), body | fields)
    return bundle, entry, rate


def _set_rate(orders, tenant, rate, **changes):
    HOURLY_RATES.update(tenant_scope(orders, tenant), rate["hourlyRateUid"], changes)


def test_hours_keep_their_booked_price_when_only_description_or_billable_change():
    orders, tenant, store = fresh_store()
    bundle, entry, rate = _booked(orders, tenant, store)
    booked = rate["price"]
    assert entry["unitPrice"] == booked and entry["amount"] == money.line_amount(1.5, booked)
    _set_rate(orders, tenant, rate, price=booked + 10)
    for change in ({"description": "re-worded"}, {"billable": False}, {"billable": True}):
        HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], change)
        assert entry["unitPrice"] == booked
        assert entry["amount"] == money.line_amount(1.5, booked)
    # sending the same hours and rate again is no change either
    same = {"hours": 1.5, "hourlyRateUid": rate["hourlyRateUid"]}
    HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], same)
    assert entry["unitPrice"] == booked
    assert bundle.order["totals"]["hours"] == entry["amount"]


def test_hours_are_priced_again_when_their_hours_or_rate_change():
    orders, tenant, store = fresh_store()
    bundle, entry, rate = _booked(orders, tenant, store)
    _set_rate(orders, tenant, rate, price=100.0)
    HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"hours": 2})
    assert entry["unitPrice"] == 100.0 and entry["amount"] == 200.0
    other = sorted(tenant.hourly_rates)[1]
    HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"hourlyRateUid": other})
    assert entry["unitPrice"] == tenant.hourly_rates[other]["price"]
    HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"hourlyRateUid": ""})
    assert entry["unitPrice"] == 0.0 and entry["amount"] == 0.0
    assert bundle.order["totals"]["hours"] == 0.0


def test_hours_at_a_rate_in_another_currency_are_refused_and_nothing_changes():
    orders, tenant, store = fresh_store()
    bundle, entry, _rate = _booked(orders, tenant, store)
    dollars = HOURLY_RATES.create(
        tenant_scope(orders, tenant), {"name": "US labour", "price": 80, "currency": "USD"}
    )
    uid = dollars["hourlyRateUid"]
    before = (dict(entry), dict(bundle.order["totals"]), len(bundle.hours))
    body = {"userId": "t", "date": "2026-01-02", "hours": 1, "hourlyRateUid": uid}
    expected = rf"hourlyRateUid '{uid}' \(US labour\) is priced in USD, .* is in EUR"
    with pytest.raises(BadRequest, match=expected):
        HOURS.create(order_scope(orders, tenant, bundle), body)
    with pytest.raises(BadRequest, match=expected):
        HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"hourlyRateUid": uid})
    assert (entry, bundle.order["totals"], len(bundle.hours)) == before


def test_a_rates_currency_change_leaves_booked_hours_alone_and_refuses_repricing():
    orders, tenant, store = fresh_store()
    bundle, entry, rate = _booked(orders, tenant, store)
    booked = dict(entry)
    _set_rate(orders, tenant, rate, currency="GBP", price=1.0)
    HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"description": "x"})
    assert (entry["unitPrice"], entry["amount"]) == (booked["unitPrice"], booked["amount"])
    assert bundle.order["totals"]["currency"] == "EUR"
    with pytest.raises(BadRequest, match="is priced in GBP"):
        HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"hours": 3})
    assert entry["hours"] == 1.5 and entry["amount"] == booked["amount"]


def test_sales_order_hours_lines_are_priced_as_booked_so_every_line_multiplies_out():
    orders, tenant, store = fresh_store()
    bundle, entry, rate = _booked(orders, tenant, store, hours=0.25)
    rules.add_item(orders, tenant, bundle, {"name": "Battery", "quantity": 3, "unitPrice": 19.99})
    booked = rate["price"]
    _set_rate(orders, tenant, rate, price=booked * 3 + 0.01)
    HOURS.update(order_scope(orders, tenant, bundle), entry["hoursUid"], {"description": "y"})
    sales = create_sales_order(
        orders, tenant, store, bundle, {"customerId": "C1", "orderAddress": _ADDRESS}
    )
    hours_line = next(line for line in sales["lines"] if line["type"] == "HOURS")
    assert hours_line["unitPrice"] == booked and hours_line["amount"] == entry["amount"]
    for line in sales["lines"]:
        assert line["amount"] == money.line_amount(line["quantity"], line["unitPrice"])
    assert money.total(line["amount"] for line in sales["lines"]) == sales["total"]
    assert sales["currency"] == bundle.order["totals"]["currency"]


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [
        (0.25, 65.9, 16.48),
        (1.5, 49.0, 73.5),
        (0.333, 10.0, 3.33),
        (3, 19.99, 59.97),
        (0.5, 0.01, 0.01),
    ],
)
def test_a_line_amount_is_quantity_times_price_rounded_half_up_to_cents(quantity, price, amount):
    assert money.line_amount(quantity, price) == amount


def test_hours_price_is_zero_without_a_rate_and_refuses_a_foreign_rate():
    assert money.hours_price(None, "EUR") == 0.0
    assert money.hours_price({"price": 12.5, "currency": "EUR"}, "EUR") == 12.5
    with pytest.raises(money.CurrencyMismatch):
        money.hours_price({"name": "x", "price": 12.5, "currency": "USD"}, "EUR")


@pytest.mark.parametrize("moved", [1, "all"])
def test_a_store_seeded_after_rates_moved_currency_books_only_rates_in_the_tenants(moved):
    orders, tenant, _store = fresh_store(orders_per_store=40)
    for uid in sorted(tenant.hourly_rates)[: None if moved == "all" else moved]:
        _set_rate(orders, tenant, tenant.hourly_rates[uid], currency="AAA")
    _tenant, store = orders.store("acme", "south")
    bundles = [store.bundle(uid) for uid in store.orders]
    assert any(bundle.hours for bundle in bundles)
    for bundle in bundles:
        assert_money_rules(bundle, "EUR")
        for entry in bundle.hours.values():
            rate = tenant.hourly_rates.get(entry["hourlyRateUid"] or "")
            assert rate is None or rate["currency"] == "EUR"
