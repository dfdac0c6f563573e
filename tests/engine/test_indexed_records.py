"""The orders an :class:`~servicestub.engine.index.IndexedRecords` keeps, against the
sort of the records a list makes without them: the same pages after any changes.

The reference is the plain path of :meth:`Collection.page` (records held in a plain
dict are filtered and sorted for each request); the engine's groups are
``IndexedRecords``, whose lists read the orders they keep."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.core.errors import ApiError, Conflict
from servicestub.core.shapes import Records
from servicestub.engine.collection import Collection, HeldRecords, Rules
from servicestub.engine.ids import UidCodec
from servicestub.engine.index import IndexedRecords, OrderView
from servicestub.engine.model import read_model
from servicestub.engine.paging import any_field_key, ordering, sort_records
from tests.engine.specs import body, ok, param, ref

FIELDS = ("name", "city", "size", "tags", "extra")


def _things() -> dict[str, Any]:
    """Things sorted freely by any field (values of any JSON type, some absent),
    filtered by city and by tag, paged by limit and offset or after an id."""
    query = [
        param("sort", "query"),
        param("order", "query", type="string", enum=["asc", "desc"]),
        param("limit", "query", type="integer", minimum=1),
        param("offset", "query", type="integer", minimum=0),
        param("starting_after", "query"),
        param("city", "query"),
        param("tags", "query"),
    ]
    thing = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "city": {"type": "string", "nullable": True},
            "size": {"type": "integer"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "extra": {},
        },
    }
    page = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": ref("Thing")}, "total": {}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1"},
        "paths": {
            "/things": {
                "get": {"operationId": "listThings", "parameters": query, "responses": ok(page)},
                "post": {
                    "operationId": "createThing",
                    "requestBody": body(ref("Thing")),
                    "responses": ok(ref("Thing"), "201"),
                },
            },
            "/things/{id}": {
                "parameters": [param("id")],
                "get": {"operationId": "getThing", "responses": ok(ref("Thing"))},
                "put": {
                    "operationId": "replaceThing",
                    "requestBody": body(ref("Thing")),
                    "responses": ok(ref("Thing")),
                },
                "patch": {
                    "operationId": "patchThing",
                    "requestBody": body({"type": "object"}),
                    "responses": ok(ref("Thing")),
                },
                "delete": {"operationId": "deleteThing", "responses": {"204": {"description": ""}}},
            },
        },
        "components": {"schemas": {"Thing": thing}},
    }


MODEL = read_model(_things()).by_name("things")


class PlainRecords(HeldRecords):
    """The same owner holding plain dicts: lists sort them per request."""

    def records(self, collection: str) -> Records:
        return self.held.setdefault(collection, {})

    read_records = records


def _owners() -> tuple[HeldRecords, PlainRecords]:
    return (
        HeldRecords("here", UidCodec(3).uid, lambda: "2026-01-01T00:00:00Z"),
        PlainRecords("here", UidCodec(3).uid, lambda: "2026-01-01T00:00:00Z"),
    )


# Values of every kind a free sort meets: close numbers and texts, absent, null,
# arrays and objects (compared as JSON).
values = st.one_of(
    st.integers(-3, 3),
    st.sampled_from(["a", "B", "b", "", "a1"]),
    st.none(),
    st.lists(st.sampled_from("xy"), max_size=2),
    st.dictionaries(st.sampled_from("pq"), st.integers(0, 1), max_size=1),
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.sampled_from(["Ant", "bee", "Cat", "ant"]), st.none()),
        "city": st.one_of(st.sampled_from(["Oslo", "Rome"]), st.none()),
        "size": st.integers(0, 4),
        "tags": st.lists(st.sampled_from(["red", "blue"]), max_size=2),
        "extra": values,
    },
)
writes = st.one_of(
    st.tuples(st.just("create"), bodies),
    st.tuples(st.just("create_many"), st.lists(st.one_of(bodies, st.just(7)), max_size=3)),
    st.tuples(st.just("update"), st.integers(0, 30), bodies),
    st.tuples(st.just("replace"), st.integers(0, 30), bodies),
    st.tuples(
        st.just("json_patch"),
        st.integers(0, 30),
        st.lists(
            st.fixed_dictionaries(
                {
                    "op": st.sampled_from(["add", "remove", "test"]),
                    "path": st.sampled_from(["/size", "/city", "/extra", "/name"]),
                    "value": values,
                }
            ),
            max_size=2,
        ),
    ),
    st.tuples(st.just("put"), st.integers(0, 30), bodies),
    st.tuples(st.just("delete"), st.integers(0, 30)),
)
queries = st.fixed_dictionaries(
    {
        "sort": st.sampled_from([*FIELDS, "id", "-size", "createdAt"]),
        "order": st.sampled_from(["asc", "desc"]),
        "limit": st.integers(1, 6),
    },
    optional={
        "offset": st.integers(0, 12),
        "starting_after": st.one_of(st.integers(0, 30), st.just("no-such-id")),
        "city": st.sampled_from(["Oslo", "Rome"]),
        "tags": st.sampled_from(["red", "blue"]),
    },
)


def _write(coll: Collection[Any], owner: HeldRecords, write: tuple[Any, ...]) -> Any:
    """Apply ``write`` (an id named by its place among the ids held, in order)."""
    action, *rest = write
    if action == "create":
        return coll.create(owner, rest[0])
    if action == "create_many":
        return coll.create_many(owner, rest[0])
    ids = sorted(owner.records("things"))
    uid = ids[rest[0] % len(ids)] if ids else "none"
    if action == "delete":
        return coll.delete(owner, uid)
    if action == "put":
        return coll.put(owner, uid if rest[0] % 2 else f"new-{rest[0]}", rest[1], replace=True)
    return getattr(coll, action)(owner, uid, rest[1])


def _outcome(call: Any, *args: Any) -> Any:
    """What ``call(*args)`` answers, or the error it raises (its kind and text)."""
    try:
        return call(*args)
    except ApiError as error:
        return type(error).__name__, error.detail


def _listed(coll: Collection[Any], owner: HeldRecords, query: dict[str, Any]) -> Any:
    query = dict(query)
    after = query.get("starting_after")
    if isinstance(after, int):  # an id held, by its place
        ids = sorted(owner.read_records("things"))
        query["starting_after"] = ids[after % len(ids)] if ids else "none"
    return _outcome(coll.list, owner, query)


@pytest.mark.parametrize("rules", ["none", "refusing"], ids=["kept-in-step", "made-again"])
@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    merges=st.booleans(),
    steps=st.lists(st.tuples(writes, st.lists(queries, min_size=1, max_size=3)), max_size=25),
)
def test_lists_of_indexed_records_are_the_lists_sorted_for_each_request(rules, merges, steps):
    """After any sequence of writes (failing ones too), every list of the records an
    IndexedRecords holds - any sort, direction, filter, offset, cursor - is the list
    the same records held plainly and sorted for the request give. ``refusing``:
    rules of the collection's own (which may change records unseen, so the orders
    are made again after each write) that refuse some writes half-way. ``merges``:
    whether an update merges (a spec's PATCH) or sets the fields given."""

    def refuse_big(owner: Any, record: dict[str, Any], before: Any) -> None:
        if record.get("size") == 4 and record.get("city") == "Rome":
            raise Conflict("refused")

    coll: Collection[Any] = Collection(
        dataclasses.replace(MODEL, merges=merges),
        Rules(prepare=refuse_big) if rules == "refusing" else None,
    )
    indexed, plain = _owners()
    for write, listed in steps:
        assert _outcome(_write, coll, indexed, write) == _outcome(_write, coll, plain, write)
        assert indexed.records("things") == plain.records("things")
        for query in listed:
            assert _listed(coll, indexed, query) == _listed(coll, plain, query)


ops = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 9), values),
    st.tuples(st.just("del"), st.integers(0, 9)),
    st.tuples(st.just("pop"), st.integers(0, 9)),
    st.tuples(st.just("popitem")),
    st.tuples(st.just("setdefault"), st.integers(0, 9), values),
    st.tuples(st.just("update"), st.dictionaries(st.integers(0, 9), values, max_size=3)),
    st.tuples(st.just("ior"), st.dictionaries(st.integers(0, 9), values, max_size=3)),
    st.tuples(st.just("in place"), st.integers(0, 9), values),
    st.tuples(st.just("clear")),
)


