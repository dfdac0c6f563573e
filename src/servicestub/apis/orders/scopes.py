"""What a request of the Service Orders API works in: a tenant, a store of it,
or a service order of the store - each the owner of the collections under it
(:class:`~servicestub.engine.collection.Owner`) - and how each is resolved from
the path's ids (404 when it does not exist).
"""

from __future__ import annotations

import contextlib
import dataclasses

from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.core.shapes import Records

#: Collection (last path segment) -> the attribute of its owner holding it.
_TENANT_HOLDS = {
    "service-types": "service_types",
    "service-statuses": "statuses",
    "hourly-rates": "hourly_rates",
}
_ORDER_HOLDS = {
    "events": "events",
    "hours": "hours",
    "notifications": "notifications",
    "sales-orders": "sales_orders",
}


@dataclasses.dataclass(frozen=True)
class TenantScope:
    """A tenant of the API, with the store of every tenant."""

    orders: OrdersStore
    tenant: Tenant

    def records(self, collection: str) -> Records:
        held: Records = getattr(self.tenant, _TENANT_HOLDS[collection])
        return held

    def read_records(self, collection: str) -> Records:
        return self.records(collection)

    def new_id(self) -> str:
        return self.orders.new_uid()

    def now(self) -> str:
        return self.orders.now()

    def where(self) -> str:
        return f"in tenant '{self.tenant.tenant_id}'"

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """A write pins the tenant only if it succeeds (see ``OrdersStore.writing``)."""
        return self.orders.writing(self.tenant)


@dataclasses.dataclass(frozen=True)
class StoreScope(TenantScope):
    """A store of a tenant."""

    store: Store


@dataclasses.dataclass(frozen=True)
class OrderScope(StoreScope):
    """A service order of a store: the owner of its events, hours, notifications
    and sales orders."""

    bundle: OrderBundle

    def records(self, collection: str) -> Records:
        held: Records = getattr(self.bundle, _ORDER_HOLDS[collection])
        return held

    def where(self) -> str:
        return f"on service order '{self.bundle.order['serviceOrderUid']}'"


def tenant_scope(orders: OrdersStore, tenant_id: str) -> TenantScope:
    """The tenant, provisioned on first use."""
    return TenantScope(orders, orders.tenant(tenant_id))


def store_scope(orders: OrdersStore, tenant_id: str, store_id: str) -> StoreScope:
    """The store of the tenant, each provisioned on first use."""
    tenant, store = orders.store(tenant_id, store_id)
    return StoreScope(orders, tenant, store)


def order_scope(
    orders: OrdersStore,
    tenant_id: str,
    store_id: str,
    service_order_uid: str,
    *,
    write: bool = False,
) -> OrderScope:
    """The order of the path, or 404 (also for an order of another tenant or store).

    For a write, the order's seeded details are made first (see
    :class:`~servicestub.apis.orders.state.OrderBundle`)."""
    scope = store_scope(orders, tenant_id, store_id)
    bundle = scope.store.bundle(service_order_uid)
    if write:
        bundle.settle()
    return OrderScope(scope.orders, scope.tenant, scope.store, bundle)
