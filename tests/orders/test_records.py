"""Every Service Orders record is built by one builder (apis/orders/records.py),
whoever makes it: the create rules, seeding and scenarios (no HTTP)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.apis.orders import money, records
from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.notifications import change_text, notify, received_text
from servicestub.apis.orders.seeding import orders_store, uuid4_text
from servicestub.apis.orders.state import OrdersStore, Store, Tenant
from servicestub.apis.orders.vocabulary import STATE_LABELS, STATES
from servicestub.core.settings import Settings
from tests.orders.factories import any_type, fresh_store

SHAPES = [
    records.SERVICE_TYPE,
    records.STATUS,
    records.HOURLY_RATE,
    records.ITEM,
    records.EVENT,
    records.HOURS,
    records.NOTIFICATION,
]
_values = st.one_of(st.none(), st.booleans(), st.integers(0, 50), st.text(max_size=5))


def _numbers_where_derived(shape: records.Shape, given: dict[str, Any]) -> dict[str, Any]:
    """Derived fields are computed from numbers: give them numbers."""
    for field in ("price", "unitPrice", "hours"):
        if field in shape.fields:
            given[field] = 1.5
    return given


@settings(derandomize=True, max_examples=80)
@given(st.sampled_from(SHAPES), st.data())
def test_a_shape_builds_its_fields_in_order_with_defaults(shape: records.Shape, data: Any):
    present = data.draw(st.sets(st.sampled_from(list(shape.fields))))
    required = {f for f, default in shape.fields.items() if default is records.REQUIRED}
    given_ = _numbers_where_derived(shape, {f: data.draw(_values) for f in present})
    if not required <= given_.keys():
        with pytest.raises(KeyError):
            shape.build("uid-1", given_)
        return
    record = shape.build("uid-1", {**given_, "notAField": 1})
    assert list(record) == [shape.key, *shape.fields]
    assert record[shape.key] == "uid-1"
    for field, default in shape.fields.items():
        if field in ("price", "unitPrice", "amount"):
            continue  # derived (checked below)
        assert record[field] == given_.get(field, default)


def test_derived_fields_follow_the_money_rules():
    rate = records.HOURLY_RATE.build("r", {"name": "x", "price": 10.005, "currency": "EUR"})
    assert rate["price"] == money.cents(10.005) == 10.01
    item = records.ITEM.build("i", {"name": "x", "unitPrice": 2.345})
    assert item["unitPrice"] == 2.35 and item["quantity"] == 1
    entry = records.HOURS.build(
        "h",
        {"userId": "u", "date": "2026-01-01", "hours": 1.5, "unitPrice": 33.33, "createdAt": ""},
    )
    assert entry["amount"] == money.line_amount(1.5, 33.33)


_item_inputs = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=8)},
    optional={
        "articleNumber": st.one_of(st.none(), st.text(min_size=1, max_size=6)),
        "quantity": st.integers(1, 9),
        "unitPrice": st.decimals(0, 999, places=3).map(float),
        "serialNumber": st.one_of(st.none(), st.text(min_size=1, max_size=6)),
        "comment": st.one_of(st.none(), st.text(min_size=1, max_size=6)),
    },
)


@settings(derandomize=True, max_examples=50)
@given(_item_inputs)
def test_an_item_added_by_a_client_is_the_item_a_scenario_builds(body: dict[str, Any]):
    orders, tenant, store = fresh_store()
    order = rules.create_order(
        orders, tenant, store, {"title": "t", "serviceTypeUid": any_type(tenant)}
    )
    added = rules.add_item(orders, tenant, store.bundle(order["serviceOrderUid"]), body)
    assert added == records.ITEM.build(added["itemUid"], body)


def _seeded(count: int = 40) -> tuple[OrdersStore, Tenant, Store]:
    orders = orders_store(Settings(orders_per_store=count), 11)
    tenant, store = orders.store("acme", "north")
    return orders, tenant, store


def test_seeded_notifications_say_what_the_rules_say():
    _orders, _tenant, store = _seeded()
    said = 0
    for bundle in store.orders.values():
        order = bundle.order
        messages = [n["message"] for n in bundle.notifications.values()]
        if not messages:
            continue
        assert received_text(order["serviceNumber"], order["title"]) in messages
        if order["state"] != "NEW":
            assert change_text(order["serviceNumber"], state=order["state"]) in messages
        said += 1
    assert said > 10


@pytest.mark.parametrize("state", STATES)
def test_a_change_text_names_state_and_status(state: str):
    both = change_text("SO-1", state=state, status="Bench")
    assert (
        both == f"Your service order SO-1 is now {STATE_LABELS[state]} and has the status 'Bench'."
    )
    assert change_text("SO-1", status="Bench") == "Your service order SO-1 has the status 'Bench'."


def test_a_created_order_is_shaped_like_a_seeded_one_and_is_told_so():
    orders, tenant, store = _seeded()
    seeded = next(iter(store.orders.values())).order
    created = rules.create_order(
        orders,
        tenant,
        store,
        {
            "title": "t",
            "serviceTypeUid": any_type(tenant),
            "customer": {"name": "N", "email": "e@x"},
        },
    )
    assert list(created) == list(seeded)
    bundle = store.bundle(created["serviceOrderUid"])
    assert [n["message"] for n in bundle.notifications.values()] == [
        received_text(created["serviceNumber"], "t")
    ]
    note = notify(orders, bundle, "m")
    assert note is not None
    assert list(note) == [records.NOTIFICATION.key, *records.NOTIFICATION.fields]


@settings(derandomize=True, max_examples=200)
@given(st.integers(0, 2**128 - 1))
def test_seeding_and_scenarios_write_the_uuid4_of_their_bits(bits: int):
    assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
