"""Search criteria of the Services API v4: ``{"name", "operator", "value"}``,
ANDed; strings compare case-insensitively, numbers and dates as such.

What kind of value each field holds is read from the spec's ``Service``
schema (:data:`.spec.FIELD_KINDS`); a criterion's value must be of that kind as
JSON gives it (no coercion: ``"1001"`` is not a number, ``1001`` is not text, a
boolean is not a number)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from servicestub.apis.services_v4.spec import FIELD_KINDS
from servicestub.core.errors import BadRequest, json_text
from servicestub.core.shapes import Record

#: How an operator compares a stored value (left) with a criterion's (right).
Comparison = Callable[[Any, Any], bool]

STRING_OPS: dict[str, Comparison] = {
    "equals": operator.eq,
    "notEquals": operator.ne,
    "contains": lambda a, b: b in a,
    "startsWith": lambda a, b: a.startswith(b),
    "endsWith": lambda a, b: a.endswith(b),
}
ORDERED_OPS: dict[str, Comparison] = {
    "equals": operator.eq,
    "notEquals": operator.ne,
    "greaterThan": operator.gt,
    "greaterThanOrEqual": operator.ge,
    "lessThan": operator.lt,
    "lessThanOrEqual": operator.le,
}
BOOL_OPS: dict[str, Comparison] = {"equals": operator.eq, "notEquals": operator.ne}
OPERATORS = sorted(set(STRING_OPS) | set(ORDERED_OPS))

NUMBER_FIELDS = {name for name, kind in FIELD_KINDS.items() if kind == "number"}
BOOL_FIELDS = {name for name, kind in FIELD_KINDS.items() if kind == "boolean"}
DATE_FIELDS = {name for name, kind in FIELD_KINDS.items() if kind == "date"}
STRING_FIELDS = {name for name, kind in FIELD_KINDS.items() if kind == "text"}
FIELDS = set(FIELD_KINDS)

#: An ISO 8601 date, or a date-time (to the minute or finer, with or without a zone).
_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)
_EXPECTED = {
    "number": "a JSON number, such as 1001",
    "boolean": "true or false",
    "date": 'an ISO 8601 date or date-time string, such as "2025-06-01"',
    "text": "a JSON string",
}


def _as_moment(text: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is taken as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fits(kind: str, value: Any) -> bool:
    """Whether ``value``, as JSON gave it, is of ``kind`` (no coercion between kinds)."""
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "date":
        if not (isinstance(value, str) and _MOMENT.fullmatch(value)):
            return False
        try:
            _as_moment(value)
        except ValueError:  # 2025-13-01, 24:00, 23:59:60
            return False
        return True
    return isinstance(value, str)


#: kind -> how a stored value (and a request value that fits) is compared
_COMPARABLE: dict[str, Callable[[Any], Any]] = {
    "number": lambda v: v,
    "boolean": lambda v: v,
    "date": _as_moment,
    "text": lambda v: v.casefold(),
}
_OPERATORS: dict[str, dict[str, Comparison]] = {
    "number": ORDERED_OPS,
    "date": ORDERED_OPS,
    "boolean": BOOL_OPS,
    "text": STRING_OPS,
}


def criterion(field: str, op_name: str, value: Any) -> Callable[[Record], bool]:
    """One criterion as a test of a rendered service; 400 when it cannot apply."""
    kind = FIELD_KINDS.get(field)
    if kind is None:
        raise BadRequest(
            f"{json_text(field)} is not a field of Service; use one of {', '.join(sorted(FIELDS))}."
        )
    table = _OPERATORS[kind]
    compare = table.get(op_name)
    if compare is None:
        raise BadRequest(
            f"operator {json_text(op_name)} does not apply to {field} (a {kind} field); use one of "
            f"{', '.join(table)}."
        )
    if not _fits(kind, value):
        raise BadRequest(f"{field} takes {_EXPECTED[kind]}, not {json_text(value)}.")
    comparable = _COMPARABLE[kind]
    wanted = comparable(value)

    def test(service: Record) -> bool:
        actual = service.get(field)
        if actual is None:
            return op_name == "notEquals"
        return bool(compare(comparable(actual), wanted))

    return test


def search(services: list[Record], criteria: list[Record], top: int) -> list[Record]:
    """The first ``top`` services (by identity) meeting every criterion."""
    tests = [criterion(c["name"], c["operator"], c.get("value")) for c in criteria]
    found: list[Record] = []
    for service in services:
        if all(test(service) for test in tests):
            found.append(service)
            if len(found) == top:
                break
    return found
