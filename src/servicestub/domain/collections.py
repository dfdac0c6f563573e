"""Collections that behave alike: events and hours under a service order, and
service types, workflow statuses and hourly rates under a tenant.

All of them list in sorted pages and create, get, update (partially) and delete
records, so one set of functions serves them all, configured by a
:class:`Kind` that supplies the differences: the owner's attribute holding the
records, defaults, derived fields, and what a change triggers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from servicestub.domain import money
from servicestub.domain.notifications import notify
from servicestub.domain.orders import blank_to_none, check_date, order_contents_changed
from servicestub.errors import BadRequest, NotFound
from servicestub.store.orders import OrderBundle, OrdersStore, Tenant
from servicestub.store.paging import SortKey, field_key, list_page

Record = dict[str, Any]
#: Derive and check a record in place before it is stored; raise to refuse.
Prepare = Callable[[Tenant, Record], None]
#: React to a stored change (totals, notifications, positions); ``created`` tells which.
AfterChange = Callable[[OrdersStore, Tenant, Any, Record, bool], None]


def _nothing_to_prepare(tenant: Tenant, record: Record) -> None:
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


def _apply(kind: Kind, tenant: Tenant, record: Record, body: Record) -> Record:
    """``record`` with the fields of ``body`` applied, prepared; the original is untouched."""
    updated = dict(record)
    for field in kind.fields:
        if field not in body:
            continue
        value = body[field]
        if value is None and field not in kind.nullable:
            raise BadRequest(f"{field} cannot be null.")
        updated[field] = blank_to_none(value) if field in kind.nullable else value
    kind.prepare(tenant, updated)
    return updated


def create_record(
    kind: Kind, orders: OrdersStore, tenant: Tenant, owner: Any, body: Record
) -> Record:
    """Create a record from a validated body; defaults fill what is absent."""
    base = {field: None for field in kind.fields} | kind.defaults
    fields = _apply(kind, tenant, base, body)  # refused before an id is used
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
    updated = _apply(kind, tenant, current, body)
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


def hours_amount(tenant: Tenant, record: Record) -> float:
    """hours x the rate's price; 0 without a rate."""
    return rate_amount(tenant.hourly_rates, record["hourlyRateUid"], record["hours"])


def rate_amount(rates: Mapping[str, Record], rate_uid: str | None, hours: float) -> float:
    """``hours`` at the price of rate ``rate_uid`` among ``rates``; 0 without a rate."""
    rate = rates.get(rate_uid) if rate_uid else None
    return money.line_amount(hours, rate["price"]) if rate else 0.0


def _prepare_hours(tenant: Tenant, record: Record) -> None:
    rate_uid = record["hourlyRateUid"]
    if rate_uid is not None and rate_uid not in tenant.hourly_rates:
        raise BadRequest(
            f"hourlyRateUid '{rate_uid}' is not an hourly rate of tenant '{tenant.tenant_id}'; "
            f"list them with GET /v1/tenants/{tenant.tenant_id}/hourly-rates."
        )
    check_date("date", record["date"])
    record["amount"] = hours_amount(tenant, record)


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
