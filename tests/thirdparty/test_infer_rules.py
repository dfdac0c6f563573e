"""The rules the engine infers a spec's state by, over all inputs: paging,
cursors, free sorts, filters, merge patches, and the id a parameter names."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.engine.collection import Collection, HeldRecords, _matches, merge_patch
from servicestub.engine.dispatch import Seeding
from servicestub.engine.model import read_model, sort_text
from servicestub.engine.paging import any_field_key, cursor_offset, cursor_token, page_of
from tests.thirdparty.infer_specs import listed, shop

RULES = settings(max_examples=150, derandomize=True, deadline=None)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text("ab", max_size=2),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text("abc", max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)
VALUE = (
    st.none()
    | st.integers(-3, 3)
    | st.text("xyz", max_size=2)
    | st.booleans()
    | st.lists(st.integers(0, 2), max_size=2)
)


def records(values: list[Any]) -> list[dict[str, Any]]:
    return [{"id": number, "v": value} for number, value in enumerate(values)]


@RULES
@given(values=st.lists(VALUE, max_size=30), per_page=st.integers(1, 7), descending=st.booleans())
def test_pages_offsets_and_cursors_partition_the_sorted_records(
    values: list[Any], per_page: int, descending: bool
) -> None:
    rows = records(values)
    kwargs: dict[str, Any] = {
        "key_field": "id", "sort_key": any_field_key("v"), "descending": descending
    }  # fmt: skip
    whole = page_of(rows, page=1, per_page=len(rows) + 1, **kwargs).items
    by_page, by_offset, by_cursor = [], [], []
    for number in range(1, len(rows) // per_page + 3):
        by_page += page_of(rows, page=number, per_page=per_page, **kwargs).items
    offset = 0
    while offset <= len(rows):
        by_offset += page_of(rows, page=1, per_page=per_page, offset=offset, **kwargs).items
        offset += per_page
    token: str | None = None
    for _ in range(len(rows) + 2):
        start = 0 if token is None else cursor_offset(token)
        page = page_of(rows, page=1, per_page=per_page, offset=start, **kwargs)
        by_cursor += page.items
        token = page.next_token
        assert (token is None) is (not page.more)
        if token is None:
            break
    assert by_page == by_offset == by_cursor == whole
    assert sorted(r["id"] for r in whole) == list(range(len(rows)))
    present = [r["v"] for r in whole if r["v"] is not None]
    keys = [any_field_key("v")({"v": v}) for v in present]
    assert keys == sorted(keys, reverse=descending)


@RULES
@given(offset=st.integers(0, 2**40), junk=st.text(max_size=12))
def test_cursor_tokens_are_opaque_and_read_back(offset: int, junk: str) -> None:
    token = cursor_token(offset)
    assert cursor_offset(token) == offset and str(offset) not in token
    found = cursor_offset(junk)
    assert found is None or cursor_offset(cursor_token(found)) == found


NAME = st.from_regex(r"[a-z][a-zA-Z_.]{0,10}", fullmatch=True)


@RULES
@given(field=NAME, form=st.sampled_from(["{}", "+{}", "-{}", "{}:desc", "{} desc", "{}:ASC"]))
def test_free_sort_values_name_a_field_and_maybe_a_direction(field: str, form: str) -> None:
    text = form.format(field)
    expected: bool | None = {"-": True}.get(text[0])
    if ":" in text or " " in text:
        expected = text.rsplit(":" if ":" in text else " ", 1)[1].lower() == "desc"
    assert sort_text(text) == (field, expected)
    assert sort_text(text + ",other")[0] == field


@RULES
@given(target=st.dictionaries(st.text("abc", max_size=2), JSON, max_size=4), patch=JSON)
def test_merge_patch_is_rfc_7396(target: dict[str, Any], patch: Any) -> None:
    before = copy.deepcopy(target)
    merged = merge_patch(target, patch)
    assert target == before  # a new value; the target is not changed
    if not isinstance(patch, dict):
        assert merged == patch
        return
    assert merge_patch(merged, patch) == merged  # idempotent
    for key, value in patch.items():
        if value is None:
            assert key not in merged
        elif not isinstance(value, dict):
            assert merged[key] == value
    for key in target.keys() - patch.keys():
        assert merged[key] == target[key]


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # RFC 7396, appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_meets_the_rfcs_examples(target: Any, patch: Any, result: Any) -> None:
    assert merge_patch(target, patch) == result


@RULES
@given(
    value=VALUE, allowed=st.frozensets(st.integers(-3, 3) | st.text("xyz", max_size=2), max_size=3)
)
def test_a_filter_matches_equal_values_their_text_and_array_items(
    value: Any, allowed: frozenset[Any]
) -> None:
    def text(v: Any) -> str:
        return str(v).lower() if isinstance(v, bool) else str(v)

    items = value if isinstance(value, list) else [value]
    expected = any(text(item) in {text(a) for a in allowed} for item in items)
    assert _matches(value, allowed) is expected


@RULES
@given(
    rows=st.lists(
        st.fixed_dictionaries({"colour": st.sampled_from(["red", "blue"]), "size": VALUE}),
        max_size=12,
    ),
    field=st.sampled_from(["colour", "size", "thing_id"]),
    descending=st.booleans(),
    colour=st.none() | st.sampled_from(["red", "blue", "green"]),
)
def test_a_listed_collection_sorts_by_any_field_and_filters_by_field_names(
    rows: list[dict[str, Any]], field: str, descending: bool, colour: str | None
) -> None:
    model = read_model(
        listed(
            {
                "thing_id": {"type": "integer", "readOnly": True},
                "colour": {"type": "string"},
                "size": {},
            }
        )
    ).by_name("things")
    assert model.id_field == "thing_id"  # {thingId} points to thing_id
    things: Collection[Any] = Collection(model)
    owner = HeldRecords("here", str, lambda: "now")
    for number, row in enumerate(rows):
        owner.records("things")[str(number)] = {"thing_id": number, **row}
    query = {"sort_by": ("-" if descending else "") + field, "colour": colour}
    answer_ = things.list(owner, query)
    expected = [
        r for r in owner.records("things").values() if colour is None or r["colour"] == colour
    ]
    key = any_field_key(field)
    present = [key(r) for r in answer_ if r.get(field) is not None]
    assert sorted(r["thing_id"] for r in answer_) == sorted(r["thing_id"] for r in expected)
    assert present == sorted(present, reverse=descending)


@RULES
@given(
    stem=st.from_regex(r"[a-z]{2,6}", fullmatch=True),
    spelling=st.sampled_from(["{}_id", "{}ID", "{}Id", "{}id"]),
    with_id=st.booleans(),
)
def test_the_id_is_the_property_the_parameter_names_as_people_read_it(
    stem: str, spelling: str, with_id: bool
) -> None:
    prop = spelling.format(stem)
    props: dict[str, Any] = {prop: {"type": "string"}, "label": {"type": "string"}}
    if with_id:
        props["id"] = {"type": "string"}
    document = listed(props)
    document["paths"][f"/things/{{{stem}Id}}"] = document["paths"].pop("/things/{thingId}")
    assert read_model(document).by_name("things").id_field == prop


def test_links_name_the_id_and_a_collection_with_no_id_is_skipped_saying_why() -> None:
    document = listed({"serial": {"type": "string"}, "label": {"type": "string"}})
    model = read_model(document)
    assert "/things" in model.skipped and "x-servicestub-id" in model.skipped["/things"]
    post = document["paths"]["/things"]["post"]
    post["responses"]["201"]["links"] = {
        "one": {"operationId": "one", "parameters": {"thingId": "$response.body#/serial"}}
    }
    assert read_model(document).by_name("things").id_field == "serial"


def test_the_shop_model_infers_envelopes_paging_and_parents() -> None:
    model = read_model(shop())
    pets, toys, notes = (model.by_name(n) for n in ("pets", "toys", "notes"))
    assert (pets.id_field, pets.id_type, toys.id_field, notes.id_field) == (
        "id",
        "integer",
        "toy_id",
        "key",
    )
    assert toys.parent is not None and toys.parent.path == "/pets" and toys.scope == ("petId",)
    assert toys.envelope is not None and toys.envelope.bare
    assert pets.envelope is not None and {f.role for f in pets.envelope.top} == {
        "total",
        "next",
        "has_more",
    }
    assert pets.listing is not None and pets.listing.paging.cursor == "cursor"
    assert pets.listing.sorting.free and pets.listing.filters == {"status": "status", "tag": "tag"}
    assert (pets.stamped, pets.restamped, pets.hidden) == (
        ("createdAt", "updatedAt"),
        ("updatedAt",),
        {"secret"},
    )
    assert notes.put_creates == 201 and "create" not in notes.operations
    assert notes.listing is not None and notes.listing.sorting.order_param == "direction"
    assert model.skipped == {}


@pytest.mark.parametrize(
    "held",
    [
        {"type": "object", "properties": {"name": {"type": "string"}}},  # not the parent's id
        {"type": "string", "enum": ["antenna", "dataflow"]},
        {"type": "number"},
    ],
)
def test_a_child_seeds_whatever_its_parent_reference_can_hold(held: dict[str, Any]) -> None:
    document = listed({"id": {"type": "integer"}, "user": held})
    paths = document["paths"]
    paths["/users/{user}/things"] = paths.pop("/things")
    paths["/users/{user}/things/{thingId}"] = paths.pop("/things/{thingId}")
    model = read_model(document).by_name("things")
    seeding = Seeding(5, datetime(2026, 1, 1, tzinfo=UTC), lambda _api: document)
    seeding.check("api", model)  # a seeded record that broke its schema would stop start-up
    records = seeding.records("api", model, (("user", "1"),))
    assert records and all("user" not in r or r["user"] is not None for r in records.values())
