"""A store's orders are listed and searched from its indexes exactly as a plain scan of
its orders answers, after the writes of the orders rules (create, update, items, delete)
made once the indexes were built, and after the store is restored from a snapshot."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.search import FILTER_FIELDS, ORDER_INDEX, criteria, filter_sets
from servicestub.apis.orders.seeding import orders_store
from servicestub.apis.orders.snapshot import restore, to_snapshot
from servicestub.apis.orders.state import Store
from servicestub.apis.orders.vocabulary import PRIORITIES, STATES
from servicestub.core.settings import Settings
from tests.engine.test_scale_index import scan
from tests.orders.factories import any_type, fresh_store

text = st.text(alphabet="aenrSO-10", min_size=1, max_size=4)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "query": text,
        "customer": st.fixed_dictionaries({}, optional={"name": text, "email": text}),
        "service": st.fixed_dictionaries({}, optional={"title": text}),
        "states": st.lists(st.sampled_from(STATES), max_size=2),
        "priorities": st.lists(st.sampled_from(PRIORITIES), max_size=2),
        "createdFrom": st.sampled_from(["2025-06-01", "2026-01-01"]),
    },
)
changes = st.fixed_dictionaries(
    {},
    optional={
        "state": st.sampled_from(STATES),
        "priority": st.sampled_from(PRIORITIES),
        "title": st.text(alphabet="Anna ern", min_size=1, max_size=12),
        "customer": st.builds(lambda name: {"name": name}, st.sampled_from(["Anna", "Ernst"])),
    },
)
write = st.one_of(
    st.tuples(st.just("create"), changes),
    st.tuples(st.just("update"), st.integers(0, 999), changes),
    st.tuples(st.just("item"), st.integers(0, 999)),
    st.tuples(st.just("delete"), st.integers(0, 999)),
)


def _agrees(store: Store, body: dict[str, Any], sort: str, descending: bool, page: int) -> None:
    wanted = filter_sets({name: body.get(name) for name in FILTER_FIELDS})
    asked = criteria(body)
    data, total = store.query(
        wanted, asked, sort=sort, descending=descending, page=page, per_page=7
    )
    records = {uid: bundle.order for uid, bundle in store.orders.items()}
    expected, count = scan(
        records, ORDER_INDEX, wanted, asked, sort, descending, 7 * page - 7, 7 * page
    )
    assert ([r["serviceOrderUid"] for r in data], total) == (expected, count)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.lists(write, min_size=1, max_size=12),
    st.lists(
        st.tuples(
            bodies, st.sampled_from(sorted(ORDER_INDEX.sorts)), st.booleans(), st.integers(1, 4)
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_lists_and_searches_follow_writes_and_snapshots(
    writes: list[tuple[Any, ...]], queries: list[tuple[Any, ...]]
) -> None:
    orders, tenant, store = fresh_store(seed=5, orders_per_store=40)
    for body, sort, descending, page in queries:  # builds the indexes the queries use
        _agrees(store, body, sort, descending, page)
    for step in writes:
        uids = sorted(store.orders)
        if step[0] == "create":
            body = {"title": "New", "serviceTypeUid": any_type(tenant), **step[1]}
            rules.create_order(orders, tenant, store, body)
        elif not uids:
            continue
        elif step[0] == "update":
            rules.update_order(orders, tenant, store.bundle(uids[step[1] % len(uids)]), step[2])
        elif step[0] == "item":
            bundle = store.bundle(uids[step[1] % len(uids)])
            rules.add_item(orders, tenant, bundle, {"name": "Part", "quantity": 1, "unitPrice": 3})
        else:
            rules.delete_order(store, uids[step[1] % len(uids)])
    again = orders_store(Settings(seed=5, orders_per_store=40), 5)
    restore(again, to_snapshot(orders))
    _, restored = again.store("acme", "north")
    for body, sort, descending, page in queries:
        _agrees(store, body, sort, descending, page)
        _agrees(restored, body, sort, descending, page)
