"""Service orders of a store: list, search, create, read, update, delete."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.search import list_orders, search_orders
from servicestub.handlers._scope import order_scope, store_scope


async def list_service_orders(tenant_id: str, store_id: str, **query: Any) -> Any:
    return list_orders(store_scope(tenant_id, store_id), query)


async def search_service_orders(
    tenant_id: str, store_id: str, body: dict[str, Any], **query: Any
) -> Any:
    return search_orders(store_scope(tenant_id, store_id), body, query)


async def create_service_order(tenant_id: str, store_id: str, body: dict[str, Any]) -> Any:
    scope = store_scope(tenant_id, store_id)
    with scope.writing():
        return rules.create_order(scope.orders, scope.tenant, scope.store, body), 201


async def get_service_order(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    return order_scope(tenant_id, store_id, service_order_uid).bundle.order


async def update_service_order(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with scope.writing():
        return rules.update_order(scope.orders, scope.tenant, scope.bundle, body)


async def delete_service_order(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    scope = store_scope(tenant_id, store_id)
    with scope.writing():
        rules.delete_order(scope.store, service_order_uid)
    return None, 204
