"""Collections that behave alike: events and hours under a service order, and
service types, workflow statuses and hourly rates under a tenant.

All of them list in sorted pages and create, get, update (partially) and delete
records, so one set of functions serves them all, configured by a
:class:`Kind` that supplies the differences: the owner's attribute holding the
records, defaults, derived fields, and what a change triggers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from servicestub.apis.orders import money
from servicestub.apis.orders.notifications import notify
from servicestub.apis.orders.service_orders import blank_to_none, check_date, order_contents_changed
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Tenant
from servicestub.core.errors import BadRequest, NotFound
from servicestub.core.shapes import Record
from servicestub.engine.paging import SortKey, field_key, list_page

#: Derive and check ``record`` in place before it is stored (``owner`` holds it,
#: ``before`` is the record as it was, ``None`` on create); raise to refuse.
Prepare = Callable[[Tenant, Any, Record, "Record | None"], None]
#: React to a stored change (totals, notifications, positions); ``created`` tells which.
AfterChange = Callable[[OrdersStore, Tenant, Any, Record, bool], None]


def _nothing_to_prepare(tenant: Tenant, owner: Any, record: Record, before: Record | None) -> None:
    """Most records have no derived fields."""


def _nothing_after(
    orders: OrdersStore, tenant: Tenant, owner: Any, record: Record, c: bool
) -> None:
    """Most changes trigger nothing else."""


@dataclasses.dataclass(frozen=True)
class Kind:
    """How one collection behaves; ``owner`` is an :class:`OrderBundle` or a :class:`Tenant`."""

    label: str
    collection: str
    key: str
    fields: tuple[str, ...]
    defaults: dict[str, Any]
    nullable: tuple[str, ...]
    sorts: dict[str, SortKey]
    where: Callable[[Any], str]
    prepare: Prepare = _nothing_to_prepare
    after_change: AfterChange = _nothing_after
    timestamped: bool = True

    def records(self, owner: Any) -> dict[str, Record]:
        return getattr(owner, self.collection)


def get_record(kind: Kind, owner: Any, uid: str) -> Record:
    """One record, or 404 naming where it was looked for."""
    found = kind.records(owner).get(uid)
    if found is None:
        raise NotFound(f"{kind.label.capitalize()} '{uid}' does not exist {kind.where(owner)}.")
    return found


def list_records(
    kind: Kind, owner: Any, *, sort: str, order: str, page: int, per_page: int
) -> dict[str, Any]:
    """One sorted page of the collection in the list envelope."""
    return list_page(
        kind.records(owner).values(),
        key_field=kind.key,
        sort_key=kind.sorts[sort],
        descending=order == "DESC",
        page=page,
        per_page=per_page,
    )


def _apply(
    kind: Kind, tenant: Tenant, owner: Any, record: Record, body: Record, *, new: bool
) -> Record:
    """``record`` with the fields of ``body`` applied, prepared; the original is untouched."""
    updated = dict(record)
    for field in kind.fields:
        if field not in body:
            continue
        value = body[field]
        if value is None and field not in kind.nullable:
            raise BadRequest(f"{field} cannot be null.")
        updated[field] = blank_to_none(value) if field in kind.nullable else value
    kind.prepare(tenant, owner, updated, None if new else record)
    return updated


def create_record(
    kind: Kind, orders: OrdersStore, tenant: Tenant, owner: Any, body: Record
) -> Record:
    """Create a record from a validated body; defaults fill what is absent."""
    base = {field: None for field in kind.fields} | kind.defaults
    fields = _apply(kind, tenant, owner, base, body, new=True)  # refused before an id is used
    record = {kind.key: orders.new_uid(), **fields}
    if kind.timestamped:
        record["createdAt"] = orders.now()
    kind.records(owner)[record[kind.key]] = record
    kind.after_change(orders, tenant, owner, record, True)
    return record


def update_record(
    kind: Kind,
    orders: OrdersStore,
    tenant: Tenant,
    owner: Any,
    uid: str,
    body: Record,
) -> Record:
    """Replace the fields present in ``body``, keep the others."""
    current = get_record(kind, owner, uid)
    updated = _apply(kind, tenant, owner, current, body, new=False)
    current.update(updated)
    kind.after_change(orders, tenant, owner, current, False)
    return current


def delete_record(kind: Kind, orders: OrdersStore, tenant: Tenant, owner: Any, uid: str) -> None:
    """Delete one record (cascades are the kind's ``after_change``)."""
    record = get_record(kind, owner, uid)
    del kind.records(owner)[uid]
    kind.after_change(orders, tenant, owner, record, False)


# -- events ---------------------------------------------------------------


def _on_order(bundle: OrderBundle) -> str:
    return f"on service order '{bundle.order['serviceOrderUid']}'"


def _after_event(
    orders: OrdersStore, tenant: Tenant, bundle: OrderBundle, record: Record, created: bool
) -> None:
    if created and record["visibleToCustomer"]:
        notify(orders, bundle, record["message"])


EVENTS = Kind(
    label="event",
    collection="events",
    key="eventUid",
    fields=("type", "message", "userId", "visibleToCustomer"),
    defaults={"type": "NOTE", "visibleToCustomer": False},
    nullable=("userId",),
    sorts={"createdAt": field_key("createdAt"), "type": field_key("type")},
    where=_on_order,
    after_change=_after_event,
)


# -- hours ----------------------------------------------------------------


def _prepare_hours(
    tenant: Tenant, bundle: OrderBundle, record: Record, before: Record | None
) -> None:
    """Check the rate reference and the date, then price the entry by the money rules."""
    rate_uid = record["hourlyRateUid"]
    rate = tenant.hourly_rates.get(rate_uid) if rate_uid is not None else None
    if rate_uid is not None and rate is None:
        raise BadRequest(
            f"hourlyRateUid '{rate_uid}' is not an hourly rate of tenant '{tenant.tenant_id}'; "
            f"list them with GET /v1/tenants/{tenant.tenant_id}/hourly-rates."
        )
    check_date("date", record["date"])
    try:
        money.price_hours(record, before, rate, tenant.currency)
    except money.CurrencyMismatch as mismatch:
        raise BadRequest(
            f"hourlyRateUid '{rate_uid}' ({mismatch.rate['name']}) is priced in "
            f"{mismatch.rate['currency']}, but service order "
            f"'{bundle.order['serviceOrderUid']}' is in {mismatch.currency}: amounts are "
            f"never converted; book these hours at a rate in {mismatch.currency}."
        ) from None


def _after_hours(
    orders: OrdersStore, tenant: Tenant, bundle: OrderBundle, record: Record, created: bool
) -> None:
    order_contents_changed(orders, tenant, bundle)


HOURS = Kind(
    label="hours entry",
    collection="hours",
    key="hoursUid",
    fields=("userId", "hourlyRateUid", "date", "hours", "description", "billable"),
    defaults={"billable": True},
    nullable=("hourlyRateUid", "description"),
    sorts={
        "date": field_key("date"),
        "hours": field_key("hours"),
        "createdAt": field_key("createdAt"),
    },
    where=_on_order,
    prepare=_prepare_hours,
    after_change=_after_hours,
)

NOTIFICATION_SORTS = {"createdAt": field_key("createdAt")}
