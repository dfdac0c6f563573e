"""Resolving the path's tenant, store and order for a handler.

A write handler resolves its scope, then does its write inside
``with orders.writing(tenant):``, which pins the tenant only if the write succeeds.
"""

from __future__ import annotations

from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.runtime import current


def tenant_scope(tenant_id: str) -> tuple[OrdersStore, Tenant]:
    orders = current().orders
    return orders, orders.tenant(tenant_id)


def store_scope(tenant_id: str, store_id: str) -> tuple[OrdersStore, Tenant, Store]:
    orders = current().orders
    tenant, store = orders.store(tenant_id, store_id)
    return orders, tenant, store


def order_scope(
    tenant_id: str, store_id: str, service_order_uid: str, *, write: bool = False
) -> tuple[OrdersStore, Tenant, Store, OrderBundle]:
    """The order of the path, or 404 (also for an order of another tenant or store).

    For a write, the order's seeded details are made first (see
    :class:`~servicestub.apis.orders.state.OrderBundle`)."""
    orders, tenant, store = store_scope(tenant_id, store_id)
    bundle = store.bundle(service_order_uid)
    if write:
        bundle.settle()
    return orders, tenant, store, bundle
