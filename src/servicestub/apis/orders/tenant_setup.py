"""A tenant's set-up: service types, workflow statuses and hourly rates."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders import money
from servicestub.apis.orders.kinds import Kind
from servicestub.apis.orders.state import OrdersStore, Tenant
from servicestub.apis.orders.workflow import place
from servicestub.core.shapes import Record
from servicestub.engine.paging import field_key


def _of_tenant(tenant: Tenant) -> str:
    return f"in tenant '{tenant.tenant_id}'"


def _casefolded(field: str) -> Any:
    return lambda record: record[field].casefold()


def _place_status(
    orders: OrdersStore, tenant: Tenant, owner: Tenant, record: Record, created: bool
) -> None:
    place(tenant.statuses, record)


def _prepare_rate(tenant: Tenant, owner: Tenant, record: Record, before: Record | None) -> None:
    """Prices are whole cents; no currency means the tenant's. Hours already booked
    at the rate keep their price and currency (see :mod:`servicestub.apis.orders.money`)."""
    record["price"] = money.cents(record["price"])
    if record["currency"] is None:
        record["currency"] = tenant.currency


SERVICE_TYPES = Kind(
    label="service type",
    collection="service_types",
    key="serviceTypeUid",
    fields=("name", "description", "defaultPriority", "active"),
    defaults={"defaultPriority": "NORMAL", "active": True},
    nullable=("description",),
    sorts={"name": _casefolded("name"), "createdAt": field_key("createdAt")},
    where=_of_tenant,
)

STATUSES = Kind(
    label="workflow status",
    collection="statuses",
    key="statusUid",
    fields=("name", "position", "color", "isFinal"),
    defaults={"isFinal": False},
    nullable=("color",),
    sorts={"position": field_key("position"), "name": _casefolded("name")},
    where=_of_tenant,
    after_change=_place_status,
    timestamped=False,
)

HOURLY_RATES = Kind(
    label="hourly rate",
    collection="hourly_rates",
    key="hourlyRateUid",
    fields=("name", "price", "currency", "code", "active"),
    defaults={"active": True},
    nullable=("code", "currency"),
    sorts={"name": _casefolded("name")},
    where=_of_tenant,
    prepare=_prepare_rate,
    timestamped=False,
)
