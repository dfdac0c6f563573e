"""The corpus harness's own pieces (tests/corpus/): the values it sends are valid for their
schemas, the strings it makes for patterns match them, and the judgements it makes of
answers (ids, lists, what reads back) are the ones described in probe.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30WriteValidator, validate

from tests.corpus.probe import _items, _not_required, contains, id_field, path_values
from tests.corpus.values import _regex_value, make

FORMATS = ["date-time", "date", "email", "uuid", "uri", "byte", "hostname", "ipv4", None]


def _bounded(draw: Any, kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    low = draw(st.none() | st.integers(-50, 50))
    high = draw(st.none() | st.integers(-50, 50))
    if low is not None and high is not None and low > high:
        low, high = high, low
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return schema


@st.composite
def scalars(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["integer", "number", "string", "boolean", "enum", "pattern"]))
    if kind in ("integer", "number"):
        return _bounded(draw, kind)
    if kind == "enum":
        return {
            "type": "string",
            "enum": draw(st.lists(st.text(max_size=5), min_size=1, unique=True)),
        }
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    if kind == "boolean":
        return {"type": "boolean"}
    schema: dict[str, Any] = {"type": "string"}
    fmt = draw(st.sampled_from(FORMATS))
    if fmt:
        schema["format"] = fmt
    else:
        low = draw(st.integers(0, 30))
        schema["minLength"] = low
        schema["maxLength"] = low + draw(st.integers(0, 30))
    return schema


def _containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    arrays = st.builds(
        lambda item, low: {"type": "array", "items": item, "minItems": low},
        children,
        st.integers(0, 3),
    )
    objects = st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), children, max_size=4)

    def an_object(props: dict[str, Any], required: list[bool], least: int) -> dict[str, Any]:
        names = [name for name, keep in zip(sorted(props), required, strict=False) if keep]
        schema = {"type": "object", "properties": props, **({"required": names} if names else {})}
        return {**schema, "minProperties": least} if least else schema

    return arrays | st.builds(
        an_object, objects, st.lists(st.booleans(), max_size=4), st.integers(0, 3)
    )


schemas = st.recursive(scalars(), _containers, max_leaves=12)

#: Patterns of the kinds the corpus has (AWS, Azure, Google, Stripe specs).
PATTERNS = [
    r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$",
    r"^arn:aws:kms:[a-z0-9-]+:\d{12}:key/.+$",
    r"\S",
    r"^(?!aws:)[a-zA-Z+-=._:/]+$",
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    r"^\+?[1-9]\d{1,14}$",
    r"^[A-Z]{3}$",
    r"^(http|https)://.+",
    r"^\d{4}-\d{2}-\d{2}$",
    r"^[^\s]+$",
    r"(?i)^[a-z]+$",
    r"^([a-z]|[A-Z]|[0-9]|-){6,40}$",
]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(schemas, st.integers(0, 3))
def test_values_are_valid_for_their_schema(schema: dict[str, Any], salt: int) -> None:
    validate(make({}, schema, "field", salt), schema, cls=OAS30WriteValidator)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("salt", [0, 1])
def test_pattern_strings_match(pattern: str, salt: int) -> None:
    found = _regex_value(pattern, salt, 0, None)
    assert found is not None and re.search(pattern, found)


@given(st.text(min_size=1, max_size=20), st.integers(0, 3))
def test_a_literal_pattern_gives_its_text(text: str, salt: int) -> None:
    found = _regex_value(re.escape(text), salt, 0, None)
    assert found is not None and text in found


def test_read_only_properties_are_not_written() -> None:
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
    }
    assert set(make({}, schema)) == {"name"}
    assert _not_required({}, schema, "readOnly")["required"] == ["name"]
    assert "required" not in _not_required({}, {**schema, "required": ["id"]}, "readOnly")


@pytest.mark.parametrize(
    ("param", "keys", "field"),
    [
        ("petId", ["id", "name"], "id"),
        ("petId", ["petId", "id"], "petId"),
        ("pool_name", ["name", "slots"], "name"),
        ("Sid", ["sid", "friendly_name"], "sid"),
        ("username", ["email", "username"], "username"),
        ("task", ["title", "notes"], None),
        ("variable_key", ["key", "value", "account_id"], "key"),
        ("attributeCode", ["attribute_code", "frontend_label"], "attribute_code"),
        ("AssetSid", ["sid", "account_sid", "service_sid"], "sid"),
        ("protectedItemName", ["id", "name"], "id"),
    ],
)
def test_id_field(param: str, keys: list[str], field: str | None) -> None:
    assert id_field(param, keys) == field


@pytest.mark.parametrize(
    ("param", "collection", "keys", "field"),
    [
        ("id", "transactions", ["transaction_id", "order_id", "payment_id"], "transaction_id"),
        ("id", "items", ["item_id", "order_id"], "item_id"),
        ("id", "categories", ["category_id", "parent_id"], "category_id"),
        ("id", "address", ["address_id", "customer_id"], "address_id"),
    ],
)
def test_id_field_of_a_collection(
    param: str, collection: str, keys: list[str], field: str | None
) -> None:
    """magento's `/V1/transactions/{id}`: the record's `transaction_id`, named after the
    collection, not its `order_id` or `payment_id`."""
    assert id_field(param, keys, collection) == field


def test_items_of_lists() -> None:
    assert _items([{"id": 1}]) == [{"id": 1}]
    assert _items({"data": [{"id": 1}], "links": {}}) == [{"id": 1}]
    assert _items({"tags": ["a"], "pets": [{"id": 1}], "errors": []}) == [{"id": 1}]
    assert _items({"total": 0}) is None


def test_what_reads_back() -> None:
    assert contains({"a": 1, "b": [{"c": 2.0}], "id": "x"}, {"a": 1, "b": [{"c": 2}]}) is None
    assert contains({"a": 1}, {"a": 1, "b": 2}) == ".b missing"
    assert contains({"a": {"b": "x"}}, {"a": {"b": "y"}}) == ".a.b: sent 'y', read 'x'"
    assert contains({"a": True}, {"a": 1}) is not None


@pytest.mark.parametrize(
    ("template", "path", "values"),
    [
        ("/a/{x}", "/a/q", {"x": "q"}),
        ("/feeds/videos.{format}", "/feeds/videos.json", {"format": "json"}),
        ("/a/{x}/b/{y}.{z}", "/a/1%2F2/b/n.tar.gz", {"x": "1/2", "y": "n", "z": "tar.gz"}),
    ],
)
def test_path_values(template: str, path: str, values: dict[str, str]) -> None:
    assert path_values(template, path) == values


#: Patterns matched by a prefix (unanchored at the end), as AWS writes ARNs.
PREFIXES = [r"^arn:aws:gamesparks:", r"^sk_", r"arn:", r"^[A-Z]{2}-"]


@settings(max_examples=80, derandomize=True, deadline=None)
@given(st.sampled_from(PREFIXES), st.integers(0, 40), st.integers(0, 3))
def test_a_prefix_pattern_longer_than_its_match(pattern: str, low: int, salt: int) -> None:
    """A pattern whose match is shorter than the schema's minLength: the value is the
    match, padded (it still finds the match), so it meets both."""
    schema = {"type": "string", "pattern": pattern, "minLength": low, "maxLength": 2048}
    validate(make({}, schema, "ResourceArn", salt), schema, cls=OAS30WriteValidator)
