"""The money rules, written once: every derived amount of the Service Orders API
(hours amounts, order totals, sales order lines and total, seeded and scenario
data) is made by these functions.

- Amounts are whole cents: a price is rounded half-up to cents when it is
  stored, a line's amount is ``quantity x unitPrice`` rounded half-up to cents
  (exact for items, whose quantity is an integer), and sums add whole cents.
- An hours entry is priced when it is booked, and again when its ``hours`` or
  its ``hourlyRateUid`` change: ``unitPrice`` is then the rate's price (0
  without a rate) and ``amount`` is ``hours x unitPrice``. Nothing else
  re-prices it, so a later change of the rate (its price or its currency)
  leaves the entries booked at it as they are.
- One currency per order: an order's amounts are in its tenant's currency, and
  an hours entry can only be priced at a rate in that currency (no conversion).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_CENT = Decimal("0.01")

#: The fields of an hours entry whose change re-prices it.
PRICED_BY = ("hours", "hourlyRateUid")


@functools.lru_cache(maxsize=65536)
def cents(value: float | Decimal) -> float:
    """``value`` rounded half-up to two decimals, as a JSON number.

    Cached: prices and amounts repeat, and a store of 100,000 orders then holds
    one float object per distinct amount instead of one per occurrence."""
    return float(Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP))


def total(amounts: Iterable[float]) -> float:
    """Exact sum of amounts already rounded to cents (no float drift).

    Summed as whole cents: the same result as decimal arithmetic, several times
    faster (every seeded order is totalled).
    """
    return sum(round(a * 100) for a in amounts) / 100


def order_totals(
    currency: str, items: Iterable[Mapping[str, Any]], billable_hours: Iterable[float]
) -> dict[str, Any]:
    """The ``totals`` of an order with ``items`` and these billable hours amounts."""
    items_total = total(line_amount(i["quantity"], i["unitPrice"]) for i in items)
    hours_total = total(billable_hours)
    return {
        "items": items_total,
        "hours": hours_total,
        "total": total((items_total, hours_total)),
        "currency": currency,
    }


def line_amount(quantity: float, unit_price: float) -> float:
    """``quantity`` x ``unit_price``, rounded half-up to cents: the amount of
    every line (an item, an hours entry, a sales order line)."""
    return cents(Decimal(str(quantity)) * Decimal(str(unit_price)))


class CurrencyMismatch(ValueError):
    """A rate priced in another currency than the order it would price."""

    def __init__(self, rate: Mapping[str, Any], currency: str) -> None:
        super().__init__(f"rate in {rate['currency']}, order in {currency}")
        self.rate = rate
        self.currency = currency


def hours_price(rate: Mapping[str, Any] | None, currency: str) -> float:
    """The unit price of hours booked at ``rate`` on an order in ``currency``:
    the rate's price, 0 without a rate; :class:`CurrencyMismatch` when the rate
    is priced in another currency (amounts are never converted)."""
    if rate is None:
        return 0.0
    if rate["currency"] != currency:
        raise CurrencyMismatch(rate, currency)
    price: float = rate["price"]
    return price


def price_hours(
    entry: dict[str, Any],
    before: Mapping[str, Any] | None,
    rate: Mapping[str, Any] | None,
    currency: str,
) -> None:
    """Set ``unitPrice`` and ``amount`` of hours ``entry`` (``before``: the entry
    as it was, ``None`` for a new one). Priced anew only when it is new or one of
    :data:`PRICED_BY` differs from ``before``; otherwise it keeps its price."""
    if before is not None and all(entry[f] == before[f] for f in PRICED_BY):
        entry["unitPrice"] = before["unitPrice"]
        entry["amount"] = before["amount"]
        return
    entry["unitPrice"] = hours_price(rate, currency)
    entry["amount"] = line_amount(entry["hours"], entry["unitPrice"])
