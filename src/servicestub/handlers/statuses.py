"""A tenant's workflow statuses."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.tenant_setup import STATUSES
from servicestub.handlers._scope import tenant_scope


async def list_service_statuses(tenant_id: str, **query: Any) -> Any:
    return STATUSES.list(tenant_scope(tenant_id), query)


async def create_service_status(tenant_id: str, body: dict[str, Any]) -> Any:
    return STATUSES.create(tenant_scope(tenant_id), body), 201


async def update_service_status(tenant_id: str, status_uid: str, body: dict[str, Any]) -> Any:
    return STATUSES.update(tenant_scope(tenant_id), status_uid, body)
