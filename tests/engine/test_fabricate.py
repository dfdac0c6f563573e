"""engine/fabricate: every value drawn for a schema validates against it, the same
seed draws the same records, and realistic values never break a constraint."""

from __future__ import annotations

import dataclasses
import functools
import random
import re
import re._parser as regex_parser
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from servicestub.core.json_schema import to_json_schema
from servicestub.engine.fabricate import (
    NAMED,
    Context,
    FabricateError,
    Fabricator,
    fabricate,
    fabricate_records,
    named_pool,
)
from servicestub.engine.model import read_model
from servicestub.specs import ADMIN, ORDERS, SERVICES, ApiSpec, operations
from tests.engine.specs import library

SPECS = (ORDERS, SERVICES, ADMIN)
PROPERTY = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SEEDS = st.integers(0, 2**64 - 1)
_VALIDATORS = {
    "stored": OAS30Validator,
    "read": OAS30ReadValidator,
    "write": OAS30WriteValidator,
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


@functools.cache
def _spec_rs_validator(api: ApiSpec, name: str) -> Any:
    return rs_validator(api.parsed(), ref(name))


@functools.cache
def _spec_validator(api: ApiSpec, name: str, view: str) -> Any:
    document = api.parsed()
    root = {**ref(name), "components": document["components"]}
    return _VALIDATORS[view](root, format_checker=oas30_format_checker)


def errors_of(validator: Any, value: Any) -> list[str]:
    """What ``validator`` (openapi-schema-validator or jsonschema-rs) finds wrong."""
    return [
        f"{list(getattr(e, 'absolute_path', None) or getattr(e, 'instance_path', []))}: {e.message}"
        for e in validator.iter_errors(value)
    ]


def rs_validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """jsonschema-rs over the schema as the mock's request validation reads OpenAPI
    (``core.json_schema``: ``nullable`` beside an ``allOf`` admits null), formats checked."""
    schemas = document.get("components", {}).get("schemas", {})
    root = {**to_json_schema(schema), "components": {"schemas": to_json_schema(schemas)}}
    return jsonschema_rs.Draft4Validator(root, validate_formats=True)


# -- every schema of the three specs ------------------------------------------

CASES = [(api, name) for api in SPECS for name in api.parsed()["components"]["schemas"]]


@pytest.mark.parametrize(("api", "name"), CASES, ids=[f"{a.name}-{n}" for a, n in CASES])
@PROPERTY
@given(seed=SEEDS, view=st.sampled_from(["stored", "read"]))
def test_every_schema_of_the_specs_draws_valid_values(
    api: ApiSpec, name: str, seed: int, view: str
) -> None:
    document = api.parsed()
    fabricator = Fabricator(document, Context(view=view))  # type: ignore[arg-type]
    value = fabricator.value(ref(name), random.Random(seed))
    assert errors_of(_spec_validator(api, name, view), value) == []
    assert errors_of(_spec_rs_validator(api, name), value) == []


def _request_bodies(api: ApiSpec) -> list[str]:
    """The schemas the spec's request bodies name."""
    document = api.parsed()
    bodies = list((document["components"].get("requestBodies") or {}).values())
    bodies += [op.get("requestBody") or {} for _d, _p, _m, op in operations([api])]
    found = []
    for body in bodies:
        for media in (body.get("content") or {}).values():
            name = media.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if name and name not in found:
                found.append(name)
    return found


WRITES = [(api, name) for api in SPECS for name in _request_bodies(api)]


@pytest.mark.parametrize(("api", "name"), WRITES, ids=[f"{a.name}-{n}" for a, n in WRITES])
@PROPERTY
@given(seed=SEEDS)
def test_request_bodies_drawn_for_writing_hold_no_read_only_field(
    api: ApiSpec, name: str, seed: int
) -> None:
    value = fabricate(
        ref(name), random.Random(seed), document=api.parsed(), context=Context(view="write")
    )
    assert errors_of(_spec_validator(api, name, "write"), value) == []


# -- synthetic schemas ---------------------------------------------------------

SYNTHETIC: dict[str, Any] = {
    "components": {
        "schemas": {
            "Tree": {
                "type": "object",
                "required": ["label"],
                "properties": {
                    "label": {"type": "string", "minLength": 1, "maxLength": 12},
                    "children": {"type": "array", "items": ref("Tree"), "maxItems": 3},
                    "parent": {"allOf": [ref("Tree")], "nullable": True},
                },
            },
            "Chain": {
                "type": "object",
                "required": ["next", "size"],
                "properties": {
                    "size": {"type": "integer", "minimum": 1, "maximum": 3},
                    "next": {"allOf": [ref("Chain")], "nullable": True},
                },
            },
            "Endless": {
                "type": "object",
                "required": ["next"],
                "properties": {"next": ref("Endless")},
            },
            "Pet": {
                "oneOf": [ref("Cat"), ref("Dog"), ref("Lizard")],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"cat": ref("Cat")["$ref"], "dog": ref("Dog")["$ref"]},
                },
            },
            "PetBase": {
                "type": "object",
                "required": ["kind", "name"],
                "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
            },
            "Cat": {
                "allOf": [
                    ref("PetBase"),
                    {
                        "type": "object",
                        "properties": {
                            "kind": {"enum": ["cat"]},
                            "lives": {"type": "integer", "minimum": 1, "maximum": 9},
                        },
                    },
                ]
            },
            "Dog": {
                "allOf": [
                    ref("PetBase"),
                    {"properties": {"kind": {"enum": ["dog"]}, "good": {"type": "boolean"}}},
                ]
            },
            "Lizard": {"allOf": [ref("PetBase"), {"properties": {"kind": {"enum": ["Lizard"]}}}]},
            # oneOf branches that overlap: only values of exactly one may be drawn.
            "Overlap": {
                "oneOf": [
                    {"type": "integer", "minimum": 0, "maximum": 10},
                    {"type": "integer", "minimum": 5, "maximum": 20},
                ]
            },
            "Owner": {
                "type": "object",
                "required": ["pet", "address"],
                "properties": {
                    "pet": ref("Pet"),
                    "address": {"allOf": [ref("Address")], "nullable": True},
                    "tags": {
                        "type": "array",
                        "uniqueItems": True,
                        "minItems": 3,
                        "maxItems": 3,
                        "items": {"type": "string", "enum": ["a", "b", "c"]},
                    },
                    "flags": {
                        "type": "array",
                        "uniqueItems": True,
                        "minItems": 2,
                        "items": {"type": "boolean"},
                    },
                    "scores": {
                        "type": "object",
                        "minProperties": 2,
                        "additionalProperties": {"type": "integer", "minimum": 3, "maximum": 5},
                    },
                    "closed": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"a": {"type": "string"}},
                    },
                },
            },
            "Address": {
                "type": "object",
                "required": ["street", "city", "countryCode", "postalCode"],
                "properties": {
                    "street": {"type": "string", "maxLength": 14},
                    "city": {"type": "string", "minLength": 30},
                    "countryCode": {"type": "string", "pattern": "^[A-Z]{2}$"},
                    "postalCode": {"type": "string", "pattern": "^[0-9]{5}$"},
                },
            },
            "Patterns": {
                "type": "object",
                "required": ["code", "either", "hex", "mail", "mirror", "long", "neg"],
                "properties": {
                    "code": {"type": "string", "pattern": r"^[A-Z]{2}-\d{3,5}$"},
                    "either": {"type": "string", "pattern": "^(foo|bar)+baz?$", "maxLength": 9},
                    "hex": {"type": "string", "pattern": "[a-f0-9]{8}"},
                    "mail": {"type": "string", "pattern": r"^\w+@\w+\.com$"},
                    "mirror": {"type": "string", "pattern": r"^(a|b)(c|d)\2\1$"},
                    "long": {"type": "string", "pattern": "^x+$", "minLength": 20},
                    "neg": {"type": "string", "pattern": r"^[^\s,]{4}\S*$", "maxLength": 10},
                },
            },
            "Numbers": {
                "type": "object",
                "required": ["a", "b", "c", "d", "e", "f", "g", "h"],
                "properties": {
                    "a": {"type": "integer", "minimum": 3, "maximum": 4, "exclusiveMinimum": True},
                    "b": {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": True},
                    "c": {"type": "number", "multipleOf": 0.25, "minimum": 1, "maximum": 2},
                    "d": {"type": "integer", "multipleOf": 7, "maximum": -1},
                    "e": {"type": "integer", "format": "int32"},
                    "f": {"type": "number", "format": "double", "minimum": -5.5, "maximum": -5.4},
                    "g": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    "h": {
                        "type": "number",
                        "multipleOf": 0.01,
                        "exclusiveMinimum": True,
                        "minimum": 0,
                    },
                },
            },
            "Formats": {
                "type": "object",
                "required": [
                    "uuid",
                    "date",
                    "dateTime",
                    "email",
                    "uri",
                    "host",
                    "v4",
                    "v6",
                    "byte",
                    "binary",
                    "sized",
                ],
                "properties": {
                    "uuid": {"type": "string", "format": "uuid"},
                    "date": {"type": "string", "format": "date"},
                    "dateTime": {"type": "string", "format": "date-time"},
                    "email": {"type": "string", "format": "email"},
                    "uri": {"type": "string", "format": "uri"},
                    "host": {"type": "string", "format": "hostname"},
                    "v4": {"type": "string", "format": "ipv4"},
                    "v6": {"type": "string", "format": "ipv6"},
                    "byte": {"type": "string", "format": "byte"},
                    "binary": {"type": "string", "format": "binary", "maxLength": 5},
                    "sized": {"type": "string", "format": "byte", "minLength": 8, "maxLength": 12},
                },
            },
            "Visibility": {
                "type": "object",
                "required": ["id", "secret", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "secret": {"type": "string", "writeOnly": True},
                    "name": {"type": "string"},
                },
            },
            "Examples": {
                "type": "object",
                "required": ["currency", "bad", "nested"],
                "properties": {
                    "currency": {"type": "string", "example": "EUR"},
                    "bad": {"type": "integer", "maximum": 5, "example": 99},
                    "nested": {
                        "type": "object",
                        "required": ["x"],
                        "properties": {"x": {"type": "integer"}, "y": {"type": "string"}},
                        "example": {"x": 41, "y": "hello"},
                    },
                },
            },
        }
    }
}
SYNTHETIC_NAMES = [n for n in SYNTHETIC["components"]["schemas"] if n != "Endless"]


