"""Search criteria of the Services API v4: ``{"name", "operator", "value"}``,
ANDed; strings compare case-insensitively, numbers and dates as such."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from servicestub.errors import BadRequest

Record = dict[str, Any]

STRING_OPS = {
    "equals": operator.eq,
    "notEquals": operator.ne,
    "contains": lambda a, b: b in a,
    "startsWith": lambda a, b: a.startswith(b),
    "endsWith": lambda a, b: a.endswith(b),
}
ORDERED_OPS = {
    "equals": operator.eq,
    "notEquals": operator.ne,
    "greaterThan": operator.gt,
    "greaterThanOrEqual": operator.ge,
    "lessThan": operator.lt,
    "lessThanOrEqual": operator.le,
}
BOOL_OPS = {"equals": operator.eq, "notEquals": operator.ne}
OPERATORS = sorted(set(STRING_OPS) | set(ORDERED_OPS))

NUMBER_FIELDS = {
    "identity",
    "ownerId",
    "serviceTypeId",
    "usageFrequency",
    "usageFrequencyTypeId",
    "generalLedgerId",
    "taxCodeId",
    "serviceTaxCategoryId",
    "defaultServiceStatusTypeId",
    "serviceCategoryId",
    "id",
}
BOOL_FIELDS = {"isActive", "isTaxExempt", "isInclusiveTaxes"}
DATE_FIELDS = {"created"}
STRING_FIELDS = {
    "name",
    "description",
    "ownerName",
    "serviceTypeName",
    "usageFrequencyTypeName",
    "generalLedgerName",
    "taxCodeName",
    "serviceTaxCategoryName",
    "defaultServiceStatusTypeName",
    "serviceCategoryName",
}
FIELDS = NUMBER_FIELDS | BOOL_FIELDS | DATE_FIELDS | STRING_FIELDS


def _as_number(field: str, value: Any) -> float:
    if isinstance(value, bool):
        raise BadRequest(f"{field} is a number; {value!r} is not.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{field} is a number; {value!r} is not.") from None


def _as_bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise BadRequest(f"{field} is true or false; {value!r} is not.")


def _as_moment(field: str, value: Any) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{field} is a date; {value!r} is not an ISO 8601 date.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def criterion(field: str, op_name: str, value: Any) -> Callable[[Record], bool]:
    """One criterion as a test of a rendered service; 400 when it cannot apply."""
    if field not in FIELDS:
        raise BadRequest(
            f"'{field}' is not a field of Service; use one of {', '.join(sorted(FIELDS))}."
        )
    if field in STRING_FIELDS:
        table, kind, convert = STRING_OPS, "text", lambda v: str(v).casefold()
    elif field in NUMBER_FIELDS:
        table, kind, convert = ORDERED_OPS, "number", lambda v: _as_number(field, v)
    elif field in DATE_FIELDS:
        table, kind, convert = ORDERED_OPS, "date", lambda v: _as_moment(field, v)
    else:
        table, kind, convert = BOOL_OPS, "boolean", lambda v: _as_bool(field, v)
    compare = table.get(op_name)
    if compare is None:
        raise BadRequest(
            f"operator '{op_name}' does not apply to {field} (a {kind}); use one of "
            f"{', '.join(table)}."
        )
    wanted = convert(value)

    def test(service: Record) -> bool:
        actual = service.get(field)
        if actual is None:
            return op_name == "notEquals"
        return compare(convert(actual), wanted)

    return test


def search(services: list[Record], criteria: list[Record], top: int) -> list[Record]:
    """The first ``top`` services (by identity) meeting every criterion."""
    tests = [criterion(c["name"], c["operator"], c.get("value")) for c in criteria]
    found = []
    for service in services:
        if all(test(service) for test in tests):
            found.append(service)
            if len(found) == top:
                break
    return found
