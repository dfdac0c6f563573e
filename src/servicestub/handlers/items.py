"""Items of a service order (they show in the order's ``items``)."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders import service_orders as rules
from servicestub.handlers._scope import order_scope


async def create_item(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    orders, tenant, _store, bundle = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with orders.writing(tenant):
        return rules.add_item(orders, tenant, bundle, body), 201


async def update_item(
    tenant_id: str, store_id: str, service_order_uid: str, item_uid: str, body: dict[str, Any]
) -> Any:
    orders, tenant, _store, bundle = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with orders.writing(tenant):
        return rules.update_item(orders, tenant, bundle, item_uid, body)


async def delete_item(tenant_id: str, store_id: str, service_order_uid: str, item_uid: str) -> Any:
    orders, tenant, _store, bundle = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with orders.writing(tenant):
        rules.delete_item(orders, tenant, bundle, item_uid)
    return None, 204
