"""Which service orders a list filter or a search selects, and in which order
(sections 2.2 and 2.5).

Values within one filter OR together, filters AND together; text matching is
case-insensitive and partial. The store's indexes answer all of it: filters
and date ranges as set operations, texts as substring tests on what is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicestub.apis.orders.envelopes import orders_rules
from servicestub.apis.orders.scopes import StoreScope
from servicestub.apis.orders.service_orders import check_date
from servicestub.apis.orders.spec import collection
from servicestub.apis.orders.vocabulary import PRIORITIES, STATES
from servicestub.core.shapes import Json, Record
from servicestub.engine.collection import Collection
from servicestub.engine.index import NO_CRITERIA, Criteria, IndexConfig, RecordIndex
from servicestub.engine.model import Listing
from servicestub.engine.paging import Page, SortKey, rank_key

#: Searchable texts, in the order of :func:`order_texts`.
TEXT_FIELDS = ("customer.name", "customer.email", "customer.phone", "serviceNumber", "title")
_CUSTOMER_TEXT = {"name": 0, "email": 1, "phone": 2}
_SERVICE_TEXT = {"serviceNumber": 3, "title": 4}


def _service_number(record: Record) -> int:
    return int(record["serviceNumber"].removeprefix("SO-"))


#: The sorts the spec cannot say: numbers by value, titles case-insensitively,
#: states and priorities by rank; every other sort of the spec compares the field.
SORTED_NOT_AS_STORED: dict[str, SortKey] = {
    "serviceNumber": _service_number,
    "title": lambda record: record["title"].casefold(),
    "state": rank_key("state", STATES),
    "priority": rank_key("priority", PRIORITIES),
}

#: The store's service orders: listed from its index, so only the model and
#: the envelope of the collection are used, never its records dict.
SERVICE_ORDERS: Collection[StoreScope] = Collection(
    collection("service-orders"),
    orders_rules(label="service order", sort_keys=SORTED_NOT_AS_STORED),
)
#: List/search filter name -> the order field it matches (the spec's).
FILTER_FIELDS: dict[str, str] = SERVICE_ORDERS.list_query.filters
#: Sort name -> key, for every sort the spec offers.
ORDER_SORTS: dict[str, SortKey] = SERVICE_ORDERS.sort_keys


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


ORDER_INDEX = IndexConfig(ORDER_SORTS, tuple(FILTER_FIELDS.values()), order_texts)


def new_order_index() -> RecordIndex:
    """An empty index of a store's orders."""
    return RecordIndex(ORDER_INDEX)


def filter_sets(filters: Mapping[str, Any]) -> dict[str, frozenset[Any]]:
    """The active filters among ``filters`` (name -> values), keyed by the order
    field they match."""
    return SERVICE_ORDERS.list_query.filter_sets(filters)


def _page(
    scope: StoreScope,
    filters: dict[str, frozenset[Any]],
    search: Criteria,
    listing: Listing,
) -> Json:
    data, total = scope.store.query(
        filters,
        search,
        sort=listing.sort,
        descending=listing.descending,
        page=listing.page,
        per_page=listing.per_page,
    )
    return SERVICE_ORDERS.envelope(scope, Page(data, listing.page, listing.per_page, total))


def list_orders(scope: StoreScope, query: Mapping[str, Any]) -> Json:
    """A page of the store's orders passing the query's filters."""
    listing = SERVICE_ORDERS.read(query)
    return _page(scope, listing.filters, NO_CRITERIA, listing)


def search_orders(scope: StoreScope, body: Mapping[str, Any], query: Mapping[str, Any]) -> Json:
    """A page of the store's orders passing the search body's filters and texts;
    paging and sort come from the query, as for the list."""
    return _page(scope, filter_sets(body), criteria(body), SERVICE_ORDERS.read(query))


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
