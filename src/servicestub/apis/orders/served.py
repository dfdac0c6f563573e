"""What the Service Orders API plugs into the collections of its spec that the
engine serves by itself (:mod:`servicestub.engine.dispatch`): the parent of
each of its scopes, and the rules of such a collection.

A collection added to ``service-orders.yaml`` under a tenant, a store or a
service order is served with no Python change: its records are held per scope,
a scope whose tenant, store or order does not exist is a 404, ids and
timestamps are the API's, and a write pins the tenant like any other. A
collection with rules of its own gets a rule module whose
:class:`~servicestub.engine.collection.Rules` are entered in :data:`RULES` by
the collection's path (the rules receive a
:class:`~servicestub.engine.dispatch.HeldOwner` whose ``parent`` is the
:mod:`~servicestub.apis.orders.scopes` object).
"""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.envelopes import orders_rules
from servicestub.apis.orders.scopes import (
    OrderScope,
    StoreScope,
    TenantScope,
    order_scope,
    store_scope,
    tenant_scope,
)
from servicestub.apis.orders.state import OrdersStore
from servicestub.engine.collection import Rules
from servicestub.engine.dispatch import ParentOf, Plugins


def _tenant(orders: OrdersStore, values: tuple[str, ...], write: bool) -> TenantScope:
    (tenant_id,) = values
    return tenant_scope(orders, tenant_id)


def _store(orders: OrdersStore, values: tuple[str, ...], write: bool) -> StoreScope:
    tenant_id, store_id = values
    return store_scope(orders, tenant_id, store_id)


def _order(orders: OrdersStore, values: tuple[str, ...], write: bool) -> OrderScope:
    tenant_id, store_id, service_order_uid = values
    return order_scope(orders, tenant_id, store_id, service_order_uid, write=write)


#: The path parameter naming the tenant (what ``DELETE /_mock/tenants/{tenantId}`` drops).
TENANT_PARAMETER = "tenantId"
#: The API's scopes, by the spec's path parameter names.
PARENTS: dict[tuple[str, ...], ParentOf[OrdersStore]] = {
    (TENANT_PARAMETER,): _tenant,
    (TENANT_PARAMETER, "storeId"): _store,
    (TENANT_PARAMETER, "storeId", "serviceOrderUid"): _order,
}
#: Collection path (as in the spec) -> the rules of a collection served by the engine.
RULES: dict[str, Rules[Any]] = {}

#: A collection without rules of its own follows the API's conventions (the list
#: envelope, ``""`` for null in a nullable field), as the written ones do.
PLUGINS: Plugins[OrdersStore] = Plugins(parents=PARENTS, rules=RULES, default_rules=orders_rules())
