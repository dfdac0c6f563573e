"""The customer-facing page of an order, reached by its ``publicHash``."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.public_view import public_view
from servicestub.core.errors import NotFound
from servicestub.handlers._scope import store_scope


async def get_public_service_order(tenant_id: str, store_id: str, public_hash: str) -> Any:
    scope = store_scope(tenant_id, store_id)
    order_uid = scope.orders.hasher.open(public_hash, tenant_id, store_id)
    bundle = scope.store.orders.get(order_uid) if order_uid else None
    if bundle is None:
        raise NotFound("No service order has this public link in this store; check the link.")
    return public_view(scope.tenant, bundle)