def _apply(records: IndexedRecords, op: tuple[Any, ...]) -> None:
    name, *rest = op
    uid = f"u{rest[0]}" if rest and isinstance(rest[0], int) else ""
    if name == "set":
        records[uid] = {"id": uid, "v": rest[1]}
    elif name == "del" and uid in records:
        del records[uid]
    elif name == "pop" and uid in records:
        assert records.pop(uid)["id"] == uid
    elif name == "pop":
        assert records.pop(uid, None) is None
    elif name == "popitem" and records:
        records.popitem()
    elif name == "setdefault":
        records.setdefault(uid, {"id": uid, "v": rest[1]})
    elif name in ("update", "ior"):
        given_ = {f"u{k}": {"id": f"u{k}", "v": v} for k, v in rest[0].items()}
        if name == "update":
            records.update(given_)
        else:
            records |= given_
    elif name == "in place" and uid in records:
        records[uid]["v"] = rest[1]
        records.changed(uid)
    elif name == "clear":
        records.clear()


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(ops, max_size=40), st.booleans())
def test_every_change_through_the_dict_keeps_its_orders(changes, descending):
    """Whatever changes the dict (every mutating method, in any order, and records
    changed in place and reported), its order is the records sorted anew; a
    position is the record's place in that order."""
    records = IndexedRecords()
    key = ordering(any_field_key("v"), "id")
    records.order("v", key)  # kept from the start, through every change
    for op in changes:
        _apply(records, op)
        view = OrderView(records, records.order("v", key), descending)
        expected = sort_records(
            records.values(), key_field="id", sort_key=any_field_key("v"), descending=descending
        )
        assert list(view) == expected
        assert view[1:3] == expected[1:3]
        assert [view.position(r["id"]) for r in expected] == list(range(len(expected)))


def test_a_copy_holds_the_records_and_orders_of_its_own():
    records = IndexedRecords({"a": {"id": "a", "v": 2}, "b": {"id": "b", "v": 1}})
    key = ordering(any_field_key("v"), "id")
    records.order("v", key)
    for made in (copy.deepcopy(records), pickle.loads(pickle.dumps(records)), records.copy()):
        assert type(made) is IndexedRecords and made == records
        made["c"] = {"id": "c", "v": 0}
        assert [r["id"] for r in OrderView(made, made.order("v", key), False)] == ["c", "b", "a"]
        assert [r["id"] for r in OrderView(records, records.order("v", key), False)] == ["b", "a"]
    deep = copy.deepcopy(records)
    deep["a"]["v"] = 0
    assert records["a"]["v"] == 2
