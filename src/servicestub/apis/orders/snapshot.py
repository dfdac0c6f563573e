"""The Service Orders part of a state snapshot: what it holds, how it is restored,
how older versions of it are migrated, and what must hold across its records.

Only written tenants are in it: tenants that were only ever read are seeded again
from the snapshot's seed and reference time.

Its invariants (beyond the JSON Schema, which checks each field on its own):

* ids unique in their scope (tenants; a tenant's stores, service types, statuses
  and hourly rates; a store's orders; an order's items, events, hours,
  notifications and sales orders) and usable as a path segment;
* counters are high-water marks: ``idsIssued`` at least the count of every uid
  it issued, ``nextNumber`` / ``nextSalesNumber`` past every ``SO-`` / ``AO-``
  number of their store (numbers unique in it);
* every reference resolves: an order's service type and status, an hours
  entry's rate (or null);
* workflow positions exactly ``1..n``;
* an order's ``totals`` are what its items and billable hours add up to, and an
  hours entry's ``amount`` is its hours x ``unitPrice``;
* timestamps are UTC instants as the API writes them and dates real calendar days.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from servicestub.apis.orders import money
from servicestub.apis.orders.search import new_order_index
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.core.errors import json_text
from servicestub.core.shapes import Record
from servicestub.engine import snapshot as snap
from servicestub.engine.ids import UidCodec
from servicestub.engine.snapshot import Refused, Where

#: The collections under an order: snapshot key -> the records' uid field.
ORDER_CHILDREN = {
    "events": "eventUid",
    "hours": "hoursUid",
    "notifications": "notificationUid",
    "salesOrders": "salesOrderUid",
}
#: A tenant's set-up: snapshot key -> the records' uid field.
TENANT_SETUP = {
    "serviceTypes": "serviceTypeUid",
    "statuses": "statusUid",
    "hourlyRates": "hourlyRateUid",
}
NUMBERED = {"serviceNumber": re.compile(r"SO-(\d+)"), "orderNumber": re.compile(r"AO-(\d+)")}
_IDS_ISSUED = "orders.idsIssued"

# -- to and from a snapshot ---------------------------------------------------


def _store_data(store: Store) -> dict[str, Any]:
    return {
        "storeId": store.store_id,
        "nextNumber": store.next_number,
        "nextSalesNumber": store.next_sales_number,
        "orders": [
            {
                "order": bundle.order,
                "events": list(bundle.events.values()),
                "hours": list(bundle.hours.values()),
                "notifications": list(bundle.notifications.values()),
                "salesOrders": list(bundle.sales_orders.values()),
            }
            for bundle in store.orders.values()
        ],
    }


def _tenant_data(tenant: Tenant) -> dict[str, Any]:
    return {
        "tenantId": tenant.tenant_id,
        "currency": tenant.currency,
        "staff": tenant.staff,
        "serviceTypes": list(tenant.service_types.values()),
        "statuses": list(tenant.statuses.values()),
        "hourlyRates": list(tenant.hourly_rates.values()),
        "stores": [_store_data(store) for store in tenant.stores.values()],
    }


def to_snapshot(orders: OrdersStore) -> dict[str, Any]:
    """The written tenants of the Service Orders API, in a stable order."""
    written = sorted((t for t in orders.tenants() if t.dirty), key=lambda t: t.tenant_id)
    return {"idsIssued": orders.ids_issued, "tenants": [_tenant_data(t) for t in written]}


def _by(records: list[Record], key: str) -> dict[str, Record]:
    return {record[key]: record for record in records}


def restore(orders: OrdersStore, data: dict[str, Any]) -> None:
    """Load written tenants into an empty ``orders`` (raises KeyError/TypeError on
    bad data; the snapshot is checked before, see :func:`check`)."""
    orders.ids_issued = data["idsIssued"]
    for item in data["tenants"]:
        tenant = Tenant(
            tenant_id=item["tenantId"],
            currency=item["currency"],
            staff=list(item["staff"]),
            service_types=_by(item["serviceTypes"], "serviceTypeUid"),
            statuses=_by(item["statuses"], "statusUid"),
            hourly_rates=_by(item["hourlyRates"], "hourlyRateUid"),
            dirty=True,
        )
        for raw_store in item["stores"]:
            store = Store(
                tenant_id=tenant.tenant_id,
                store_id=raw_store["storeId"],
                index=new_order_index(),
                next_number=raw_store["nextNumber"],
                next_sales_number=raw_store["nextSalesNumber"],
            )
            for raw in raw_store["orders"]:
                order = raw["order"]
                order["publicHash"] = orders.hasher.seal(
                    tenant.tenant_id, store.store_id, order["serviceOrderUid"]
                )
                store.add(
                    OrderBundle(
                        order=order,
                        events=_by(raw["events"], "eventUid"),
                        hours=_by(raw["hours"], "hoursUid"),
                        notifications=_by(raw["notifications"], "notificationUid"),
                        sales_orders=_by(raw["salesOrders"], "salesOrderUid"),
                    )
                )
            tenant.stores[store.store_id] = store
        orders.adopt(tenant)


# -- migrations -----------------------------------------------------------------


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a list (nothing when it is not one): a migration step leaves
    whatever is not shaped as it expects for the checks to refuse."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def booked_prices(orders: Any) -> None:
    """Version 1 -> 2: give hours entries the ``unitPrice`` they were booked at:
    their rate's price when it still gives their ``amount`` (the usual case: the
    price did not change since), else ``amount / hours`` in cents (0 without hours)."""
    for tenant in _dicts(orders.get("tenants") if isinstance(orders, dict) else None):
        rates = {rate.get("hourlyRateUid"): rate for rate in _dicts(tenant.get("hourlyRates"))}
        for store in _dicts(tenant.get("stores")):
            for bundle in _dicts(store.get("orders")):
                for entry in _dicts(bundle.get("hours")):
                    if "unitPrice" in entry:
                        continue
                    amount: Any = entry.get("amount")
                    spent: Any = entry.get("hours")
                    if not all(type(v) in (int, float) for v in (amount, spent)):
                        continue
                    price: Any = (rates.get(entry.get("hourlyRateUid")) or {}).get("price")
                    if type(price) in (int, float) and money.line_amount(spent, price) == amount:
                        entry["unitPrice"] = price
                    else:
                        entry["unitPrice"] = money.cents(amount / spent) if spent else 0.0


# -- invariants -------------------------------------------------------------------


def names_at(path: Sequence[str | int], orders: Any) -> list[str]:
    """The tenant and store a path into the part ``orders`` lies in, to name them
    (``path`` starts at ``tenants``): what a person finds in their file."""
    names: list[str] = []
    if len(path) < 2 or path[0] != "tenants":
        return names
    try:
        tenant = orders["tenants"][path[1]]
        names.append(f"tenant '{tenant['tenantId']}'")
        if len(path) > 3 and path[2] == "stores":
            names.append(f"store '{tenant['stores'][path[3]]['storeId']}'")
    except (IndexError, KeyError, TypeError):
        pass
    return names


def check(orders: Record, seed: int, root: Where = ("orders",)) -> None:
    """Raise :class:`Refused` at the first broken invariant of the part ``orders``
    (schema-valid) of a snapshot with ``seed``; ``root`` is where the part lies."""
    codec = UidCodec(seed)
    ids_issued = orders["idsIssued"]
    tenants: Where = (*root, "tenants")
    snap.unique(orders["tenants"], "tenantId", tenants)
    for t_index, tenant in enumerate(orders["tenants"]):
        here: Where = (*tenants, t_index)
        setup = {}
        for key, uid_field in TENANT_SETUP.items():
            setup[key] = snap.unique(tenant[key], uid_field, (*here, key))
            for index, record in enumerate(tenant[key]):
                at = (*here, key, index, uid_field)
                snap.issued(codec, record[uid_field], ids_issued, _IDS_ISSUED, at)
        for index, record in enumerate(tenant["serviceTypes"]):
            snap.timestamp(record.get("createdAt"), (*here, "serviceTypes", index, "createdAt"))
        positions = sorted(status["position"] for status in tenant["statuses"])
        if positions != list(range(1, len(positions) + 1)):
            raise Refused(
                (*here, "statuses"),
                f"positions {positions} are not exactly 1..{len(positions)} "
                "(no gaps, no duplicates)",
            )
        snap.unique(tenant["stores"], "storeId", (*here, "stores"))
        for s_index, store in enumerate(tenant["stores"]):
            _check_store(tenant, setup, store, (*here, "stores", s_index), codec, ids_issued)


def _check_store(
    tenant: Record,
    setup: dict[str, dict[Any, Record]],
    store: Record,
    here: Where,
    codec: UidCodec,
    ids_issued: int,
) -> None:
    bundles = store["orders"]
    snap.unique([b["order"] for b in bundles], "serviceOrderUid", (*here, "orders"))
    service_numbers: dict[int, Where] = {}
    sales_numbers: dict[int, Where] = {}
    for o_index, bundle in enumerate(bundles):
        at: Where = (*here, "orders", o_index)
        order = bundle["order"]
        uid_at = (*at, "order", "serviceOrderUid")
        snap.issued(codec, order["serviceOrderUid"], ids_issued, _IDS_ISSUED, uid_at)
        _numbered(order, "serviceNumber", (*at, "order", "serviceNumber"), service_numbers)
        for field, table, listing in (
            ("serviceTypeUid", "serviceTypes", "service-types"),
            ("statusUid", "statuses", "service-statuses"),
        ):
            if order[field] not in setup[table]:
                raise Refused(
                    (*at, "order", field),
                    f"'{order[field]}' is not among the tenant's {table} "
                    f"(what GET /v1/tenants/{{tenantId}}/{listing} would list)",
                )
        for field in ("createdAt", "updatedAt"):
            snap.timestamp(order[field], (*at, "order", field))
        snap.day(order["dueDate"], (*at, "order", "dueDate"))
        snap.unique(order["items"], "itemUid", (*at, "order", "items"))
        for index, item in enumerate(order["items"]):
            item_at = (*at, "order", "items", index, "itemUid")
            snap.issued(codec, item["itemUid"], ids_issued, _IDS_ISSUED, item_at)
        for key, uid_field in ORDER_CHILDREN.items():
            snap.unique(bundle[key], uid_field, (*at, key))
            for index, record in enumerate(bundle[key]):
                child_at = (*at, key, index, uid_field)
                snap.issued(codec, record[uid_field], ids_issued, _IDS_ISSUED, child_at)
                snap.timestamp(record["createdAt"], (*at, key, index, "createdAt"))
        _check_hours(setup, bundle["hours"], (*at, "hours"))
        for index, sales in enumerate(bundle["salesOrders"]):
            number_at = (*at, "salesOrders", index, "orderNumber")
            _numbered(sales, "orderNumber", number_at, sales_numbers)
        billable = [entry["amount"] for entry in bundle["hours"] if entry["billable"]]
        expected = money.order_totals(tenant["currency"], order["items"], billable)
        if order["totals"] != expected:
            raise Refused(
                (*at, "order", "totals"),
                f"{orjson.dumps(order['totals']).decode()} is not what the order's items and "
                f"billable hours add up to ({orjson.dumps(expected).decode()})",
            )
    snap.counter_covers(service_numbers, store["nextNumber"], (*here, "nextNumber"))
    snap.counter_covers(sales_numbers, store["nextSalesNumber"], (*here, "nextSalesNumber"))


def _check_hours(setup: dict[str, dict[Any, Record]], hours: list[Record], here: Where) -> None:
    for index, entry in enumerate(hours):
        rate = entry["hourlyRateUid"]
        if rate is not None and rate not in setup["hourlyRates"]:
            raise Refused(
                (*here, index, "hourlyRateUid"),
                f"'{rate}' is not among the tenant's hourlyRates (null for none)",
            )
        snap.day(entry["date"], (*here, index, "date"))
        booked = money.line_amount(entry["hours"], entry["unitPrice"])
        if entry["amount"] != booked:
            raise Refused(
                (*here, index, "amount"),
                f"{json_text(entry['amount'])} is not hours x unitPrice "
                f"({json_text(entry['hours'])} x {json_text(entry['unitPrice'])} = "
                f"{json_text(booked)})",
            )


def _numbered(record: Record, field: str, path: Where, seen: dict[int, Where]) -> None:
    snap.numbered(record[field], NUMBERED[field], path, seen)
