"""Small helpers to build domain state for unit tests (no HTTP)."""

from __future__ import annotations

from servicestub.apis.orders.seeding import orders_store
from servicestub.apis.orders.state import OrdersStore, Store, Tenant
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
