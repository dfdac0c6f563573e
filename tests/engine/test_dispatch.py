"""The engine's own dispatch without HTTP: held groups per scope, the parent an
API plugs in (the longest scope it names), standalone scopes."""

from __future__ import annotations

from typing import Any

import pytest

from servicestub.core.errors import NotFound
from servicestub.engine.collection import Collection, HeldRecords
from servicestub.engine.dispatch import HeldRecordsByScope, Plugins, collection_operations
from servicestub.engine.ids import UidCodec
from servicestub.engine.model import read_model
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
