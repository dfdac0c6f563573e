"""Sales orders made from a service order."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.sales import create_sales_order as make_sales_order
from servicestub.engine.paging import field_key, list_page
from servicestub.handlers._scope import order_scope


async def list_sales_orders(
    tenant_id: str, store_id: str, service_order_uid: str, page: int = 1, per_page: int = 20
) -> Any:
    bundle = order_scope(tenant_id, store_id, service_order_uid)[3]
    return list_page(
        bundle.sales_orders.values(),
        key_field="salesOrderUid",
        sort_key=field_key("createdAt"),
        descending=False,
        page=page,
        per_page=per_page,
    )


async def create_sales_order(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    orders, tenant, store, bundle = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with orders.writing(tenant):
        return make_sales_order(orders, tenant, store, bundle, body), 201
