"""A tenant's set-up - service types, workflow statuses and hourly rates - on the
engine's generic collection, with the rules that are theirs alone."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders import money
from servicestub.apis.orders.envelopes import orders_rules
from servicestub.apis.orders.scopes import TenantScope
from servicestub.apis.orders.spec import collection
from servicestub.apis.orders.workflow import place
from servicestub.core.shapes import Record
from servicestub.engine.collection import Change, Collection
from servicestub.engine.paging import SortKey


def casefolded(field: str) -> SortKey:
    """Sort key comparing a text field case-insensitively (the spec cannot say so)."""
    return lambda record: record[field].casefold()


def place_status(scope: TenantScope, record: Record, change: Change) -> None:
    """Positions stay exactly 1..n: the others shift around the one written."""
    place(scope.tenant.statuses, record)


def price_rate(scope: TenantScope, record: Record, before: Record | None) -> None:
    """Prices are whole cents; no currency means the tenant's. Hours already booked
    at the rate keep their price and currency (see :mod:`servicestub.apis.orders.money`)."""
    record["price"] = money.cents(record["price"])
    if record["currency"] is None:
        record["currency"] = scope.tenant.currency


_BY_NAME: dict[str, Any] = {"name": casefolded("name")}

SERVICE_TYPES: Collection[TenantScope] = Collection(
    collection("service-types"),
    orders_rules(sort_keys=_BY_NAME),
)

STATUSES: Collection[TenantScope] = Collection(
    collection("service-statuses"),
    orders_rules(
        label="workflow status",
        sort_keys=_BY_NAME,
        after_change=place_status,
    ),
)

HOURLY_RATES: Collection[TenantScope] = Collection(
    collection("hourly-rates"),
    orders_rules(
        sort_keys=_BY_NAME,
        prepare=price_rate,
        # Left out means the tenant's currency, which the spec's default cannot say.
        defaults={"currency": None},
    ),
)
