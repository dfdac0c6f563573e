"""What a snapshot must hold beyond its JSON Schema for the server to serve it.

The schema (:mod:`servicestub.control.snapshot_schema`) checks each field on its
own; these are the invariants the API relies on across fields and records:

* no NUL anywhere (the API refuses it in every input, so no answer may hold one);
* ids unique in their scope (tenants; a tenant's stores, service types, statuses
  and hourly rates; a store's orders; an order's items, events, hours,
  notifications and sales orders; v4 services, share plans, lookup rows) and
  usable as a path segment (``^[A-Za-z0-9_-]+$``);
* counters are high-water marks: ``idsIssued`` at least the count of every uid
  it issued, ``nextNumber`` / ``nextSalesNumber`` past every ``SO-`` / ``AO-``
  number of their store (numbers unique in it), ``lastIdentity`` at least every
  service's identity;
* every reference resolves: an order's service type and status, an hours
  entry's rate (or null), a service's lookup ids (or null where the spec allows),
  a share plan's services; every lookup table present;
* workflow positions exactly ``1..n``; a tenant has the staff, service types and
  hourly rates that seeding a new store of it draws from;
* an order's ``totals`` are what its items and billable hours add up to;
* timestamps are UTC instants as the API writes them (``2026-01-15T09:00:00Z``:
  no leap second, no year 0) and dates real calendar days.

Duplicate keys inside one JSON object cannot be seen here (the parser keeps the
last); records therefore live in lists, where duplicates are found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import orjson

from servicestub.apis.orders.money import line_amount
from servicestub.apis.orders.service_orders import order_totals
from servicestub.apis.services_v4.catalogue import NULLABLE, REFERENCES
from servicestub.core.errors import json_text
from servicestub.core.shapes import Record
from servicestub.engine.ids import UidCodec

Path = tuple[str | int, ...]

ID = re.compile(r"[A-Za-z0-9_-]+")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBERED = {"serviceNumber": re.compile(r"SO-(\d+)"), "orderNumber": re.compile(r"AO-(\d+)")}
#: id field -> whether null is allowed (the spec's ReferenceId / OptionalReferenceId)
SERVICE_REFERENCES = {field: field in NULLABLE for field in REFERENCES}
#: The collections under an order: snapshot key -> the records' uid field.
ORDER_CHILDREN = {
    "events": "eventUid",
    "hours": "hoursUid",
    "notifications": "notificationUid",
    "salesOrders": "salesOrderUid",
}
TENANT_SETUP = {
    "serviceTypes": "serviceTypeUid",
    "statuses": "statusUid",
    "hourlyRates": "hourlyRateUid",
}


class Refused(ValueError):
    """A broken invariant: where (a path into the snapshot) and what."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def place(path: Iterable[str | int], data: Any = None) -> str:
    """``orders.tenants[0].stores[1].orders[3].order.createdAt``, followed by the
    ids of the tenant and store it lies in when ``data`` is given."""
    parts = list(path)
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    names = []
    if data is not None and parts[:2] == ["orders", "tenants"] and len(parts) > 2:
        try:
            tenant = data["orders"]["tenants"][parts[2]]
            names.append(f"tenant '{tenant['tenantId']}'")
            if len(parts) > 4 and parts[3] == "stores":
                names.append(f"store '{tenant['stores'][parts[4]]['storeId']}'")
        except (IndexError, KeyError, TypeError):
            pass
    return f"{text or '(top level)'}" + (f" ({', '.join(names)})" if names else "")


def invariant_problem(data: Record) -> str | None:
    """Where and how a schema-valid snapshot breaks an invariant; ``None`` if none."""
    try:
        _no_nul(data)
        _check_orders(data["orders"], UidCodec(data["seed"]))
        _check_services(data["services"])
    except Refused as refused:
        return f"{place(refused.path, data)}: {refused.message}"
    return None


# -- generic checks -----------------------------------------------------------


def _no_nul(data: Any) -> None:
    if b"\\u0000" not in orjson.dumps(data):  # the fast path: one scan of the text
        return

    def walk(node: Any, path: Path) -> None:
        if isinstance(node, str) and "\x00" in node:
            raise Refused(path, "holds a NUL character (\\u0000), which no API field may")
        if isinstance(node, dict):
            for key, value in node.items():
                if "\x00" in key:
                    raise Refused(path, f"has a key with a NUL character ({key!r})")
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(data, ())


