"""Which service orders a list filter or a search selects, and in which order
(sections 2.2 and 2.5).

Values within one filter OR together, filters AND together; text matching is
case-insensitive and partial. The store's indexes answer all of it: filters
and date ranges as set operations, texts as substring tests on what is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from servicestub.apis.orders.service_orders import check_date
from servicestub.apis.orders.vocabulary import PRIORITIES, STATES
from servicestub.core.shapes import Record
from servicestub.engine.index import Criteria, OrderIndex
from servicestub.engine.paging import SortKey, field_key, rank_key

#: List/search filter name -> the order field it matches.
FILTER_FIELDS = {
    "states": "state",
    "serviceTypes": "serviceTypeUid",
    "assignedUsers": "assignedUserId",
    "createdFromStores": "createdFromStoreId",
    "priorities": "priority",
}

#: Searchable texts, in the order of :func:`order_texts`.
TEXT_FIELDS = ("customer.name", "customer.email", "customer.phone", "serviceNumber", "title")
_CUSTOMER_TEXT = {"name": 0, "email": 1, "phone": 2}
_SERVICE_TEXT = {"serviceNumber": 3, "title": 4}


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


def order_texts(record: Record) -> tuple[str, ...]:
    """The case-folded texts that search matches, in :data:`TEXT_FIELDS` order."""
    customer = record["customer"] or {}
    values = (
        customer.get("name"),
        customer.get("email"),
        customer.get("phone"),
        record["serviceNumber"],
        record["title"],
    )
    return tuple((value or "").casefold() for value in values)


def new_order_index() -> OrderIndex:
    """An empty index of a store's orders."""
    return OrderIndex(ORDER_SORTS, FILTER_FIELDS.values(), order_texts)


def filter_sets(filters: Mapping[str, Sequence[str] | None]) -> dict[str, frozenset[str]]:
    """The active array filters, keyed by the order field they match."""
    return {
        FILTER_FIELDS[name]: frozenset(values)
        for name, values in filters.items()
        if values and name in FILTER_FIELDS
    }


def criteria(body: Mapping[str, Any]) -> Criteria:
    """The text and date criteria of a search body (``query`` wins over the
    fielded ``customer``/``service`` texts)."""
    texts: list[tuple[int | None, str]] = []
    query = (body.get("query") or "").casefold()
    if query:
        texts.append((None, query))
    else:
        for group, positions in (("customer", _CUSTOMER_TEXT), ("service", _SERVICE_TEXT)):
            for field, value in (body.get(group) or {}).items():
                if value and field in positions:
                    texts.append((positions[field], value.casefold()))
    created_from, created_to = body.get("createdFrom"), body.get("createdTo")
    check_date("createdFrom", created_from)
    check_date("createdTo", created_to)
    ranges = []
    if created_from or created_to:
        # createdAt is a full timestamp: the whole of ``createdTo``'s day is inside.
        ranges.append(("createdAt", created_from or None, f"{created_to}~" if created_to else None))
    return Criteria(texts=tuple(texts), ranges=tuple(ranges))
