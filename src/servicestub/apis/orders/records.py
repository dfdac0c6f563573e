"""Every record of the Service Orders API is built here, once: by the create rules,
by seeding and by scenarios alike, so what a record holds (its fields in the
order the API writes them, the defaults of the fields left out, what is derived)
is found in one place.

A :class:`Shape` builds the records of one kind from the fields given (the
spec's camelCase names); a service order, whose totals are derived from its
items and hours, has :func:`service_order`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from servicestub.apis.orders import money
from servicestub.core.shapes import Record
from servicestub.engine.model import record_layout
from servicestub.specs import ORDERS

#: The default of a field that has none: a record cannot be built without it.
REQUIRED: Any = object()


def _as_given(record: Record) -> None:
    """Most records have no derived fields."""


@dataclasses.dataclass(frozen=True)
class Shape:
    """How one kind of record is built: its id field, then every other field in
    the order the API writes it with its default (:data:`REQUIRED` for none), and
    what is derived once the fields are in."""

    key: str
    fields: Mapping[str, Any]
    derive: Callable[[Record], None] = _as_given

    def build(self, uid: str, given: Mapping[str, Any]) -> Record:
        """The record ``uid`` from the fields ``given`` (others are ignored);
        :class:`KeyError` names a required field that is missing."""
        record: Record = {self.key: uid}
        for field, default in self.fields.items():
            value = given.get(field, default)
            if value is REQUIRED:
                raise KeyError(field)
            record[field] = value
        self.derive(record)
        return record


def _price_in_cents(record: Record) -> None:
    record["price"] = money.cents(record["price"])


def _unit_price_in_cents(record: Record) -> None:
    record["unitPrice"] = money.cents(record["unitPrice"])


def _hours_amount(record: Record) -> None:
    record["amount"] = money.line_amount(record["hours"], record["unitPrice"])


def _shape(
    stored: str,
    written: str | None = None,
    derive: Callable[[Record], None] = _as_given,
    *,
    derived: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
) -> Shape:
    """The shape of component schema ``stored``, read from the spec: its fields in
    the spec's order (the first is the id), the defaults ``written`` (the input
    body) or ``stored`` declare, ``None`` for other nullable fields, and every
    other field required. ``derived`` fields are left to ``derive``; ``required``
    ones are required whatever the spec's default (a rule of this API overrides it)."""
    layout = record_layout(ORDERS.parsed(), stored, written)
    key, *fields = layout.fields

    def default(field: str) -> Any:
        if field in required:
            return REQUIRED
        if field in derived:
            return None
        if field in layout.defaults:
            return layout.defaults[field]
        return None if field in layout.nullable else REQUIRED

    return Shape(key, {field: default(field) for field in fields}, derive)


# Service types are made by seeding and scenarios only (the API updates them): what
# a scenario leaves out is the stored schema's default.
SERVICE_TYPE = _shape("ServiceType")
STATUS = _shape("ServiceStatus", "StatusInput")
#: A rate left without a currency is in its tenant's (the rules' and seeding's
#: business), never the spec's example default.
HOURLY_RATE = _shape("HourlyRate", "HourlyRateInput", _price_in_cents, required=("currency",))
ITEM = _shape("ServiceOrderItem", "ItemInput", _unit_price_in_cents)
EVENT = _shape("ServiceEvent", "EventInput")
#: An hours entry at the ``unitPrice`` it is booked at (see :mod:`money`): its
#: ``amount`` is derived.
HOURS = _shape("ServiceHours", "HoursInput", _hours_amount, derived=("amount",))
NOTIFICATION = _shape("Notification")


def customer(given: Mapping[str, Any]) -> Record:
    """An order's customer: a name, and how to reach them if known."""
    return {
        "customerId": given.get("customerId"),
        "name": given["name"],
        "email": given.get("email"),
        "phone": given.get("phone"),
    }


def service_order(
    *,
    uid: str,
    number: int,
    fields: Mapping[str, Any],
    items: list[Record],
    billable_hours: Iterable[float],
    currency: str,
    public_hash: str,
    created_at: str,
    updated_at: str,
) -> Record:
    """Service order ``SO-<number>`` with ``fields`` (the spec's names: ``title``,
    ``serviceTypeUid``, ``statusUid`` and ``createdFromStoreId`` required), its
    ``totals`` derived from ``items`` and ``billable_hours`` (amounts)."""
    return {
        "serviceOrderUid": uid,
        "serviceNumber": f"SO-{number}",
        "title": fields["title"],
        "description": fields.get("description"),
        "state": fields.get("state", "NEW"),
        "statusUid": fields["statusUid"],
        "serviceTypeUid": fields["serviceTypeUid"],
        "priority": fields.get("priority", "NONE"),
        "assignedUserId": fields.get("assignedUserId"),
        "createdFromStoreId": fields["createdFromStoreId"],
        "customer": fields.get("customer"),
        "dueDate": fields.get("dueDate"),
        "items": items,
        "totals": money.order_totals(currency, items, billable_hours),
        "publicHash": public_hash,
        "createdAt": created_at,
        "updatedAt": updated_at,
    }
