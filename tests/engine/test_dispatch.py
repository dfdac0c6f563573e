"""The engine's own dispatch without HTTP: held groups per scope, the parent an
API plugs in (the longest scope it names), standalone scopes."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from servicestub.core.errors import BadRequest, NotFound
from servicestub.engine.collection import Collection, HeldRecords, Rules
from servicestub.engine.dispatch import (
    DEFAULT_SEED_COUNT,
    HeldRecordsByScope,
    Plugins,
    Seeding,
    collection_operations,
    restore,
    to_snapshot,
)
from servicestub.engine.ids import UidCodec
from servicestub.engine.model import CollectionModel, read_model
from servicestub.engine.seeding import iso
from servicestub.engine.snapshot import ID, Refused
from tests.engine.specs import PARTS, library, orders_with_parts


def test_every_operation_of_every_collection_is_named_with_its_action():
    operations = collection_operations(read_model(orders_with_parts()))
    assert {op: o.action for op, o in operations.items() if op.startswith("parts.")} == {
        "parts.list_parts": "list",
        "parts.create_part": "create",
        "parts.get_part": "get",
        "parts.update_part": "update",
        "parts.delete_part": "delete",
    }
    assert {o.collection.path for op, o in operations.items() if op.startswith("parts.")} == {PARTS}


def _order(orders: dict[str, HeldRecords], values: tuple[str, ...], write: bool) -> HeldRecords:
    if values not in [("t", "s", "o1"), ("t", "s", "o2")]:
        raise NotFound(f"Service order '{values[-1]}' does not exist.")
    return orders.setdefault(values[-1], HeldRecords(f"on '{values[-1]}'", UidCodec(1).uid, str))


PLUGINS: Plugins[dict[str, HeldRecords]] = Plugins(
    parents={("tenantId", "storeId", "serviceOrderUid"): _order}
)


def test_groups_are_per_scope_parented_by_the_api_and_an_absent_parent_is_a_404():
    model = read_model(orders_with_parts()).by_name("parts")
    parts: Collection[Any] = Collection(model)
    holder, orders = HeldRecordsByScope(UidCodec(1)), {}

    def owner(*values: str) -> Any:
        return holder.owner("orders", model, values, lambda s: PLUGINS.parent(orders, s, True))

    made = parts.create(owner("t", "s", "o1"), {"name": "Screen"})
    assert orders["o1"].issued == 1  # the parent issued the id
    assert parts.list(owner("t", "s", "o2"), {})["data"] == []
    assert parts.get(owner("t", "s", "o1"), made["partUid"]) == made
    with pytest.raises(NotFound, match="Part 'x' does not exist on 'o2'"):
        parts.get(owner("t", "s", "o2"), "x")
    with pytest.raises(NotFound, match="Service order 'o3'"):
        owner("t", "s", "o3")
    assert len(holder.groups) == 1  # reading o2 held nothing
    parts.delete(owner("t", "s", "o1"), made["partUid"])
    assert holder.groups == {}  # an emptied group is let go


def test_a_scope_no_api_names_is_standalone_with_its_own_counter():
    model = read_model(library()).by_name("shelves")
    shelves: Collection[Any] = Collection(model)
    holder = HeldRecordsByScope(UidCodec(3))
    first = shelves.create(holder.owner("lib", model, (), lambda s: None), {"label": "A"})
    assert first["shelfId"] == UidCodec(3).uid(1) and holder.ids_issued == 1
    with pytest.raises(NotFound, match="'x' does not exist in /shelves"):
        shelves.get(holder.owner("lib", model, (), lambda s: None), "x")


def test_the_deepest_scope_an_api_names_parents_a_deeper_one():
    seen: list[tuple[str, ...]] = []

    def store(state: None, values: tuple[str, ...], write: bool) -> HeldRecords:
        seen.append(values)
        return HeldRecords("in the store", UidCodec(1).uid, str)

    plugins: Plugins[None] = Plugins(parents={("tenantId", "storeId"): store})
    scope = (("tenantId", "t"), ("storeId", "s"), ("shelfId", "x"))
    assert plugins.parent(None, scope, False) is not None and seen == [("t", "s")]
    assert plugins.parent(None, (("shelfId", "x"),), False) is None


# -- seeding ---------------------------------------------------------------------

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _seeding(document: dict[str, Any], seed: int = 1) -> Seeding:
    return Seeding(seed, NOW, lambda api: document)


def _books(isbn: dict[str, Any]) -> tuple[dict[str, Any], CollectionModel]:
    """The library's books with the ``isbn`` id shaped as ``isbn`` and a ``shelfId``
    and a ``createdAt`` property, as a group of its own (no shelf record parents
    it: these tests are about one group's records)."""
    document = library()
    book = document["components"]["schemas"]["Book"]
    book["required"] = ["isbn", "shelfId", "createdAt"]
    book["properties"] |= {
        "isbn": isbn,
        "shelfId": {"type": "string"},
        "createdAt": {"type": "string", "format": "date-time"},
    }
    return document, _unparented(read_model(document).by_name("books"))


def _unparented(model: CollectionModel) -> CollectionModel:
    return dataclasses.replace(model, parent=None)


@settings(max_examples=25, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**32), shelf=st.from_regex(ID, fullmatch=True))
def test_seeded_records_validate_and_are_the_seed_and_scopes(seed: int, shelf: str) -> None:
    document, model = _books({"type": "string"})
    seeding = _seeding(document, seed)
    scope = (("shelfId", shelf),)
    records = seeding.records("lib", model, scope)
    validator = OAS30Validator(
        {**model.item_schema, "components": document["components"]},
        format_checker=oas30_format_checker,
    )
    assert len(records) == DEFAULT_SEED_COUNT
    for uid, record in records.items():
        assert list(validator.iter_errors(record)) == []
        assert uid == record["isbn"] and ID.fullmatch(uid)  # a path segment (a uuid)
        assert record["shelfId"] == shelf
        assert record["createdAt"] < iso(NOW)
    assert seeding.records("lib", model, scope) == records  # made again identically
    assert _seeding(document, seed + 1).records("lib", model, scope) != records


