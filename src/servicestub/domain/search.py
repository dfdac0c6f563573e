"""Which service orders a list filter or a search selects (sections 2.2 and 2.5).

Values within one filter OR together, filters AND together; text matching is
case-insensitive and partial.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from servicestub.domain.orders import check_date
from servicestub.domain.vocabulary import PRIORITIES, STATES
from servicestub.store.paging import SortKey, field_key, rank_key

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

#: List/search filter name -> the order field it matches.
FILTER_FIELDS = {
    "states": "state",
    "serviceTypes": "serviceTypeUid",
    "assignedUsers": "assignedUserId",
    "createdFromStores": "createdFromStoreId",
    "priorities": "priority",
}


def _service_number(record: Record) -> int:
    return int(record["serviceNumber"].removeprefix("SO-"))


ORDER_SORTS: dict[str, SortKey] = {
    "serviceOrderUid": field_key("serviceOrderUid"),
    "serviceNumber": _service_number,
    "title": lambda record: record["title"].casefold(),
    "state": rank_key("state", STATES),
    "priority": rank_key("priority", PRIORITIES),
    "createdAt": field_key("createdAt"),
    "updatedAt": field_key("updatedAt"),
    "dueDate": field_key("dueDate"),
}


def _contains(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle in haystack.casefold()


def _customer_field(record: Record, field: str) -> str | None:
    customer = record["customer"]
    return customer.get(field) if customer else None


def filters_predicate(filters: Mapping[str, Sequence[str] | None]) -> Predicate | None:
    """Predicate for the array filters; ``None`` when no filter is set."""
    active = [
        (FILTER_FIELDS[name], frozenset(values))
        for name, values in filters.items()
        if values and name in FILTER_FIELDS
    ]
    if not active:
        return None
    return lambda record: all(record[field] in allowed for field, allowed in active)


def search_predicate(body: Mapping[str, Any]) -> Predicate | None:
    """Predicate for a search body; ``None`` when it selects everything."""
    tests: list[Predicate] = []
    query = (body.get("query") or "").casefold()
    if query:
        tests.append(
            lambda r: any(
                _contains(value, query)
                for value in (
                    _customer_field(r, "name"),
                    _customer_field(r, "email"),
                    _customer_field(r, "phone"),
                    r["serviceNumber"],
                    r["title"],
                )
            )
        )
    else:
        for field, value in (body.get("customer") or {}).items():
            if value:
                needle = value.casefold()
                tests.append(lambda r, f=field, n=needle: _contains(_customer_field(r, f), n))
        for field, value in (body.get("service") or {}).items():
            if value:
                needle = value.casefold()
                tests.append(lambda r, f=field, n=needle: _contains(r[f], n))
    by_filters = filters_predicate({name: body.get(name) for name in FILTER_FIELDS})
    if by_filters:
        tests.append(by_filters)
    created_from, created_to = body.get("createdFrom"), body.get("createdTo")
    check_date("createdFrom", created_from)
    check_date("createdTo", created_to)
    if created_from:
        tests.append(lambda r: r["createdAt"][:10] >= created_from)
    if created_to:
        tests.append(lambda r: r["createdAt"][:10] <= created_to)
    if not tests:
        return None
    return lambda record: all(test(record) for test in tests)