@functools.cache
def _synthetic_validator(name: str) -> Any:
    return rs_validator(SYNTHETIC, ref(name))


@pytest.mark.parametrize("name", SYNTHETIC_NAMES)
@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=SEEDS)
def test_synthetic_schemas_draw_valid_values(name: str, seed: int) -> None:
    fabricator = Fabricator(SYNTHETIC)
    value = fabricator.value(ref(name), random.Random(seed))
    assert errors_of(_synthetic_validator(name), value) == []


def _depth(tree: dict[str, Any]) -> int:
    below = [*tree.get("children", []), *([tree["parent"]] if tree.get("parent") else [])]
    return 1 + max((_depth(t) for t in below), default=0)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=SEEDS, depth=st.integers(0, 3))
def test_recursion_stops_at_the_depth_cap(seed: int, depth: int) -> None:
    """Optional recursive properties stop; a required nullable one ends in null."""
    fabricator = Fabricator(SYNTHETIC, Context(depth=depth))
    assert _depth(fabricator.value(ref("Tree"), random.Random(seed))) <= depth + 2
    chain = fabricator.value(ref("Chain"), random.Random(seed))
    links = 0
    while chain is not None:
        chain, links = chain["next"], links + 1
    assert links <= depth + 2


def test_a_schema_that_requires_itself_without_end_is_refused() -> None:
    with pytest.raises(FabricateError, match="requires itself without end"):
        fabricate(ref("Endless"), random.Random(1), document=SYNTHETIC)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(seed=SEEDS)
