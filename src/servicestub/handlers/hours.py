"""Hours booked on a service order."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.kinds import HOURS
from servicestub.handlers._scope import order_scope


async def list_hours(tenant_id: str, store_id: str, service_order_uid: str, **query: Any) -> Any:
    return HOURS.list(order_scope(tenant_id, store_id, service_order_uid), query)


async def create_hours(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    return HOURS.create(order_scope(tenant_id, store_id, service_order_uid, write=True), body), 201


async def get_hours(tenant_id: str, store_id: str, service_order_uid: str, hours_uid: str) -> Any:
    return HOURS.get(order_scope(tenant_id, store_id, service_order_uid), hours_uid)


async def update_hours(
    tenant_id: str, store_id: str, service_order_uid: str, hours_uid: str, body: dict[str, Any]
) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    return HOURS.update(scope, hours_uid, body)


async def delete_hours(
    tenant_id: str, store_id: str, service_order_uid: str, hours_uid: str
) -> Any:
    HOURS.delete(order_scope(tenant_id, store_id, service_order_uid, write=True), hours_uid)
    return None, 204