def test_an_id_the_parent_issues_that_a_seeded_record_has_is_passed_over() -> None:
    document, model = _books({"type": "string"})
    holder = HeldRecordsByScope(UidCodec(1), _seeding(document))
    seeded = list(holder.seeded("lib", model, (("shelfId", "s"),)))
    issued = iter([seeded[2], seeded[0], "fresh"])
    parent = HeldRecords("on shelf 's'", lambda _n: next(issued), str)
    books: Collection[Any] = Collection(model)
    made = books.create(holder.owner("lib", model, ("s",), lambda s: parent), {"title": "T"})
    assert made["isbn"] == "fresh"
    assert len(holder.groups[("lib", model.path, (("shelfId", "s"),))]) == len(seeded) + 1


def test_integer_seeded_ids_are_path_segments_and_restore_as_the_servers_own() -> None:
    document, model = _books({"type": "integer", "minimum": 1})
    books: Collection[Any] = Collection(model)
    holder = HeldRecordsByScope(UidCodec(1), _seeding(document))
    owner = holder.owner("lib", model, ("s",), lambda s: None)
    assert books.get(owner, "3")["isbn"] == 3
    books.update(owner, "3", {"title": "Kept"})
    data = to_snapshot(holder)
    restored = HeldRecordsByScope(UidCodec(1), _seeding(document))
    restore(restored, data, {("lib", model.path): books}, lambda a, s: None, {}, lambda a: document)
    assert restored.groups == holder.groups
    foreign = {**data["groups"][0]["records"][0], "isbn": 99}
    data["groups"][0]["records"].append(foreign)
    with pytest.raises(Refused, match="99 cannot be an id") as refused:
        again = HeldRecordsByScope(UidCodec(1), _seeding(document))
        restore(
            again, data, {("lib", model.path): books}, lambda a, s: None, {}, lambda a: document
        )
    assert refused.value.path == ("held", "groups", 0, "records", 5, "isbn")


def test_a_collection_seeding_nothing_lets_an_emptied_group_go() -> None:
    document, model = _books({"type": "string"})
    document["paths"]["/shelves/{shelfId}/books"]["get"]["x-servicestub-seed-count"] = 0
    model = _unparented(read_model(document).by_name("books"))
    books: Collection[Any] = Collection(model)
    holder = HeldRecordsByScope(UidCodec(1), _seeding(document))
    assert books.list(holder.owner("lib", model, ("s",), lambda s: None), {})["items"] == []
    made = books.create(holder.owner("lib", model, ("s",), lambda s: None), {"title": "T"})
    assert holder.groups
    books.delete(holder.owner("lib", model, ("s",), lambda s: None), made["isbn"])
    assert holder.groups == {}


def test_reads_of_a_clean_group_share_its_seeded_records_and_writes_change_a_copy() -> None:
    """A group nobody wrote is read without a copy of its seeded records; a write,
    failed or done, changes a copy of them only: let go of the written group, and
    the scope reads as seeded again."""
    document, model = _books({"type": "string"})

    def refuse(owner: Any, record: dict[str, Any], before: Any) -> None:
        if record.get("title") == "Refused":
            raise BadRequest("refused")

    books: Collection[Any] = Collection(model, Rules(prepare=refuse))
    holder = HeldRecordsByScope(UidCodec(1), _seeding(document))

    def owner() -> Any:
        return holder.owner("lib", model, ("s",), lambda s: None)

    seeded = books.list(owner(), {"size": 50})["items"]
    pristine = copy.deepcopy(seeded)
    first = seeded[0]["isbn"]
    assert owner().read_records("books") is owner().read_records("books")  # no copy
    with pytest.raises(BadRequest):
        books.update(owner(), first, {"title": "Refused"})
    assert holder.groups == {}
    books.update(owner(), first, {"title": "Changed"})
    books.delete(owner(), seeded[1]["isbn"])
    assert books.get(owner(), first)["title"] == "Changed"
    assert len(books.list(owner(), {"size": 50})["items"]) == len(seeded) - 1
    holder.groups.clear()  # the written group let go (a parent deleted, a reset)
    assert books.list(owner(), {"size": 50})["items"] == pristine