def test_the_discriminator_names_the_branch_drawn(seed: int) -> None:
    pet = fabricate(ref("Pet"), random.Random(seed), document=SYNTHETIC)
    assert pet["kind"] in ("cat", "dog", "Lizard")  # Lizard: named by its schema's name
    others = {"cat": {"good"}, "dog": {"lives"}, "Lizard": {"good", "lives"}}[pet["kind"]]
    assert not others & pet.keys()  # the fields are the named branch's


def test_every_branch_of_a_one_of_is_drawn_and_overlaps_are_not() -> None:
    kinds = {fabricate(ref("Pet"), random.Random(s), document=SYNTHETIC)["kind"] for s in range(60)}
    assert kinds == {"cat", "dog", "Lizard"}
    overlap = {fabricate(ref("Overlap"), random.Random(s), document=SYNTHETIC) for s in range(200)}
    assert overlap and not overlap & set(range(5, 11))


@settings(max_examples=30, derandomize=True, deadline=None)
@given(seed=SEEDS)
def test_read_only_and_write_only_fields_follow_the_view(seed: int) -> None:
    def drawn(view: str) -> set[str]:
        context = Context(view=view, optional=1.0)  # type: ignore[arg-type]
        return set(
            fabricate(ref("Visibility"), random.Random(seed), document=SYNTHETIC, context=context)
        )

    assert drawn("stored") == {"id", "secret", "name"}
    assert drawn("read") == {"id", "name"}
    assert drawn("write") == {"secret", "name"}


