"""The engine reads each collection of a spec from the spec: our two specs and
synthetic ones it has never seen."""

from __future__ import annotations

import pytest
from connexion.decorators.parameter import pythonic
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.engine.model import ModelError, python_name, read_model
from servicestub.specs import ORDERS, resolve
from tests.engine.specs import library, orders_with_parts

ORDER = "/tenants/{tenantId}/stores/{storeId}/service-orders/{serviceOrderUid}"


def test_the_orders_spec_lists_its_collections_with_their_scope_and_id():
    model = read_model(ORDERS.parsed())
    found = {c.name: (c.scope, c.id_field) for c in model.collections.values()}
    order_scope = ("tenantId", "storeId", "serviceOrderUid")
    assert found == {
        "service-orders": (("tenantId", "storeId"), "serviceOrderUid"),
        "items": (order_scope, "itemUid"),
        "events": (order_scope, "eventUid"),
        "hours": (order_scope, "hoursUid"),
        "notifications": (order_scope, "notificationUid"),
        "sales-orders": (order_scope, "salesOrderUid"),
        "service-types": (("tenantId",), "serviceTypeUid"),
        "service-statuses": (("tenantId",), "statusUid"),
        "hourly-rates": (("tenantId",), "hourlyRateUid"),
    }


def test_the_orders_list_query_is_the_specs():
    orders = read_model(ORDERS.parsed()).by_name("service-orders")
    listing = orders.listing
    assert listing is not None
    assert listing.paging.page == "page" and listing.paging.per_page == "perPage"
    assert (listing.paging.per_page_default, listing.paging.per_page_max) == (20, 100)
    assert listing.sorting.default == "serviceOrderUid"
    assert set(listing.sorting.fields) == {
        "serviceOrderUid", "serviceNumber", "title", "state", "priority",
        "createdAt", "updatedAt", "dueDate",
    }  # fmt: skip
    assert listing.filters == {
        "states": "state",
        "serviceTypes": "serviceTypeUid",
        "assignedUsers": "assignedUserId",
        "createdFromStores": "createdFromStoreId",
        "priorities": "priority",
    }
    assert orders.envelope is not None and (orders.envelope.items, orders.envelope.meta) == (
        "data",
        "meta",
    )


def test_fields_defaults_and_stamps_come_from_the_schemas():
    model = read_model(ORDERS.parsed())
    events = model.by_name("events")
    assert events.writable == ("type", "message", "userId", "visibleToCustomer")
    assert events.nullable == {"userId"}
    assert events.defaults == {"type": "NOTE", "visibleToCustomer": False}  # under allOf too
    assert events.stamped == ("createdAt",)
    assert events.operations == {
        "list": "events.list_events",
        "create": "events.create_event",
        "get": "events.get_event",
        "update": "events.update_event",  # a PUT whose body requires nothing is partial
        "delete": "events.delete_event",
    }
    rates = model.by_name("hourly-rates")
    assert rates.stamped == () and rates.nullable == {"code", "currency"}
    assert rates.listing is not None and rates.listing.sorting.param is None
    assert rates.listing.sorting.default == "name"  # x-servicestub-default-sort


def test_a_spec_never_seen_nested_collections_odd_names_and_no_sort_parameter():
    model = read_model(library())
    shelves, books = model.by_name("shelves"), model.by_name("books")
    assert (shelves.scope, shelves.id_field) == ((), "shelfId")
    assert (books.scope, books.id_field, books.id_param) == (("shelfId",), "isbn", "bookId")
    assert shelves.operations["replace"] == "shelves.replace"  # its body requires a label
    assert books.operations == {"list": "books.list", "update": "books.update"}
    listing = shelves.listing
    assert listing is not None
    assert (listing.paging.page, listing.paging.per_page) == ("pageNumber", "pageSize")
    assert (listing.paging.per_page_default, listing.paging.per_page_max) == (5, 50)
    assert (listing.sorting.param, listing.sorting.default) == ("sortBy", "floor")
    assert (listing.sorting.order_param, listing.sorting.descending) == ("direction", "desc")
    assert listing.filters == {"floor": "floor"}  # rooms names no field: not a filter
    assert shelves.defaults == {"floor": 0} and shelves.nullable == {"room"}
    assert shelves.stamped == ("addedAt",)
    assert shelves.envelope is not None
    assert shelves.envelope.meta_fields == ("pageSize", "total")
    book_listing = books.listing
    assert book_listing is not None and book_listing.sorting.param is None
    assert book_listing.sorting.default == "title"
    assert book_listing.paging.per_page == "size" and book_listing.paging.page is None
    assert "/status" not in model.collections  # a GET answering no list is no collection


def test_a_collection_whose_id_cannot_be_told_is_skipped_saying_what_to_add():
    document = library()
    del document["components"]["schemas"]["Book"]["x-servicestub-id"]
    model = read_model(document)
    assert "x-servicestub-id" in model.skipped["/shelves/{shelfId}/books"]
    with pytest.raises(ModelError):
        model.by_name("books")


def test_reading_a_listing_takes_the_specs_defaults_and_handler_keywords():
    listing = read_model(library()).by_name("shelves").listing
    assert listing is not None
    read = listing.read({})
    assert (read.page, read.per_page, read.sort, read.descending) == (1, 5, "floor", False)
    read = listing.read({"page_number": 3, "page_size": 7, "sort_by": "label", "direction": "desc"})
    assert (read.page, read.per_page, read.sort, read.descending) == (3, 7, "label", True)
    assert listing.read({"floor": 2}).filters == {"floor": frozenset([2])}


def test_a_new_collection_in_a_spec_copy_is_read_like_the_others():
    parts = read_model(orders_with_parts()).by_name("parts")
    assert parts.scope == ("tenantId", "storeId", "serviceOrderUid")
    assert (parts.id_field, parts.item_path) == ("partUid", ORDER + "/parts/{partUid}")
    assert parts.writable == ("name", "quantity", "note")


@settings(max_examples=300, derandomize=True)
@given(
    st.text(st.sampled_from("abcXYZ09-_[]"), min_size=1, max_size=12)
    | st.sampled_from(["id", "type", "perPage", "class"])
)
def test_python_names_are_what_connexion_passes(name):
    assert python_name(name) == pythonic(name)


@pytest.mark.parametrize(
    "schemas",
    [
        {"Loop": {"$ref": "#/components/schemas/Loop"}},
        {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
    ],
)
def test_references_that_go_round_are_refused_naming_the_chain(schemas):
    document = {"components": {"schemas": schemas}}
    first = next(iter(schemas))
    with pytest.raises(ValueError, match="go round without a schema: #/components/schemas/"):
        resolve(document, {"$ref": f"#/components/schemas/{first}"})
