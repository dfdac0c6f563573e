"""Items of a service order (they show in the order's ``items``)."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders import service_orders as rules
from servicestub.handlers._scope import order_scope


async def create_item(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with scope.writing():
        return rules.add_item(scope.orders, scope.tenant, scope.bundle, body), 201


async def update_item(
    tenant_id: str, store_id: str, service_order_uid: str, item_uid: str, body: dict[str, Any]
) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with scope.writing():
        return rules.update_item(scope.orders, scope.tenant, scope.bundle, item_uid, body)


async def delete_item(tenant_id: str, store_id: str, service_order_uid: str, item_uid: str) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with scope.writing():
        rules.delete_item(scope.orders, scope.tenant, scope.bundle, item_uid)
    return None, 204