@settings(max_examples=40, derandomize=True, deadline=None)
@given(seed=SEEDS, days=st.integers(-20000, 2_000_000))
def test_dates_lie_before_the_reference_time_and_formats_parse(seed: int, days: int) -> None:
    now = datetime(2026, 1, 15, tzinfo=UTC) + timedelta(days=days)
    value = fabricate(
        ref("Formats"), random.Random(seed), document=SYNTHETIC, context=Context(now=now)
    )
    moment = datetime.strptime(value["dateTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert moment < now and value["date"] <= now.date().isoformat()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", value["date"])
    assert str(uuid.UUID(value["uuid"])) == value["uuid"]
    assert "@" in value["email"] and value["uri"].startswith("http")


def test_examples_are_used_only_when_valid() -> None:
    context = Context(examples=1.0, optional=1.0)
    drawn = [
        fabricate(ref("Examples"), random.Random(s), document=SYNTHETIC, context=context)
        for s in range(30)
    ]
    assert {d["currency"] for d in drawn} == {"EUR"}
    assert all(d["bad"] != 99 and d["bad"] <= 5 for d in drawn)  # its example is invalid
    assert {d["nested"]["x"] for d in drawn} == {41}  # an object's example lent to its fields
    some = [fabricate(ref("Examples"), random.Random(s), document=SYNTHETIC) for s in range(30)]
    currencies = {d["currency"] for d in some}
    assert "EUR" in currencies and len(currencies) > 1  # by default, sometimes


# -- a hypothesis-generated family of schemas ------------------------------------

_BOUNDED = st.integers(-50, 50)


@st.composite
def scalar_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "enum"]))
    schema: dict[str, Any] = {}
    if kind == "enum":
        schema["enum"] = draw(
            st.lists(st.text(max_size=4) | st.integers(), min_size=1, max_size=4, unique=True)
        )
    elif kind == "string":
        schema["type"] = "string"
        low = draw(st.integers(0, 6))
        if draw(st.booleans()):
            schema["minLength"] = low
        if draw(st.booleans()):
            schema["maxLength"] = low + draw(st.integers(0, 10))
        if draw(st.booleans()):
            schema["format"] = draw(st.sampled_from(["date", "date-time", "uuid", "email"]))
            schema.pop("minLength", None), schema.pop("maxLength", None)
        elif draw(st.booleans()):
            schema["pattern"] = draw(
                st.sampled_from(["^[a-z]+$", "^[A-Z]{2}[0-9]*$", "x", r"^\d{1,3}(-\d+)?$"])
            )
            schema.pop("minLength", None), schema.pop("maxLength", None)
    elif kind in ("integer", "number"):
        schema["type"] = kind
        low = draw(_BOUNDED)
        if draw(st.booleans()):
            schema["minimum"] = low
            schema["exclusiveMinimum"] = draw(st.booleans())
        if draw(st.booleans()):
            schema["maximum"] = low + draw(st.integers(12, 40))
            schema["exclusiveMaximum"] = draw(st.booleans())
        if draw(st.booleans()):
            schema["multipleOf"] = draw(
                st.sampled_from([1, 2, 5] if kind == "integer" else [0.5, 0.25, 0.1, 3])
            )
    else:
        schema["type"] = "boolean"
    if draw(st.booleans()):
        schema["nullable"] = True
    return schema


