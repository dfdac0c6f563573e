"""State snapshots: the whole data state as one versioned JSON document.

Only data is in it (no journal, fault rules or export time), so two exports of
the same state are byte-identical. Tenants that were only ever read are left
out: they are regenerated from the seed, which the snapshot carries.

Version 2 keeps the v4 catalogue's identity high-water mark (``lastIdentity``);
a version 1 file is migrated on import (:func:`migrate`).
"""

from __future__ import annotations

import copy
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant

FORMAT = "servicestub-state"
VERSION = 2
#: Versions this servicestub reads (older ones are migrated on import).
READABLE = (1, 2)

Snapshot = dict[str, Any]


class SnapshotError(ValueError):
    """A snapshot that cannot be used; the message says why."""


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


def orders_snapshot(orders: OrdersStore) -> dict[str, Any]:
    """The written tenants of the Service Orders API, in a stable order."""
    written = sorted((t for t in orders.tenants() if t.dirty), key=lambda t: t.tenant_id)
    return {"idsIssued": orders.ids_issued, "tenants": [_tenant_data(t) for t in written]}


def _by(records: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {record[key]: record for record in records}


def restore_orders(orders: OrdersStore, data: dict[str, Any]) -> None:
    """Load written tenants into an empty ``orders`` (raises KeyError/TypeError on bad data)."""
    from servicestub.apis.orders.search import new_order_index

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


def check_envelope(data: Any) -> None:
    """Refuse documents that are not a snapshot of this version."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SnapshotError(f'not a servicestub state snapshot (no "format": "{FORMAT}")')
    if data.get("version") not in READABLE or isinstance(data.get("version"), bool):
        raise SnapshotError(
            f"snapshot version {data.get('version')!r} is not supported; this servicestub "
            f"reads versions {', '.join(map(str, READABLE))}"
        )
    if not isinstance(data.get("seed"), int):
        raise SnapshotError('snapshot has no integer "seed"')


def migrate(data: Snapshot) -> Snapshot:
    """``data`` (envelope checked) in the current version; a new document, the
    argument is left as it is.

    Version 1 had no v4 identity high-water mark: it is taken from the data (the
    largest identity held, or the seeded start), which is right unless the newest
    services had been deleted before the file was written — those identities can
    then be given again. Only a migration derives a counter from the data; a
    version 2 snapshot keeps its own. Version 1's created uids came from another
    derivation than today's, so they cannot be issued again whatever ``idsIssued``.
    Version 1's hours entries had no ``unitPrice``: see :func:`_booked_prices`.
    """
    from servicestub.apis.services_v4.catalogue import FIRST_IDENTITY

    try:
        fresh: Snapshot = orjson.loads(orjson.dumps(data))
    except TypeError:  # an integer beyond 64 bits: the schema check names it
        fresh = copy.deepcopy(data)
    if fresh["version"] == 1:
        services = fresh.get("services")
        if isinstance(services, dict) and isinstance(services.get("services"), list):
            identities = [
                s["identity"]
                for s in services["services"]
                if isinstance(s, dict) and type(s.get("identity")) is int
            ]
            services["lastIdentity"] = max(identities, default=FIRST_IDENTITY - 1)
        _booked_prices(fresh.get("orders"))
        fresh["version"] = 2
    return fresh


def _booked_prices(orders: Any) -> None:
    """Give version 1 hours entries the ``unitPrice`` they were booked at: their
    rate's price when it still gives their ``amount`` (the usual case: the price
    did not change since), else ``amount / hours`` in cents (0 without hours).
    Anything not shaped as a version 1 store is left for the checks to refuse."""
    from servicestub.apis.orders.money import cents, line_amount

    tenants = orders.get("tenants") if isinstance(orders, dict) else None
    for tenant in tenants if isinstance(tenants, list) else []:
        if not isinstance(tenant, dict):
            continue
        rates = {
            rate.get("hourlyRateUid"): rate
            for rate in tenant.get("hourlyRates") or []
            if isinstance(rate, dict)
        }
        for store in tenant.get("stores") or []:
            for bundle in (store.get("orders") or []) if isinstance(store, dict) else []:
                hours = bundle.get("hours") if isinstance(bundle, dict) else None
                for entry in hours if isinstance(hours, list) else []:
                    if not isinstance(entry, dict) or "unitPrice" in entry:
                        continue
                    amount, spent = entry.get("amount"), entry.get("hours")
                    if not all(type(v) in (int, float) for v in (amount, spent)):
                        continue
                    price = (rates.get(entry.get("hourlyRateUid")) or {}).get("price")
                    if type(price) in (int, float) and line_amount(spent, price) == amount:
                        entry["unitPrice"] = price
                    else:
                        entry["unitPrice"] = cents(amount / spent) if spent else 0.0


def reference_time_of(data: Snapshot) -> datetime:
    """The reference time a snapshot's seeded data was laid out before. A snapshot
    written before it was recorded was made at the default one."""
    from servicestub.core.settings import DEFAULT_REFERENCE_TIME, parse_reference_time

    text = data.get("referenceTime")
    if text is None:
        return DEFAULT_REFERENCE_TIME
    try:
        return parse_reference_time(text, allow_now=False)
    except ValueError as error:
        raise SnapshotError(f"referenceTime: {error}") from None


def dumps(snapshot: Snapshot) -> bytes:
    return orjson.dumps(snapshot)


def read_file(path: Path) -> Snapshot:
    """Read a snapshot file; an unreadable, corrupt or foreign one raises
    :class:`SnapshotError`."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise SnapshotError(f"{path}: cannot be read ({error.strerror or error})") from None
    except orjson.JSONDecodeError as error:
        raise SnapshotError(f"{path}: not valid JSON ({error})") from None
    try:
        check_envelope(data)
    except SnapshotError as error:
        raise SnapshotError(f"{path}: {error}") from None
    return data


def check_writable(path: Path) -> None:
    """Refuse a state file the server could not write back later, by doing what
    :func:`write_atomic` will do: create a temporary file beside it."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise SnapshotError(f"{path} is a folder; --state needs the path of a file")
    if not folder.is_dir():
        raise SnapshotError(
            f"{path}: the folder {folder} does not exist; create it or choose another --state"
        )
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(temp)
    except OSError as error:
        raise SnapshotError(
            f"{path}: cannot write in the folder {folder} ({error.strerror or error}); "
            "choose another --state"
        ) from None


def write_atomic(path: Path, payload: bytes) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over
    ``path``: a crash leaves either the old file or the new one, never half."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent or ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
