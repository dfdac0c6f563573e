"""Notifications the mock sent for a service order (read-only)."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.kinds import NOTIFICATIONS
from servicestub.handlers._scope import order_scope


async def list_notifications(
    tenant_id: str, store_id: str, service_order_uid: str, **query: Any
) -> Any:
    return NOTIFICATIONS.list(order_scope(tenant_id, store_id, service_order_uid), query)
