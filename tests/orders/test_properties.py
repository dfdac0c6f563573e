"""Rules that hold for all inputs, checked with hypothesis (seeded, derandomized)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.kinds import HOURS
from servicestub.apis.orders.sales import create_sales_order
from servicestub.apis.orders.search import FILTER_FIELDS, ORDER_SORTS, criteria, filter_sets
from servicestub.apis.orders.tenant_setup import HOURLY_RATES, STATUSES
from servicestub.control import scenarios
from servicestub.core.errors import BadRequest
from servicestub.core.settings import Settings
from tests.orders.factories import any_type, fresh_store, order_scope, tenant_scope
from tests.orders.money_checks import assert_money_rules

PROPERTY = settings(max_examples=60, derandomize=True, deadline=None)

# -- workflow positions ---------------------------------------------------

status_op = st.one_of(
    st.tuples(st.just("create"), st.integers(1, 15)),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(1, 15)),
)


@PROPERTY
@given(st.lists(status_op, max_size=25))
def test_positions_stay_exactly_one_to_n_after_any_creates_and_moves(ops):
    orders, tenant, _store = fresh_store()
    for op in ops:
        if op[0] == "create":
            STATUSES.create(tenant_scope(orders, tenant), {"name": "s", "position": op[1]})
        else:
            uid = sorted(tenant.statuses)[op[1] % len(tenant.statuses)]
            STATUSES.update(tenant_scope(orders, tenant), uid, {"position": op[2]})
        positions = sorted(s["position"] for s in tenant.statuses.values())
        assert positions == list(range(1, len(tenant.statuses) + 1))


@PROPERTY
@given(st.integers(1, 12), st.integers(1, 30))
def test_moved_status_lands_at_requested_position_or_last(which, target):
    orders, tenant, _store = fresh_store()
    uid = sorted(tenant.statuses)[which % len(tenant.statuses)]
    STATUSES.update(tenant_scope(orders, tenant), uid, {"position": target})
    assert tenant.statuses[uid]["position"] == min(target, len(tenant.statuses))


# -- totals ---------------------------------------------------------------

money_value = st.decimals(min_value=0, max_value=5000, places=2).map(float)
item_body = st.fixed_dictionaries(
    {"name": st.just("Part"), "quantity": st.integers(1, 5), "unitPrice": money_value}
)
hours_body = st.fixed_dictionaries(
    {
        "userId": st.just("tech"),
        "date": st.just("2026-01-05"),
        "hours": st.sampled_from([0.25, 0.5, 1.0, 1.75, 2.5, 8.0]),
        "billable": st.booleans(),
        "rate": st.integers(0, 3),
    }
)
change = st.one_of(
    st.tuples(st.just("item"), item_body),
    st.tuples(st.just("hours"), hours_body),
    st.tuples(st.just("drop-item"), st.integers(0, 10)),
    st.tuples(st.just("drop-hours"), st.integers(0, 10)),
    st.tuples(st.just("toggle-billable"), st.integers(0, 10)),
)


@PROPERTY
@given(st.lists(change, max_size=20))
def test_totals_equal_the_sum_of_items_and_billable_hours(changes):
    orders, tenant, store = fresh_store()
    order = rules.create_order(
        orders, tenant, store, {"title": "t", "serviceTypeUid": any_type(tenant)}
    )
    bundle = store.bundle(order["serviceOrderUid"])
    rates = [None, *sorted(tenant.hourly_rates)]
    for kind, value in changes:
        if kind == "item":
            rules.add_item(orders, tenant, bundle, value)
        elif kind == "hours":
            body = {k: v for k, v in value.items() if k != "rate"}
            body["hourlyRateUid"] = rates[value["rate"] % len(rates)]
            HOURS.create(order_scope(orders, tenant, bundle), body)
        elif kind == "drop-item" and order["items"]:
            rules.delete_item(
                orders, tenant, bundle, order["items"][value % len(order["items"])]["itemUid"]
            )
        elif kind in ("drop-hours", "toggle-billable") and bundle.hours:
            uid = sorted(bundle.hours)[value % len(bundle.hours)]
            if kind == "drop-hours":
                HOURS.delete(order_scope(orders, tenant, bundle), uid)
            else:
                flipped = not bundle.hours[uid]["billable"]
                HOURS.update(order_scope(orders, tenant, bundle), uid, {"billable": flipped})
    items = sum(round(i["quantity"] * i["unitPrice"] * 100) for i in order["items"])
    hours = 0
    for entry in bundle.hours.values():
        rate = tenant.hourly_rates.get(entry["hourlyRateUid"] or "")
        if entry["billable"] and rate:
            hours += round(entry["hours"] * rate["price"] * 100)
    totals = order["totals"]
    assert round(totals["items"] * 100) == items
    assert round(totals["hours"] * 100) == hours
    assert round(totals["total"] * 100) == items + hours


# -- paging and search over seeded data (the store's indexed paths) --------

_SEEDED = {}


def _seeded():
    if not _SEEDED:
        orders, tenant, store = fresh_store(seed=3, orders_per_store=60)
        for uid in sorted(store.orders)[:5]:  # some edits, so indexes see updates
            bundle = store.bundle(uid)
            rules.update_order(orders, tenant, bundle, {"state": "WAITING", "priority": "URGENT"})
            rules.add_item(orders, tenant, bundle, {"name": "Part", "unitPrice": 5})
        rules.delete_order(store, sorted(store.orders)[-1])
        _SEEDED["store"] = store
    store = _SEEDED["store"]
    return store, [b.order for b in store.orders.values()]


filter_values = st.fixed_dictionaries(
    {},
    optional={
        "states": st.lists(
            st.sampled_from(["NEW", "IN_PROGRESS", "WAITING", "DONE", "CLOSED"]), max_size=3
        ),
        "priorities": st.lists(
            st.sampled_from(["NONE", "LOW", "NORMAL", "HIGH", "URGENT"]), max_size=3
        ),
    },
)


@PROPERTY
@given(
    st.integers(1, 25),
    st.sampled_from(sorted(ORDER_SORTS)),
    st.sampled_from(["ASC", "DESC"]),
    filter_values,
)
def test_pages_partition_the_selection_for_any_page_size_sort_and_filter(
    per_page, sort, order, filters
):
    store, records = _seeded()
    selected = [
        r
        for r in records
        if all(not values or r[FILTER_FIELDS[name]] in values for name, values in filters.items())
    ]
    seen, page = [], 1
    while True:
        data, total = store.query(
            filter_sets(filters),
            sort=sort,
            descending=order == "DESC",
            page=page,
            per_page=per_page,
        )
        assert total == len(selected)
        if not data:
            break
        seen.extend(data)
        page += 1
    assert sorted(r["serviceOrderUid"] for r in seen) == sorted(
        r["serviceOrderUid"] for r in selected
    )
    keys = [
        (ORDER_SORTS[sort](r) is None, ORDER_SORTS[sort](r), r["serviceOrderUid"]) for r in seen
    ]
    assert keys == sorted(keys, reverse=order == "DESC")


def test_large_selections_walk_the_index_in_order(monkeypatch):
    from servicestub.engine import index as order_index

    monkeypatch.setattr(order_index, "SORT_CANDIDATES_BELOW", 0)
    store, records = _seeded()
    data, total = store.query(
        filter_sets({"states": ["CLOSED", "DONE"]}),
        sort="createdAt",
        descending=True,
        page=2,
        per_page=5,
    )
    expected = sorted(
        (r for r in records if r["state"] in ("CLOSED", "DONE")),
        key=lambda r: (r["createdAt"], r["serviceOrderUid"]),
        reverse=True,
    )
    assert total == len(expected) and data == expected[5:10]


text_fragment = st.text(alphabet="aeinorstlmSO-1023", min_size=1, max_size=3)


@PROPERTY
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "query": text_fragment,
            "customer": st.fixed_dictionaries(
                {}, optional={"name": text_fragment, "email": text_fragment}
            ),
            "service": st.fixed_dictionaries(
                {}, optional={"title": text_fragment, "serviceNumber": text_fragment}
            ),
            "states": st.lists(
                st.sampled_from(["NEW", "IN_PROGRESS", "DONE", "CLOSED"]), max_size=2
            ),
            "priorities": st.lists(st.sampled_from(["NONE", "LOW", "HIGH", "URGENT"]), max_size=2),
            "createdFrom": st.dates().map(lambda d: d.replace(year=2025)).map(str),
            "createdTo": st.dates().map(lambda d: d.replace(year=2026)).map(str),
        },
    )
)
def test_search_selects_exactly_what_a_naive_oracle_selects(body):
    store, records = _seeded()
    filters = filter_sets({name: body.get(name) for name in FILTER_FIELDS})
    data, total = store.query(
        filters, criteria(body), sort="serviceOrderUid", descending=False, page=1, per_page=1000
    )
    expected = sorted(r["serviceOrderUid"] for r in records if _oracle(body, r))
    assert [r["serviceOrderUid"] for r in data] == expected and total == len(expected)


def _has(value, needle):
    return value is not None and needle.lower() in value.lower()


def _oracle(body, r):
    customer = r["customer"] or {}
    if body.get("query"):
        q = body["query"]
        texts = [
            customer.get("name"),
            customer.get("email"),
            customer.get("phone"),
            r["serviceNumber"],
            r["title"],
        ]
        if not any(_has(t, q) for t in texts):
            return False
    else:
        for field, needle in (body.get("customer") or {}).items():
            if needle and not _has(customer.get(field), needle):
                return False
        for field, needle in (body.get("service") or {}).items():
            if needle and not _has(r[field], needle):
                return False
    if body.get("states") and r["state"] not in body["states"]:
        return False
    if body.get("priorities") and r["priority"] not in body["priorities"]:
        return False
    day = r["createdAt"][:10]
    if body.get("createdFrom") and day < body["createdFrom"]:
        return False
    return not (body.get("createdTo") and day > body["createdTo"])


# -- money: any sequence of item, hours, rate and sales order operations ------

_CURRENCIES = ("EUR", "USD")
_index = st.integers(0, 10)
_hours_value = st.sampled_from([0.25, 0.3, 0.333, 0.5, 1.0, 1.75, 2.5, 7.77, 24.0])
_rate_price = st.decimals(min_value=0, max_value=1000, places=2).map(float)
_hours_edit = st.fixed_dictionaries(
    {},
    optional={
        "hours": _hours_value,
        "rate": _index,
        "description": st.sampled_from(["", "re-worded", None]),
        "billable": st.booleans(),
    },
)
money_op = st.one_of(
    st.tuples(st.just("item"), item_body),
    st.tuples(
        st.just("edit-item"),
        _index,
        st.fixed_dictionaries(
            {}, optional={"quantity": st.integers(1, 5), "unitPrice": money_value}
        ),
    ),
    st.tuples(st.just("drop-item"), _index),
    st.tuples(st.just("hours"), _hours_value, _index, st.booleans()),
    st.tuples(st.just("edit-hours"), _index, _hours_edit),
    st.tuples(st.just("drop-hours"), _index),
    st.tuples(st.just("rate-price"), _index, _rate_price),
    st.tuples(st.just("rate-currency"), _index, st.sampled_from(_CURRENCIES)),
    st.tuples(st.just("sales"), st.just(None)),
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(money_op, min_size=3, max_size=30))
def test_money_follows_one_set_of_rules_over_any_sequence_of_operations(ops):
    orders, tenant, store = fresh_store()
    HOURLY_RATES.create(
        tenant_scope(orders, tenant), {"name": "US", "price": 80, "currency": "USD"}
    )
    order = rules.create_order(
        orders, tenant, store, {"title": "t", "serviceTypeUid": any_type(tenant)}
    )
    bundle = store.bundle(order["serviceOrderUid"])
    rate_uids = sorted(tenant.hourly_rates)
    #: the model: hours uid -> (price it must be booked at, currency of that price)
    booked: dict[str, tuple[float, str]] = {}

    def pick(index: int, records: list[Any]) -> Any:
        return records[index % len(records)]

    def expect_booking(uid: str | None, body: dict[str, Any]) -> tuple[float, str] | None:
        """What booking ``body`` must give: the (price, currency) the entry ends up
        at, or None when it must be refused."""
        before = bundle.hours.get(uid) if uid else None
        merged = (before or {}) | body
        rate_uid = merged.get("hourlyRateUid") or None
        if before is not None and all(merged[f] == before[f] for f in ("hours", "hourlyRateUid")):
            return booked[uid]
        rate = tenant.hourly_rates.get(rate_uid) if rate_uid else None
        if rate is None:
            return (0.0, tenant.currency)
        return None if rate["currency"] != tenant.currency else (rate["price"], rate["currency"])

    def attempt(uid: str | None, body: dict[str, Any]) -> None:
        expected = expect_booking(uid, body)
        state = copy.deepcopy((bundle.order, bundle.hours))
        try:
            if uid is None:
                uid = HOURS.create(order_scope(orders, tenant, bundle), body)["hoursUid"]
            else:
                HOURS.update(order_scope(orders, tenant, bundle), uid, body)
        except BadRequest as refused:
            assert expected is None, refused
            assert "is priced in USD" in str(refused) and "is in EUR" in str(refused)
            assert (bundle.order, bundle.hours) == state  # a failed write changes nothing
            return
        assert expected is not None, "a rate in another currency was booked"
        booked[uid] = expected

    for rate_uid in rate_uids:  # one entry per rate to start with (the USD one is refused)
        attempt(
            None, {"userId": "tech", "date": "2026-01-05", "hours": 0.3, "hourlyRateUid": rate_uid}
        )
    for op in ops:
        kind = op[0]
        if kind == "item":
            rules.add_item(orders, tenant, bundle, op[1])
        elif kind in ("edit-item", "drop-item") and order["items"]:
            item_uid = pick(op[1], order["items"])["itemUid"]
            if kind == "edit-item":
                rules.update_item(orders, tenant, bundle, item_uid, op[2])
            else:
                rules.delete_item(orders, tenant, bundle, item_uid)
        elif kind == "hours":
            rate = pick(op[2], [None, *rate_uids])
            body = {"userId": "tech", "date": "2026-01-05", "hours": op[1], "billable": op[3]}
            attempt(None, body | {"hourlyRateUid": rate})
        elif kind in ("edit-hours", "drop-hours") and bundle.hours:
            uid = pick(op[1], sorted(bundle.hours))
            if kind == "drop-hours":
                HOURS.delete(order_scope(orders, tenant, bundle), uid)
                del booked[uid]
            else:
                body = {k: v for k, v in op[2].items() if k != "rate"}
                if "rate" in op[2]:
                    body["hourlyRateUid"] = pick(op[2]["rate"], ["", *rate_uids])
                attempt(uid, body)
        elif kind in ("rate-price", "rate-currency"):
            field = "price" if kind == "rate-price" else "currency"
            rate_uid = pick(op[1], rate_uids)
            HOURLY_RATES.update(tenant_scope(orders, tenant), rate_uid, {field: op[2]})
        elif kind == "sales":
            create_sales_order(
                orders,
                tenant,
                store,
                bundle,
                {
                    "customerId": "C1",
                    "orderAddress": {
                        "name": "A",
                        "street": "S 1",
                        "postalCode": "1",
                        "city": "B",
                        "countryCode": "DE",
                    },
                },
            )

        assert_money_rules(bundle, tenant.currency)
        for uid, entry in bundle.hours.items():
            price, currency = booked[uid]  # as the model says it was booked
            assert entry["unitPrice"] == price and currency == tenant.currency


def test_seeded_and_scenario_orders_obey_the_money_rules():
    _orders, tenant, store = fresh_store(seed=11, orders_per_store=150)
    bundles = [store.bundle(uid) for uid in store.orders]
    assert any(b.sales_orders for b in bundles) and any(b.hours for b in bundles)
    for bundle in bundles:
        assert_money_rules(bundle, tenant.currency)
    for name in ("busy-store", "overdue-and-urgent"):
        _seed, built, _catalogue = scenarios.build(
            scenarios.FIXTURES_DIR / f"{name}.yaml", Settings(), 42
        )
        for scenario_tenant in built.tenants():
            for scenario_store in scenario_tenant.stores.values():
                for uid in scenario_store.orders:
                    assert_money_rules(scenario_store.bundle(uid), scenario_tenant.currency)
