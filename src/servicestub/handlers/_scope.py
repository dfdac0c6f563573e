"""Resolving the path's tenant, store and order for a handler, as a scope object
(:mod:`servicestub.apis.orders.scopes`) that owns the collections under it.

A write resolves its scope, then writes inside ``scope.writing()`` (the engine's
collections do so themselves), which pins the tenant only if the write succeeds.
"""

from __future__ import annotations

from servicestub.apis.orders.scopes import OrderScope, StoreScope, TenantScope
from servicestub.runtime import current


def tenant_scope(tenant_id: str) -> TenantScope:
    orders = current().orders
    return TenantScope(orders, orders.tenant(tenant_id))


def store_scope(tenant_id: str, store_id: str) -> StoreScope:
    orders = current().orders
    tenant, store = orders.store(tenant_id, store_id)
    return StoreScope(orders, tenant, store)


def order_scope(
    tenant_id: str, store_id: str, service_order_uid: str, *, write: bool = False
) -> OrderScope:
    """The order of the path, or 404 (also for an order of another tenant or store).

    For a write, the order's seeded details are made first (see
    :class:`~servicestub.apis.orders.state.OrderBundle`)."""
    scope = store_scope(tenant_id, store_id)
    bundle = scope.store.bundle(service_order_uid)
    if write:
        bundle.settle()
    return OrderScope(scope.orders, scope.tenant, scope.store, bundle)
