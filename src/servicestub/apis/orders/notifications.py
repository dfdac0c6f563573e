"""Notifications the mock sends a customer: one per trigger, by email, else SMS."""

from __future__ import annotations

from servicestub.apis.orders.state import OrderBundle, OrdersStore
from servicestub.core.shapes import Record


def channel_for(customer: Record | None) -> tuple[str, str] | None:
    """``(channel, recipient)`` for a customer: email first, then phone, else none."""
    if not customer:
        return None
    if customer.get("email"):
        return "EMAIL", customer["email"]
    if customer.get("phone"):
        return "SMS", customer["phone"]
    return None


def notify(
    orders: OrdersStore, bundle: OrderBundle, message: str, *, status: str = "QUEUED"
) -> Record | None:
    """Queue one notification to the order's customer; ``None`` when unreachable."""
    route = channel_for(bundle.order.get("customer"))
    if route is None:
        return None
    channel, recipient = route
    record = {
        "notificationUid": orders.new_uid(),
        "channel": channel,
        "recipient": recipient,
        "message": message,
        "status": status,
        "createdAt": orders.now(),
    }
    bundle.notifications[record["notificationUid"]] = record
    return record
