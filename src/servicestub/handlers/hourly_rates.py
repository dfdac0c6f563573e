"""A tenant's hourly rates."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.tenant_setup import HOURLY_RATES
from servicestub.handlers._scope import tenant_scope


async def list_hourly_rates(tenant_id: str, **query: Any) -> Any:
    return HOURLY_RATES.list(tenant_scope(tenant_id), query)


async def create_hourly_rate(tenant_id: str, body: dict[str, Any]) -> Any:
    return HOURLY_RATES.create(tenant_scope(tenant_id), body), 201


async def update_hourly_rate(tenant_id: str, hourly_rate_uid: str, body: dict[str, Any]) -> Any:
    return HOURLY_RATES.update(tenant_scope(tenant_id), hourly_rate_uid, body)