def _unique(records: list[Record], key: str, path: Path, *, id_like: bool = True) -> dict:
    """``records`` by ``key``; refused when a key repeats or cannot be a path segment."""
    seen: dict[Any, int] = {}
    for index, record in enumerate(records):
        value = record[key]
        if id_like and (not isinstance(value, str) or not ID.fullmatch(value)):
            raise Refused(
                (*path, index, key),
                f"{value!r} cannot be an id: ids are 1 or more of A-Z a-z 0-9 _ - "
                "(they are path segments)",
            )
        if value in seen:
            raise Refused(
                (*path, index, key),
                f"{orjson.dumps(value).decode()} is already the {key} of "
                f"{place((*path, seen[value]))}; each must be unique",
            )
        seen[value] = index
    return {record[key]: record for record in records}


def _timestamp(value: Any, path: Path) -> None:
    if value is None:
        return
    try:
        if not TIMESTAMP.fullmatch(value):
            raise ValueError(value)
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise Refused(
            path,
            f"'{value}' is not a UTC timestamp as the API writes it "
            "(YYYY-MM-DDTHH:MM:SSZ, a real instant: no second 60, no year 0000)",
        ) from None


def _day(value: Any, path: Path) -> None:
    if value is None:
        return
    try:
        if not DAY.fullmatch(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise Refused(
            path, f"'{value}' is not a calendar date (YYYY-MM-DD, year 0001 on)"
        ) from None


def _issued(codec: UidCodec, uid: str, ids_issued: int, path: Path) -> None:
    """A uid the mock made for a count past ``idsIssued`` would be made again."""
    count = codec.count_of(uid)
    if count is not None and count > ids_issued:
        raise Refused(
            path,
            f"'{uid}' is the id issued as number {count}, past orders.idsIssued "
            f"({ids_issued}): the counter must be at least every id it issued, or "
            "a new record would get this id again",
        )


def _number(record: Record, field: str, path: Path) -> int:
    found = NUMBERED[field].fullmatch(record[field])
    if found is None:
        prefix = NUMBERED[field].pattern[:3]
        raise Refused(path, f"'{record[field]}' is not {prefix}<digits>")
    return int(found[1])


def _counter_covers(numbers: dict[int, Path], counter: int, path: Path) -> None:
    if numbers and max(numbers) >= counter:
        top = max(numbers)
        raise Refused(
            path,
            f"{counter} is not past {place(numbers[top])} (number {top}); the counter "
            "must be past every number it issued, or the next would repeat it",
        )


# -- Service Orders -----------------------------------------------------------


def _check_orders(orders: Record, codec: UidCodec) -> None:
    ids_issued = orders["idsIssued"]
    root: Path = ("orders", "tenants")
    _unique(orders["tenants"], "tenantId", root)
    for t_index, tenant in enumerate(orders["tenants"]):
        here: Path = (*root, t_index)
        setup = {}
        for key, uid_field in TENANT_SETUP.items():
            setup[key] = _unique(tenant[key], uid_field, (*here, key))
            for index, record in enumerate(tenant[key]):
                _issued(codec, record[uid_field], ids_issued, (*here, key, index, uid_field))
        for index, record in enumerate(tenant["serviceTypes"]):
            _timestamp(record.get("createdAt"), (*here, "serviceTypes", index, "createdAt"))
        positions = sorted(status["position"] for status in tenant["statuses"])
        if positions != list(range(1, len(positions) + 1)):
            raise Refused(
                (*here, "statuses"),
                f"positions {positions} are not exactly 1..{len(positions)} "
                "(no gaps, no duplicates)",
            )
        _unique(tenant["stores"], "storeId", (*here, "stores"))
        for s_index, store in enumerate(tenant["stores"]):
            _check_store(tenant, setup, store, (*here, "stores", s_index), codec, ids_issued)


def _check_store(
    tenant: Record,
    setup: dict[str, dict[str, Record]],
    store: Record,
    here: Path,
    codec: UidCodec,
    ids_issued: int,
) -> None:
    bundles = store["orders"]
    _unique([b["order"] for b in bundles], "serviceOrderUid", (*here, "orders"))
    service_numbers: dict[int, Path] = {}
    sales_numbers: dict[int, Path] = {}
    for o_index, bundle in enumerate(bundles):
        at: Path = (*here, "orders", o_index)
        order = bundle["order"]
        _issued(codec, order["serviceOrderUid"], ids_issued, (*at, "order", "serviceOrderUid"))
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
            _timestamp(order[field], (*at, "order", field))
        _day(order["dueDate"], (*at, "order", "dueDate"))
        _unique(order["items"], "itemUid", (*at, "order", "items"))
        for index, item in enumerate(order["items"]):
            _issued(codec, item["itemUid"], ids_issued, (*at, "order", "items", index, "itemUid"))
        for key, uid_field in ORDER_CHILDREN.items():
            _unique(bundle[key], uid_field, (*at, key))
            for index, record in enumerate(bundle[key]):
                _issued(codec, record[uid_field], ids_issued, (*at, key, index, uid_field))
                _timestamp(record["createdAt"], (*at, key, index, "createdAt"))
        for index, entry in enumerate(bundle["hours"]):
            rate = entry["hourlyRateUid"]
            if rate is not None and rate not in setup["hourlyRates"]:
                raise Refused(
                    (*at, "hours", index, "hourlyRateUid"),
                    f"'{rate}' is not among the tenant's hourlyRates (null for none)",
                )
            _day(entry["date"], (*at, "hours", index, "date"))
            booked = line_amount(entry["hours"], entry["unitPrice"])
            if entry["amount"] != booked:
                raise Refused(
                    (*at, "hours", index, "amount"),
                    f"{json_text(entry['amount'])} is not hours x unitPrice "
                    f"({json_text(entry['hours'])} x {json_text(entry['unitPrice'])} = "
                    f"{json_text(booked)})",
                )
        for index, sales in enumerate(bundle["salesOrders"]):
            _numbered(
                sales, "orderNumber", (*at, "salesOrders", index, "orderNumber"), sales_numbers
            )
        billable = [entry["amount"] for entry in bundle["hours"] if entry["billable"]]
        expected = order_totals(tenant["currency"], order["items"], billable)
        if order["totals"] != expected:
            raise Refused(
                (*at, "order", "totals"),
                f"{orjson.dumps(order['totals']).decode()} is not what the order's items and "
                f"billable hours add up to ({orjson.dumps(expected).decode()})",
            )
    _counter_covers(service_numbers, store["nextNumber"], (*here, "nextNumber"))
    _counter_covers(sales_numbers, store["nextSalesNumber"], (*here, "nextSalesNumber"))


def _numbered(record: Record, field: str, path: Path, seen: dict[int, Path]) -> None:
    number = _number(record, field, path)
    if number in seen:
        raise Refused(
            path,
            f"'{record[field]}' repeats the number of {place(seen[number])}; "
            f"each {field} of a store is unique",
        )
    seen[number] = path


# -- Services v4 --------------------------------------------------------------


def _check_services(services: Record) -> None:
    root: Path = ("services",)
    tables = {table for table, _name, _key in REFERENCES.values()}
    lookups = services["lookups"]
    missing = sorted(tables - set(lookups))
    if missing:
        raise Refused(
            (*root, "lookups"), f"has no {', '.join(missing)} table; every lookup table is needed"
        )
    unknown = sorted(set(lookups) - tables)
    if unknown:
        raise Refused(
            (*root, "lookups"),
            f"{', '.join(unknown)} is not a lookup table (they are {', '.join(sorted(tables))})",
        )
    known = {
        table: _unique(rows, "identity", (*root, "lookups", table), id_like=False)
        for table, rows in lookups.items()
    }
    if services["ownerId"] not in known["owners"]:
        raise Refused((*root, "ownerId"), f"{services['ownerId']} is not in the owners table")
    by_identity = _unique(services["services"], "identity", (*root, "services"), id_like=False)
    last = services["lastIdentity"]
    for index, service in enumerate(services["services"]):
        at: Path = (*root, "services", index)
        if service["identity"] > last:
            raise Refused(
                (*at, "identity"),
                f"{service['identity']} is past services.lastIdentity ({last}): the counter "
                "must be at least every identity it gave, or a new service would get this one",
            )
        if service["id"] != service["identity"]:
            raise Refused(
                (*at, "id"), f"{service['id']} differs from identity {service['identity']}"
            )
        for field, nullable in SERVICE_REFERENCES.items():
            value = service.get(field)
            table = REFERENCES[field][0]
            if value is None and nullable:
                continue
            if value not in known[table]:
                allowed = " (or null)" if nullable else ""
                raise Refused(
                    (*at, field), f"{value} is not an identity of the {table} table{allowed}"
                )
        _timestamp(service["created"], (*at, "created"))
    _unique(services["sharePlans"], "identity", (*root, "sharePlans"), id_like=False)
    for index, plan in enumerate(services["sharePlans"]):
        for position, member in enumerate(plan["serviceIds"]):
            if member not in by_identity:
                raise Refused(
                    (*root, "sharePlans", index, "serviceIds", position),
                    f"{member} is not the identity of a service",
                )
