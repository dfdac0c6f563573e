"""The generic collection at its named points, without HTTP; and a collection
added to a copy of the orders spec served with no Python change."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.core.errors import BadRequest, NotFound
from servicestub.engine.collection import Change, Collection, HeldRecords, Rules
from servicestub.engine.ids import UidCodec
from servicestub.engine.model import read_model
from tests.engine.specs import library, orders_with_parts

ticks = itertools.count()


def owner(where: str = "on service order 'so-1'") -> HeldRecords:
    return HeldRecords(where, UidCodec(5).uid, lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}Z")


def parts() -> Collection[HeldRecords]:
    return Collection(read_model(orders_with_parts()).by_name("parts"))


def test_a_new_collection_of_a_spec_copy_lists_creates_gets_updates_and_deletes():
    coll, order = parts(), owner()
    first = coll.create(order, {"name": "Screw"})
    assert first == {
        "partUid": UidCodec(5).uid(1),
        "name": "Screw",
        "quantity": 1,  # the spec's default
        "note": None,
        "createdAt": first["createdAt"],
    }
    coll.create(order, {"name": "bolt", "quantity": 7, "note": "M4"})
    coll.create(order, {"name": "Anchor", "quantity": 3})
    assert coll.get(order, first["partUid"]) == first
    page = coll.list(order, {"per_page": 2})
    assert [p["name"] for p in page["data"]] == ["Anchor", "Screw"]  # sort default: name
    assert page["meta"] == {"page": 1, "perPage": 2, "totalItems": 3, "totalPages": 2}
    page = coll.list(order, {"sort": "quantity", "order": "DESC", "page": 2, "per_page": 2})
    assert [p["name"] for p in page["data"]] == ["Screw"]
    assert coll.update(order, first["partUid"], {"quantity": 9})["quantity"] == 9
    assert coll.get(order, first["partUid"])["name"] == "Screw"  # absent fields kept
    coll.delete(order, first["partUid"])
    with pytest.raises(NotFound, match=r"Part '.*' does not exist on service order 'so-1'\."):
        coll.get(order, first["partUid"])
    assert coll.list(order, {})["meta"]["totalItems"] == 2


def test_a_null_for_a_field_that_cannot_be_null_is_refused_and_nothing_changes():
    coll, order = parts(), owner()
    part = coll.create(order, {"name": "Screw"})
    before = dict(part)
    with pytest.raises(BadRequest, match="name cannot be null"):
        coll.update(order, part["partUid"], {"name": None, "quantity": 4})
    assert coll.get(order, part["partUid"]) == before


def _refuse_big(owner: Any, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    if record["quantity"] > 10:
        raise BadRequest("quantity is more than 10.")
    record["double"] = record["quantity"] * 2


def test_named_points_run_in_order_and_a_refused_write_uses_no_id_and_changes_nothing():
    seen: list[tuple[str, Change]] = []
    rules: Rules[HeldRecords] = Rules(
        prepare=_refuse_big,
        after_change=lambda o, record, change: seen.append((record["name"], change)),
        view=lambda o, record: {**record, "shown": True},
        envelope=lambda envelope, page: {"all": page.items, "count": page.total},
    )
    coll = Collection(read_model(orders_with_parts()).by_name("parts"), rules)
    order = owner()
    with pytest.raises(BadRequest):
        coll.create(order, {"name": "Crate", "quantity": 11})
    assert order.issued == 0 and order.records("parts") == {}
    made = coll.create(order, {"name": "Box", "quantity": 2})
    assert made["double"] == 4 and made["shown"] is True
    assert "shown" not in order.records("parts")[made["partUid"]]  # stored as prepared
    with pytest.raises(BadRequest):
        coll.update(order, made["partUid"], {"quantity": 12})
    assert order.records("parts")[made["partUid"]]["quantity"] == 2
    coll.update(order, made["partUid"], {"quantity": 3})
    coll.delete(order, made["partUid"])
    assert seen == [("Box", "created"), ("Box", "updated"), ("Box", "deleted")]
    assert coll.list(order, {}) == {"all": [], "count": 0}


def test_replace_resets_absent_fields_to_their_defaults():
    shelves: Collection[HeldRecords] = Collection(read_model(library()).by_name("shelves"))
    hall = owner("in the hall")
    shelf = shelves.create(hall, {"label": "A", "floor": 2, "room": "east"})
    replaced = shelves.replace(hall, shelf["shelfId"], {"label": "B"})
    # room may be written null but is never answered null (a Shelf's room is a
    # string): absent from the replacing body, it is left out.
    unroomed = {k: v for k, v in shelf.items() if k != "room"}
    assert replaced == {**unroomed, "label": "B", "floor": 0}


def test_rules_may_not_sort_by_what_the_spec_does_not_offer():
    with pytest.raises(ValueError, match="colour"):
        Collection(
            read_model(orders_with_parts()).by_name("parts"), Rules(sort_keys={"colour": len})
        )


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abcAB"), st.integers(0, 5)), max_size=12),
    st.sampled_from(["name", "quantity", "createdAt"]),
    st.booleans(),
    st.integers(1, 4),
)
def test_pages_partition_the_records_in_sort_order_ties_broken_by_id(rows, sort, descending, size):
    coll, order = parts(), owner()
    for name, quantity in rows:
        coll.create(order, {"name": name, "quantity": quantity})
    direction = "DESC" if descending else "ASC"
    pages = [
        coll.list(order, {"sort": sort, "order": direction, "page": n, "per_page": size})["data"]
        for n in range(1, len(rows) // size + 2)
    ]
    listed = [p for page in pages for p in page]
    keys = [((p[sort] is None, p[sort]), p["partUid"]) for p in listed]
    assert keys == sorted(keys, reverse=descending)
    assert sorted(p["partUid"] for p in listed) == sorted(order.records("parts"))