def schemas() -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from(
        [
            "name",
            "email",
            "city",
            "price",
            "quantity",
            "title",
            "color",
            "currency",
            "createdAt",
            "x",
            "phone",
            "countryCode",
        ]
    )

    def extend(inner: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        objects = st.builds(
            lambda props, required, extra: {
                "type": "object",
                "properties": props,
                "additionalProperties": extra,
                **(
                    {"required": sorted(required & props.keys())} if required & props.keys() else {}
                ),
            },
            st.dictionaries(names, inner, max_size=4),
            st.sets(names),
            st.sampled_from([False, True, {"type": "integer"}]),
        )
        arrays = st.builds(
            lambda items, low, more: {
                "type": "array",
                "items": items,
                "minItems": low,
                "maxItems": low + more,
            },
            inner,
            st.integers(0, 2),
            st.integers(0, 3),
        )
        merged = st.builds(lambda a, b: {"allOf": [a, b]}, objects, objects)
        return objects | arrays | merged

    return st.recursive(scalar_schemas(), extend, max_leaves=8)


@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(schema=schemas(), seed=SEEDS)
def test_any_schema_of_the_family_draws_valid_values(schema: dict[str, Any], seed: int) -> None:
    try:
        value = fabricate(schema, random.Random(seed))
    except FabricateError:
        # allOf of two closed objects may admit nothing; any other refusal is a bug.
        assert "allOf" in str(schema)
        return
    assert errors_of(rs_validator({}, schema), value) == []


@settings(max_examples=60, derandomize=True, deadline=None)
@given(seed=SEEDS)
def test_openapi_31_type_lists_and_numeric_exclusive_bounds(seed: int) -> None:
    schema = {
        "type": "object",
        "required": ["a", "b", "c"],
        "properties": {
            "a": {"type": ["integer", "null"], "exclusiveMinimum": 3, "exclusiveMaximum": 6},
            "b": {"type": ["string", "boolean"], "maxLength": 3},
            "c": {"const": "fixed"},
            "d": {"type": "number", "exclusiveMinimum": 0.5, "maximum": 0.75},
        },
    }
    value = fabricate(schema, random.Random(seed))
    assert errors_of(OAS31Validator(schema, format_checker=oas31_format_checker), value) == []


# -- realistic values by name ------------------------------------------------------


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    name=st.sampled_from([*sorted(NAMED), "customerEmail", "homePhone", "avatarUrl", "createdAt"]),
    seed=SEEDS,
    low=st.integers(0, 12),
    more=st.none() | st.integers(0, 30),
    pattern=st.none() | st.sampled_from(["^[A-Z]{3}$", "^[a-z ]+$", "^#[0-9a-f]{6}$", "@"]),
)
def test_a_realistic_value_never_breaks_a_constraint(
    name: str, seed: int, low: int, more: int | None, pattern: str | None
) -> None:
    schema: dict[str, Any] = {"type": "string"}
    if pattern is not None:  # lengths beside a pattern could contradict it
        schema["pattern"] = pattern
    else:
        schema["minLength"] = low
        if more is not None:
            schema["maxLength"] = low + more
    value = fabricate(schema, random.Random(seed), name=name)
    assert errors_of(OAS30Validator(schema, format_checker=oas30_format_checker), value) == []


