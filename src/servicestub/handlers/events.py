"""Events of a service order."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.kinds import EVENTS
from servicestub.handlers._scope import order_scope


async def list_events(tenant_id: str, store_id: str, service_order_uid: str, **query: Any) -> Any:
    return EVENTS.list(order_scope(tenant_id, store_id, service_order_uid), query)


async def create_event(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    return EVENTS.create(order_scope(tenant_id, store_id, service_order_uid, write=True), body), 201


async def get_event(tenant_id: str, store_id: str, service_order_uid: str, event_uid: str) -> Any:
    return EVENTS.get(order_scope(tenant_id, store_id, service_order_uid), event_uid)


async def update_event(
    tenant_id: str, store_id: str, service_order_uid: str, event_uid: str, body: dict[str, Any]
) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    return EVENTS.update(scope, event_uid, body)


async def delete_event(
    tenant_id: str, store_id: str, service_order_uid: str, event_uid: str
) -> Any:
    EVENTS.delete(order_scope(tenant_id, store_id, service_order_uid, write=True), event_uid)
    return None, 204
