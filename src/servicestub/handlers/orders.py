"""Service orders of a store: list, search, create, read, update, delete."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders import service_orders as rules
from servicestub.apis.orders.search import FILTER_FIELDS, criteria, filter_sets
from servicestub.engine.index import NO_CRITERIA, Criteria
from servicestub.engine.paging import page_meta
from servicestub.handlers._scope import order_scope, store_scope


def _page(
    tenant_id: str,
    store_id: str,
    filters: dict[str, frozenset[str]],
    search: Criteria,
    *,
    sort: str,
    order: str,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    _orders, _tenant, store = store_scope(tenant_id, store_id)
    data, total = store.query(
        filters, search, sort=sort, descending=order == "DESC", page=page, per_page=per_page
    )
    return {"data": data, "meta": page_meta(page, per_page, total)}


async def list_service_orders(
    tenant_id: str,
    store_id: str,
    page: int = 1,
    per_page: int = 20,
    sort: str = "serviceOrderUid",
    order: str = "ASC",
    states: list[str] | None = None,
    service_types: list[str] | None = None,
    assigned_users: list[str] | None = None,
    created_from_stores: list[str] | None = None,
    priorities: list[str] | None = None,
) -> Any:
    filters = filter_sets(
        {
            "states": states,
            "serviceTypes": service_types,
            "assignedUsers": assigned_users,
            "createdFromStores": created_from_stores,
            "priorities": priorities,
        }
    )
    return _page(
        tenant_id,
        store_id,
        filters,
        NO_CRITERIA,
        sort=sort,
        order=order,
        page=page,
        per_page=per_page,
    )


async def search_service_orders(
    tenant_id: str,
    store_id: str,
    body: dict[str, Any],
    page: int = 1,
    per_page: int = 20,
    sort: str = "serviceOrderUid",
    order: str = "ASC",
) -> Any:
    filters = filter_sets({name: body.get(name) for name in FILTER_FIELDS})
    return _page(
        tenant_id,
        store_id,
        filters,
        criteria(body),
        sort=sort,
        order=order,
        page=page,
        per_page=per_page,
    )


async def create_service_order(tenant_id: str, store_id: str, body: dict[str, Any]) -> Any:
    orders, tenant, store = store_scope(tenant_id, store_id)
    with orders.writing(tenant):
        return rules.create_order(orders, tenant, store, body), 201


async def get_service_order(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    return order_scope(tenant_id, store_id, service_order_uid)[3].order


async def update_service_order(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    orders, tenant, _store, bundle = order_scope(tenant_id, store_id, service_order_uid, write=True)
    with orders.writing(tenant):
        return rules.update_order(orders, tenant, bundle, body)


async def delete_service_order(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    orders, tenant, store = store_scope(tenant_id, store_id)
    with orders.writing(tenant):
        rules.delete_order(store, service_order_uid)
    return None, 204
