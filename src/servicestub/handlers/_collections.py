"""Handlers built from a :class:`~servicestub.apis.orders.kinds.Kind`.

Events and hours (under an order) and the tenant set-up collections behave
alike, so their operations are made here once and named in their modules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from servicestub.apis.orders import kinds as coll
from servicestub.apis.orders.state import OrdersStore, Tenant
from servicestub.handlers._scope import order_scope, tenant_scope

Handler = Callable[..., Awaitable[Any]]
#: (path kwargs, write) -> (orders, tenant, owner of the collection)
OwnerOf = Callable[[dict[str, Any], bool], tuple[OrdersStore, Tenant, Any]]


@dataclasses.dataclass(frozen=True)
class CollectionHandlers:
    list: Handler
    create: Handler
    get: Handler
    update: Handler
    delete: Handler


def _order_owner(path: dict[str, Any], write: bool) -> tuple[OrdersStore, Tenant, Any]:
    orders, tenant, _store, bundle = order_scope(
        path["tenant_id"], path["store_id"], path["service_order_uid"], write=write
    )
    return orders, tenant, bundle


def _tenant_owner(path: dict[str, Any], write: bool) -> tuple[OrdersStore, Tenant, Any]:
    orders, tenant = tenant_scope(path["tenant_id"])
    return orders, tenant, tenant


def handlers_for(kind: coll.Kind, uid_param: str, owner_of: OwnerOf) -> CollectionHandlers:
    """The five operations of ``kind``; ``uid_param`` names the record's path parameter."""

    async def list_(
        *,
        page: int = 1,
        per_page: int = 20,
        sort: str | None = None,
        order: str = "ASC",
        **path: Any,
    ) -> Any:
        _orders, _tenant, owner = owner_of(path, False)
        sort = sort or next(iter(kind.sorts))
        return coll.list_records(kind, owner, sort=sort, order=order, page=page, per_page=per_page)

    async def create(*, body: dict[str, Any], **path: Any) -> Any:
        orders, tenant, owner = owner_of(path, True)
        with orders.writing(tenant):
            return coll.create_record(kind, orders, tenant, owner, body), 201

    async def get(**path: Any) -> Any:
        _orders, _tenant, owner = owner_of(path, False)
        return coll.get_record(kind, owner, path[uid_param])

    async def update(*, body: dict[str, Any], **path: Any) -> Any:
        orders, tenant, owner = owner_of(path, True)
        with orders.writing(tenant):
            return coll.update_record(kind, orders, tenant, owner, path[uid_param], body)

    async def delete(**path: Any) -> Any:
        orders, tenant, owner = owner_of(path, True)
        with orders.writing(tenant):
            coll.delete_record(kind, orders, tenant, owner, path[uid_param])
        return None, 204

    return CollectionHandlers(list_, create, get, update, delete)


def order_collection(kind: coll.Kind, uid_param: str) -> CollectionHandlers:
    """Handlers of a collection under a service order."""
    return handlers_for(kind, uid_param, _order_owner)


def tenant_collection(kind: coll.Kind, uid_param: str) -> CollectionHandlers:
    """Handlers of a collection of a tenant's set-up."""
    return handlers_for(kind, uid_param, _tenant_owner)
