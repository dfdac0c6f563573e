"""The oracle: what the contract (``docs api-surface.md``) says the answers must be.

Written from the contract alone, never from servicestub's domain code, so that
the mock cannot pass by construction. It predicts only what the contract fixes:
no ids, numbering formats (beyond "trailing digits increase"), timestamps,
seeded data, order of ties or of missing values in DESC, or rounding of
fractional cents. Everything here is plain data and pure functions.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

STATES = ("NEW", "IN_PROGRESS", "WAITING", "DONE", "CLOSED", "CANCELLED")
PRIORITIES = ("NONE", "LOW", "NORMAL", "HIGH", "URGENT")
EVENT_TYPES = ("NOTE", "STATUS_CHANGE", "CUSTOMER_CONTACT", "INTERNAL")

#: List filter (query and search body) -> the order field it filters on.
ORDER_FILTERS = {
    "states": "state",
    "serviceTypes": "serviceTypeUid",
    "assignedUsers": "assignedUserId",
    "createdFromStores": "createdFromStoreId",
    "priorities": "priority",
}
#: Sortable fields of service orders (2.2).
ORDER_SORTS = (
    "serviceOrderUid",
    "serviceNumber",
    "title",
    "state",
    "priority",
    "createdAt",
    "updatedAt",
    "dueDate",
)
#: Fields a client sets on an order (ServiceOrderCreate / ServiceOrderUpdate).
ORDER_FIELDS = (
    "title",
    "description",
    "state",
    "statusUid",
    "serviceTypeUid",
    "priority",
    "assignedUserId",
    "createdFromStoreId",
    "customer",
    "dueDate",
)
ORDER_DEFAULTS = {"state": "NEW", "priority": "NONE"}

Key = Callable[[Any], Any]


def answered_order(value: object) -> tuple[int, Any]:
    """A sort key over anything a target may answer where the contract wants a
    number or a string: numbers ascending, then strings, then sequences (element by
    element), then anything else by its repr, missing (``None``) last. On answers of
    one type it orders as ``sorted`` does; on mixed ones it orders rather than
    failing, so a check can name what came back."""
    if value is None:
        return (4, "")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, list | tuple):
        return (2, tuple(answered_order(item) for item in value))
    return (3, repr(value))


def sorted_answers(values: Iterable[Any]) -> list[Any]:
    """``values`` a target answered, in :func:`answered_order`."""
    return sorted(values, key=answered_order)


def money(value: Any) -> Decimal:
    """A JSON amount as an exact decimal (the checks only use amounts exact in cents)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def answered_money(value: Any) -> Decimal | None:
    """An amount a target answered, as :func:`money` reads it, or ``None`` when it
    answered no number (``null``, a string, a list): ``None`` equals no amount the
    oracle expects, so the rule fails naming the answer instead of crashing."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        return money(value)
    except InvalidOperation:  # inf or nan
        return None


def trailing_number(text: Any) -> int | None:
    """The trailing digits of a service number as an integer ("SO-10001" -> 10001)."""
    found = re.search(r"(\d+)\D*$", str(text or ""))
    return int(found.group(1)) if found else None


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value).lower()


def _rank(values: Sequence[str]) -> Key:
    return lambda value: None if value is None else values.index(value)


#: How each sortable field of each list compares (text case-insensitively,
#: ranked enums by rank, dates and instants as such).
SORT_KEYS: dict[str, Key] = {
    "serviceOrderUid": _text,
    "serviceNumber": trailing_number,
    "title": _text,
    "name": _text,
    "type": _text,
    "state": _rank(STATES),
    "priority": _rank(PRIORITIES),
    "createdAt": _instant,
    "updatedAt": _instant,
    "dueDate": lambda value: value or None,
    "date": lambda value: value or None,
    "hours": lambda value: None if value is None else Decimal(str(value)),
    "position": lambda value: value,
}

PLAIN = re.compile(r"^[A-Za-z0-9 ]*$")


def plain(value: Any) -> bool:
    """Whether a value's order is fixed by the contract whatever the collation:
    not text, or ASCII letters, digits and spaces only."""
    return not isinstance(value, str) or bool(PLAIN.match(value))


def describe(item: Mapping[str, Any], field: str) -> str:
    value = item.get(field)
    return "missing" if value is None else f'"{value}"' if isinstance(value, str) else str(value)


def sort_violation(
    items: Sequence[Mapping[str, Any]], field: str, descending: bool, query: str, offset: int = 0
) -> str | None:
    """Why ``items`` (one listing in order) is not sorted by ``field``, or None.

    Ascending, missing values come last; descending, where ties and missing
    values go is the implementation's choice, so only present, different
    values are compared. Pairs with text whose collation the contract leaves
    open (punctuation, non-ASCII) are not judged."""
    key = SORT_KEYS[field]
    present = [(n, item, key(item.get(field))) for n, item in enumerate(items, start=1 + offset)]
    if not descending:
        seen_missing: tuple[int, Mapping[str, Any]] | None = None
        for n, item, value in present:
            if value is None:
                seen_missing = seen_missing or (n, item)
            elif seen_missing is not None:
                return (
                    f"{query}: item {seen_missing[0]} with {field} missing comes before item {n} "
                    f"{describe(item, field)} (missing values come last ascending)"
                )
    judged = [entry for entry in present if entry[2] is not None and plain(entry[1].get(field))]
    for (n1, first, a), (n2, second, b) in itertools.pairwise(judged):
        if (a > b) if not descending else (a < b):
            return (
                f"{query}: item {n1} {describe(first, field)} comes before item {n2} "
                f"{describe(second, field)}"
            )
    return None


def matches_filters(order: Mapping[str, Any], filters: Mapping[str, Sequence[str]]) -> bool:
    """Values within one filter OR, filters AND (2.2)."""
    return all(order.get(ORDER_FILTERS[name]) in values for name, values in filters.items())


def _contains(haystack: Any, needle: str) -> bool:
    return needle.lower() in str(haystack or "").lower()


def matches_search(order: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """Whether an order answers a search body (2.5): text case-insensitive and
    partial; ``query`` over customer name, email, phone, service number and
    title, and then ``customer``/``service`` ignored; array filters as the list's;
    ``createdFrom``/``createdTo`` inclusive on the UTC day of ``createdAt``."""
    customer = order.get("customer") or {}
    if body.get("query"):
        fields = (
            customer.get("name"),
            customer.get("email"),
            customer.get("phone"),
            order.get("serviceNumber"),
            order.get("title"),
        )
        if not any(_contains(value, body["query"]) for value in fields):
            return False
    else:
        for name, wanted in (body.get("customer") or {}).items():
            if wanted and not _contains(customer.get(name), wanted):
                return False
        for name, wanted in (body.get("service") or {}).items():
            if wanted and not _contains(order.get(name), wanted):
                return False
    filters = {name: body[name] for name in ORDER_FILTERS if body.get(name)}
    if not matches_filters(order, filters):
        return False
    day = utc_day(order.get("createdAt"))
    if body.get("createdFrom") and day < body["createdFrom"]:
        return False
    return not (body.get("createdTo") and day > body["createdTo"])


def search_rule(
    order: Mapping[str, Any], body: Mapping[str, Any], rule: str, text_rule: str | None
) -> str:
    """The rule a search breaks by finding ``order`` wrongly or missing it: ``text_rule``
    when it was found although its text criteria (``body`` without ``states``) do not
    match, else ``rule`` (the search as a whole, e.g. the filter combined with them)."""
    text_only = {k: v for k, v in body.items() if k != "states"}
    if text_rule and matches_search(order, body) is False and not matches_search(order, text_only):
        return text_rule
    return rule


def utc_day(value: Any) -> str:
    instant = _instant(value)
    if instant is None:
        return ""
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    return instant.date().isoformat()


def merge_update(old: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """PUT: fields present are replaced, absent ones kept."""
    return {**old, **update}


def items_total(items: Iterable[Mapping[str, Any]]) -> Decimal:
    return sum((money(i["unitPrice"]) * int(i["quantity"]) for i in items), Decimal("0.00"))


def hours_amount(hours: Any, price: Any) -> Decimal:
    """hours x the rate's price; 0 without a rate."""
    return money(Decimal(str(hours)) * money(price)) if price is not None else Decimal("0.00")


