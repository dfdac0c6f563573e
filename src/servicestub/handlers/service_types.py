"""A tenant's service types."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.tenant_setup import SERVICE_TYPES
from servicestub.handlers._scope import tenant_scope


async def list_service_types(tenant_id: str, **query: Any) -> Any:
    return SERVICE_TYPES.list(tenant_scope(tenant_id), query)


async def update_service_type(tenant_id: str, service_type_uid: str, body: dict[str, Any]) -> Any:
    return SERVICE_TYPES.update(tenant_scope(tenant_id), service_type_uid, body)
