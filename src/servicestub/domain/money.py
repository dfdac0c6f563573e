"""Money arithmetic: amounts are rounded to cents once, where they are made."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal


@functools.lru_cache(maxsize=65536)
def cents(value: float | Decimal) -> float:
    """``value`` rounded half-up to two decimals, as a JSON number.

    Cached: prices and amounts repeat, and a store of 100,000 orders then holds
    one float object per distinct amount instead of one per occurrence."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def total(amounts: Iterable[float]) -> float:
    """Exact sum of amounts already rounded to cents (no float drift).

    Summed as whole cents: the same result as decimal arithmetic, several times
    faster (every seeded order is totalled).
    """
    return sum(round(a * 100) for a in amounts) / 100


def line_amount(quantity: float, unit_price: float) -> float:
    """``quantity`` x ``unit_price``, rounded to cents."""
    return cents(Decimal(str(quantity)) * Decimal(str(unit_price)))
