"""Notifications the mock sent for a service order (read-only)."""

from __future__ import annotations

from typing import Any

from servicestub.apis.orders.kinds import NOTIFICATION_SORTS
from servicestub.engine.paging import list_page
from servicestub.handlers._scope import order_scope


async def list_notifications(
    tenant_id: str,
    store_id: str,
    service_order_uid: str,
    page: int = 1,
    per_page: int = 20,
    sort: str = "createdAt",
    order: str = "ASC",
) -> Any:
    bundle = order_scope(tenant_id, store_id, service_order_uid)[3]
    return list_page(
        bundle.notifications.values(),
        key_field="notificationUid",
        sort_key=NOTIFICATION_SORTS[sort],
        descending=order == "DESC",
        page=page,
        per_page=per_page,
    )
