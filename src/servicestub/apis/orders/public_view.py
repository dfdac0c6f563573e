"""The customer-facing view of an order: nothing internal ever shows."""

from __future__ import annotations

from servicestub.apis.orders.service_orders import status_name
from servicestub.apis.orders.state import OrderBundle, Tenant
from servicestub.core.shapes import Record


def public_view(tenant: Tenant, bundle: OrderBundle) -> Record:
    order = bundle.order
    customer = order["customer"]
    events = sorted(
        (e for e in bundle.events.values() if e["visibleToCustomer"]),
        key=lambda e: (e["createdAt"], e["eventUid"]),
    )
    return {
        "serviceNumber": order["serviceNumber"],
        "title": order["title"],
        "state": order["state"],
        "statusName": status_name(tenant, order["statusUid"]),
        "customer": {"name": customer["name"]} if customer else None,
        "items": order["items"],
        "totals": order["totals"],
        "dueDate": order["dueDate"],
        "events": [
            {"type": e["type"], "message": e["message"], "createdAt": e["createdAt"]}
            for e in events
        ],
    }
