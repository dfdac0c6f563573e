"""Resolving the path's tenant, store and order for a handler, as a scope object
(:mod:`servicestub.apis.orders.scopes`) that owns the collections under it.

A write resolves its scope, then writes inside ``scope.writing()`` (the engine's
collections do so themselves), which pins the tenant only if the write succeeds.
"""

from __future__ import annotations

from servicestub.apis.orders import scopes
from servicestub.apis.orders.scopes import OrderScope, StoreScope, TenantScope
from servicestub.runtime import current


def tenant_scope(tenant_id: str) -> TenantScope:
    return scopes.tenant_scope(current().orders, tenant_id)


def store_scope(tenant_id: str, store_id: str) -> StoreScope:
    return scopes.store_scope(current().orders, tenant_id, store_id)


def order_scope(
    tenant_id: str, store_id: str, service_order_uid: str, *, write: bool = False
) -> OrderScope:
    """The order of the path, or 404 (see :func:`servicestub.apis.orders.scopes.order_scope`)."""
    return scopes.order_scope(current().orders, tenant_id, store_id, service_order_uid, write=write)
