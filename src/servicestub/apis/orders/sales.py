"""Sales orders made from a service order's items and billable hours."""

from __future__ import annotations

from collections.abc import Mapping

from servicestub.apis.orders import money
from servicestub.apis.orders.service_orders import blank_to_none
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.core.shapes import Record


def sales_lines(rates: Mapping[str, Record], bundle: OrderBundle) -> list[Record]:
    """One line per item, then one per billable hours entry at the price it was
    booked at; ``rates`` (hourly rate uid -> rate) only name a line without a
    description. Every line's amount is its quantity x unitPrice by
    :func:`money.line_amount`, so the lines add up to the order's totals."""
    lines = [
        {
            "type": "ITEM",
            "description": item["name"],
            "quantity": item["quantity"],
            "unitPrice": item["unitPrice"],
            "amount": money.line_amount(item["quantity"], item["unitPrice"]),
        }
        for item in bundle.order["items"]
    ]
    for entry in sorted(bundle.hours.values(), key=lambda h: (h["date"], h["hoursUid"])):
        if not entry["billable"]:
            continue
        rate = rates.get(entry["hourlyRateUid"] or "")
        lines.append(
            {
                "type": "HOURS",
                "description": entry["description"] or (rate["name"] if rate else "Labour"),
                "quantity": entry["hours"],
                "unitPrice": entry["unitPrice"],
                "amount": entry["amount"],
            }
        )
    return lines


def build_sales_order(
    rates: Mapping[str, Record],
    currency: str,
    bundle: OrderBundle,
    body: Record,
    *,
    number: int,
    uid: str,
    created_at: str,
) -> Record:
    """Sales order ``AO-<number>`` for ``bundle`` as it stands now (not yet stored)."""
    record = {
        "salesOrderUid": uid,
        "orderNumber": f"AO-{number}",
        "customerId": body["customerId"],
        "reference": blank_to_none(body.get("reference")),
        "orderAddress": body["orderAddress"],
        "invoiceAddress": body.get("invoiceAddress"),
        "lines": sales_lines(rates, bundle),
        "total": bundle.order["totals"]["total"],
        "currency": currency,
        "createdAt": created_at,
    }
    return record


def create_sales_order(
    orders: OrdersStore, tenant: Tenant, store: Store, bundle: OrderBundle, body: Record
) -> Record:
    number = store.number_to_issue("next_sales_number")
    record = build_sales_order(
        tenant.hourly_rates,
        tenant.currency,
        bundle,
        body,
        number=number,
        uid=orders.new_uid(),
        created_at=orders.now(),
    )
    store.next_sales_number = number + 1
    bundle.sales_orders[record["salesOrderUid"]] = record
    return record