@dataclasses.dataclass
class Hours:
    hours: int
    billable: bool
    #: The rate's price when booked (None: no rate).
    price: Any

    @property
    def amount(self) -> Decimal:
        return hours_amount(self.hours, self.price)


def totals(items: Iterable[Mapping[str, Any]], hours: Iterable[Hours]) -> dict[str, Decimal]:
    """totals = items + billable hours."""
    item_sum = items_total(items)
    hour_sum = sum((h.amount for h in hours if h.billable), Decimal("0.00"))
    return {"items": item_sum, "hours": hour_sum, "total": item_sum + hour_sum}


def notification_channel(customer: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(channel, recipient) of a notification: by email if the customer has one,
    else by SMS if a phone, else none."""
    customer = customer or {}
    if customer.get("email"):
        return "EMAIL", customer["email"]
    if customer.get("phone"):
        return "SMS", customer["phone"]
    return None


def update_triggers(old: Mapping[str, Any], update: Mapping[str, Any]) -> int:
    """Notifications an order update triggers: one per change of ``state`` or ``statusUid``."""
    return sum(1 for f in ("state", "statusUid") if f in update and update[f] != old.get(f))


def place(order: list[str], uid: str, position: int) -> list[str]:
    """A workflow after putting ``uid`` at ``position`` (1-based; past the end means last)."""
    rest = [u for u in order if u != uid]
    index = min(max(position, 1), len(rest) + 1) - 1
    return [*rest[:index], uid, *rest[index:]]


def pages_partition(pages: Sequence[Sequence[Any]], whole: Sequence[Any]) -> str | None:
    """Why the pages of a listing, walked in order, do not partition ``whole``, or None."""
    walked = [uid for page in pages for uid in page]
    seen: set[Any] = set()
    for number, page in enumerate(pages, start=1):
        for uid in page:
            if uid in seen:
                return f"{uid} appears twice (again on page {number})"
            seen.add(uid)
    missing = [uid for uid in whole if uid not in seen]
    if missing:
        return f"{len(missing)} item(s) on no page, e.g. {missing[0]}"
    extra = [uid for uid in walked if uid not in set(whole)]
    if extra:
        return f"{extra[0]} is on a page but not in the listing"
    return None


def meta_violation(meta: Mapping[str, Any], page: int, per_page: int, count: int) -> str | None:
    """Why a list envelope's ``meta`` breaks 2.1's arithmetic, or None."""
    total = meta.get("totalItems")
    if meta.get("page") != page or meta.get("perPage") != per_page:
        return f"meta echoes page {meta.get('page')}, perPage {meta.get('perPage')}"
    if not isinstance(total, int):
        return f"meta.totalItems is {total!r}"
    pages = -(-total // per_page)
    if meta.get("totalPages") != pages:
        return f"meta.totalPages is {meta.get('totalPages')}, not ceil({total} / {per_page})"
    expected = max(0, min(per_page, total - (page - 1) * per_page))
    if count != expected:
        return (
            f"page {page} holds {count} items; {total} items at {per_page} a page give {expected}"
        )
    return None


# -- Services API v4 ---------------------------------------------------------------

#: Lookup ids a client writes, and the *Name each resolves to (3).
V4_LOOKUPS = {
    "serviceTypeId": "serviceType",
    "usageFrequencyTypeId": "usageFrequencyType",
    "generalLedgerId": "generalLedger",
    "taxCodeId": "taxCode",
    "serviceTaxCategoryId": "serviceTaxCategory",
    "defaultServiceStatusTypeId": "defaultServiceStatusType",
    "serviceCategoryId": "serviceCategory",
}
V4_TEXT_OPERATORS = ("equals", "notEquals", "contains", "startsWith", "endsWith")
V4_ORDERED_OPERATORS = (
    "equals",
    "notEquals",
    "greaterThan",
    "greaterThanOrEqual",
    "lessThan",
    "lessThanOrEqual",
)


def v4_kind(field: str) -> str:
    """A Service field's type for Search: text, number, boolean or date."""
    if field == "created":
        return "date"
    if field.startswith("is"):
        return "boolean"
    if field in ("identity", "id", "usageFrequency") or field.endswith("Id"):
        return "number"
    return "text"


def v4_operators(field: str) -> tuple[str, ...]:
    kind = v4_kind(field)
    if kind == "text":
        return V4_TEXT_OPERATORS
    if kind == "boolean":
        return ("equals", "notEquals")
    return V4_ORDERED_OPERATORS


def v4_matches(service: Mapping[str, Any], criteria: Sequence[Mapping[str, Any]]) -> bool:
    """Criteria AND together; strings compare case-insensitively, numbers and dates as such."""
    return all(
        _v4_one(service.get(c["name"]), c["operator"], c["value"], c["name"]) for c in criteria
    )


def _v4_one(have: Any, operator: str, value: Any, field: str) -> bool:
    kind = v4_kind(field)
    if have is None:
        return operator == "notEquals"
    if kind == "text":
        a, b = str(have).lower(), str(value).lower()
        return {
            "equals": a == b,
            "notEquals": a != b,
            "contains": b in a,
            "startsWith": a.startswith(b),
            "endsWith": a.endswith(b),
        }[operator]
    if kind == "date":
        have, value = _instant(have), _instant(value)
    outcomes: dict[str, bool] = {
        "equals": have == value,
        "notEquals": have != value,
        "greaterThan": have > value,
        "greaterThanOrEqual": have >= value,
        "lessThan": have < value,
        "lessThanOrEqual": have <= value,
    }
    return outcomes[operator]
