"""Small helpers to build domain state for unit tests (no HTTP)."""

from __future__ import annotations

from servicestub.apis.orders.scopes import OrderScope, TenantScope
from servicestub.apis.orders.seeding import orders_store
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.core.settings import Settings


def fresh_store(seed: int = 7, orders_per_store: int = 0) -> tuple[OrdersStore, Tenant, Store]:
    orders = orders_store(Settings(seed=seed, orders_per_store=orders_per_store), seed)
    tenant, store = orders.store("acme", "north")
    with orders.writing(tenant):  # held as written, like a tenant a client wrote to
        pass
    return orders, tenant, store


def any_type(tenant: Tenant) -> str:
    return sorted(tenant.service_types)[0]


def any_rate(tenant: Tenant) -> str:
    return sorted(tenant.hourly_rates)[0]


def tenant_scope(orders: OrdersStore, tenant: Tenant) -> TenantScope:
    """The tenant as the owner of its set-up collections."""
    return TenantScope(orders, tenant)


def order_scope(orders: OrdersStore, tenant: Tenant, bundle: OrderBundle) -> OrderScope:
    """The order (held by a store) as the owner of the collections under it."""
    store = bundle.home
    assert store is not None, "the order is held by a store"
    return OrderScope(orders, tenant, store, bundle)