def test_plain_strings_take_realistic_values_by_name() -> None:
    def drawn(name: str, **schema: Any) -> str:
        value = fabricate({"type": "string", **schema}, random.Random(7), name=name)
        assert isinstance(value, str)
        return value

    assert named_pool("customerEmail") == "email" and named_pool("label") is None
    assert "@" in drawn("email") and "@" in drawn("customerEmail")
    assert drawn("currency", pattern="^[A-Z]{3}$").isalpha()
    assert re.fullmatch("#[0-9a-f]{6}", drawn("color"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", drawn("createdAt"))
    assert drawn("status", enum=["OPEN"]) == "OPEN"  # an enum stands over the name
    price = fabricate({"type": "number", "minimum": 0}, random.Random(3), name="price")
    assert round(price, 2) == price


# -- records of a collection --------------------------------------------------------


def _books(seed: int, shelf: str, count: int = 20) -> list[dict[str, Any]]:
    document = library()
    model = read_model(document).by_name("books")
    return fabricate_records(model, ref("Book"), seed, {"shelfId": shelf}, count, document=document)


def test_records_are_deterministic_per_seed_collection_and_scope() -> None:
    first = _books(1, "s1")
    _books(1, "s2")  # another scope drawn first changes nothing
    assert _books(1, "s1") == first
    assert _books(2, "s1") != first
    assert _books(1, "s2") != first
    assert len({book["isbn"] for book in first}) == len(first)


def test_record_ids_are_unique_in_every_id_shape() -> None:
    document = library()
    model = read_model(document).by_name("shelves")
    for id_schema in (
        {"type": "integer", "minimum": 10},
        {"type": "string", "format": "uuid"},
        {"type": "string", "pattern": "^[a-c]{3}$"},
        {"type": "string", "enum": ["a", "b", "c", "d"]},
    ):
        item = {"type": "object", "required": ["shelfId"], "properties": {"shelfId": id_schema}}
        records = fabricate_records(model, item, 5, {}, 4)
        ids = [r["shelfId"] for r in records]
        assert len(set(ids)) == 4
        if id_schema["type"] == "integer":
            assert ids == [10, 11, 12, 13]
    item = {"type": "object", "properties": {"shelfId": {"type": "string", "enum": ["a"]}}}
    # fewer ids than records: as many records as ids, none where clients choose the ids
    assert [r["shelfId"] for r in fabricate_records(model, item, 5, {}, 2)] == ["a"]
    keyed = dataclasses.replace(model, keyed_by_client=True)
    assert fabricate_records(keyed, item, 5, {}, 2) == []


def test_a_property_named_like_a_scope_parameter_holds_the_scope_value() -> None:
    document = library()
    document["components"]["schemas"]["Book"]["properties"]["shelfId"] = {"type": "string"}
    model = read_model(document).by_name("books")
    records = fabricate_records(model, ref("Book"), 3, ["shelf-9"], 5, document=document)
    assert {r["shelfId"] for r in records} == {"shelf-9"}
    with pytest.raises(FabricateError, match="scope"):
        fabricate_records(model, ref("Book"), 3, [], 5, document=document)


@pytest.mark.parametrize("api", [ORDERS, SERVICES], ids=lambda a: a.name)
def test_records_of_every_collection_of_the_specs_validate(api: ApiSpec) -> None:
    document = api.parsed()
    for collection in read_model(document).collections.values():
        schema = _item_schema(document, collection.path)
        scope = {param: f"{param}-1" for param in collection.scope}
        records = fabricate_records(collection, schema, 11, scope, 5, document=document)
        root = {**schema, "components": document["components"]}
        validator = OAS30Validator(root, format_checker=oas30_format_checker)
        ids = [r[collection.id_field] for r in records]
        assert len(set(ids)) == len(ids), collection.path
        for record in records:
            assert errors_of(validator, record) == [], collection.path


def _item_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    """A collection's item schema: the array items of its list, else what its create answers."""
    fabricator = Fabricator(document)
    operation = document["paths"][path].get("get")
    status = "200"
    if operation is None:
        operation, status = document["paths"][path]["post"], "201"
    response = operation["responses"][status]
    response = fabricator.resolve(response["$ref"]) if "$ref" in response else response
    schema = response["content"]["application/json"]["schema"]
    found = fabricator.resolve(schema["$ref"]) if "$ref" in schema else schema
    for prop in found.get("properties", {}).values():
        prop = fabricator.resolve(prop["$ref"]) if "$ref" in prop else prop
        if prop.get("type") == "array":
            return dict(prop["items"])
    return dict(schema)


# -- what the module leans on -----------------------------------------------------


def test_the_regex_parser_it_walks_has_the_shape_it_knows() -> None:
    """``Pattern`` walks ``re._parser`` trees: this fails when a Python upgrade changes them."""
    assert (3, 11) <= sys.version_info[:2] <= (3, 13)
    tree = regex_parser.parse(r"^a[^b-d\d](x|yz)*?\w{2,3}.\1$")
    names = [str(op) for op, _ in tree]
    assert names == ["AT", "LITERAL", "IN", "MIN_REPEAT", "MAX_REPEAT", "ANY", "GROUPREF", "AT"]
    ops = {str(op) for op, _ in tree[2][1]}
    assert ops == {"NEGATE", "RANGE", "CATEGORY"}
    assert tree[3][1][1] == regex_parser.MAXREPEAT
