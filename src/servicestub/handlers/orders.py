"""Service orders of a store: list, search, create, read, update, delete."""

from __future__ import annotations

from typing import Any

from servicestub.domain import orders as rules
from servicestub.domain.search import ORDER_SORTS, filters_predicate, search_predicate
from servicestub.handlers._scope import order_scope, store_scope
from servicestub.store.paging import list_page


def _page(
    records: Any, predicate: Any, *, sort: str, order: str, page: int, per_page: int
) -> dict[str, Any]:
    selected = records if predicate is None else filter(predicate, records)
    return list_page(
        selected,
        key_field="serviceOrderUid",
        sort_key=ORDER_SORTS[sort],
        descending=order == "DESC",
        page=page,
        per_page=per_page,
    )


def _records(tenant_id: str, store_id: str) -> Any:
    _orders, _tenant, store = store_scope(tenant_id, store_id)
    return (bundle.order for bundle in store.orders.values())


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
    predicate = filters_predicate(
        {
            "states": states,
            "serviceTypes": service_types,
            "assignedUsers": assigned_users,
            "createdFromStores": created_from_stores,
            "priorities": priorities,
        }
    )
    return _page(
        _records(tenant_id, store_id), predicate, sort=sort, order=order, page=page, per_page=per_page
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
    predicate = search_predicate(body)
    return _page(
        _records(tenant_id, store_id), predicate, sort=sort, order=order, page=page, per_page=per_page
    )


async def create_service_order(tenant_id: str, store_id: str, body: dict[str, Any]) -> Any:
    orders, tenant, store = store_scope(tenant_id, store_id, write=True)
    return rules.create_order(orders, tenant, store, body), 201


async def get_service_order(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    return order_scope(tenant_id, store_id, service_order_uid)[3].order


async def update_service_order(
    tenant_id: str, store_id: str, service_order_uid: str, body: dict[str, Any]
) -> Any:
    orders, tenant, _store, bundle = order_scope(tenant_id, store_id, service_order_uid, write=True)
    return rules.update_order(orders, tenant, bundle, body)


async def delete_service_order(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    _orders, _tenant, store = store_scope(tenant_id, store_id, write=True)
    rules.delete_order(store, service_order_uid)
    return None, 204
