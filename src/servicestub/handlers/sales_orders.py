"""Sales orders made from a service order."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.kinds import SALES_ORDERS
from servicestub.apis.orders.sales import create_sales_order as make_sales_order
from servicestub.handlers._scope import order_scope


async def list_sales_orders(
    tenant_id: str, store_id: str, service_order_uid: str, **query: Any
) -> Any:
    return SALES_ORDERS.list(order_scope(tenant_id, store_id, service_order_uid), query)


async def create_sales_order(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    scope = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with scope.writing():
        return make_sales_order(scope.orders, scope.tenant, scope.store, scope.bundle, body), 201
