"""The money rules as a test states them, independently of ``domain/money.py``:
decimal arithmetic on whole cents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from servicestub.apis.orders.state import OrderBundle


def exact_cents(quantity: float, price: float) -> int:
    """quantity x price in whole cents, rounded half-up."""
    product = Decimal(str(quantity)) * Decimal(str(price)) * 100
    return int(product.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_of(amount: float) -> int:
    """The whole cents of ``amount``; fails when it is not a whole number of cents."""
    scaled = Decimal(str(amount)) * 100
    assert scaled == scaled.to_integral_value(), f"{amount} is not whole cents"
    return int(scaled)


def assert_money_rules(bundle: OrderBundle, currency: str) -> None:
    """Every derived amount of the order obeys the rules: each hours entry is
    hours x its unitPrice, the totals are items + billable hours in
    ``currency``, and each sales order's lines multiply out and add up."""
    order: dict[str, Any] = bundle.order
    totals = order["totals"]
    assert totals["currency"] == currency
    items = sum(exact_cents(i["quantity"], i["unitPrice"]) for i in order["items"])
    hours = 0
    for entry in bundle.hours.values():
        assert cents_of(entry["amount"]) == exact_cents(entry["hours"], entry["unitPrice"])
        hours += cents_of(entry["amount"]) if entry["billable"] else 0
    assert cents_of(totals["items"]) == items
    assert cents_of(totals["hours"]) == hours
    assert cents_of(totals["total"]) == items + hours
    for sales in bundle.sales_orders.values():
        for line in sales["lines"]:
            assert cents_of(line["amount"]) == exact_cents(line["quantity"], line["unitPrice"])
        assert sum(cents_of(line["amount"]) for line in sales["lines"]) == cents_of(sales["total"])
        assert sales["currency"] == currency
