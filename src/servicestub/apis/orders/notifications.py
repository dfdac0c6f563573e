"""Notifications the mock sends a customer: one per trigger, by email, else SMS.
What they say is written here once, for created orders and seeded ones alike."""

from __future__ import annotations

from servicestub.apis.orders import records
from servicestub.apis.orders.state import OrderBundle, OrdersStore
from servicestub.apis.orders.vocabulary import STATE_LABELS
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


def received_text(service_number: str, title: str) -> str:
    """What a customer is told when their order is received."""
    return f"We have received your service order {service_number}: {title}."


def change_text(service_number: str, *, state: str | None = None, status: str | None = None) -> str:
    """What a customer is told when their order's ``state`` and/or workflow
    ``status`` (its name) change: ``is now ready for pickup and has the status 'Done'``."""
    parts = []
    if state is not None:
        parts.append(f"is now {STATE_LABELS[state]}")
    if status is not None:
        parts.append(f"has the status '{status}'")
    return f"Your service order {service_number} {' and '.join(parts)}."


def notify(
    orders: OrdersStore, bundle: OrderBundle, message: str, *, status: str = "QUEUED"
) -> Record | None:
    """Queue one notification to the order's customer; ``None`` when unreachable."""
    route = channel_for(bundle.order.get("customer"))
    if route is None:
        return None
    channel, recipient = route
    record = records.NOTIFICATION.build(
        orders.new_uid(),
        {
            "channel": channel,
            "recipient": recipient,
            "message": message,
            "status": status,
            "createdAt": orders.now(),
        },
    )
    bundle.notifications[record["notificationUid"]] = record
    return record
