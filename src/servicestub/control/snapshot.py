"""State snapshots: the whole data state as one versioned JSON document.

Only data is in it (no journal, fault rules or export time), so two exports of
the same state are byte-identical. Tenants that were only ever read are left
out: they are regenerated from the seed, which the snapshot carries.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from servicestub.store.orders import OrderBundle, OrdersStore, Store, Tenant

FORMAT = "servicestub-state"
VERSION = 1

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
    from servicestub.domain.search import new_order_index

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
    if data.get("version") != VERSION:
        raise SnapshotError(
            f"snapshot version {data.get('version')!r} is not supported; this servicestub "
            f"reads version {VERSION}"
        )
    if not isinstance(data.get("seed"), int):
        raise SnapshotError('snapshot has no integer "seed"')


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
