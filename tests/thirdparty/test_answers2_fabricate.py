"""Every value the fabricator draws validates as openapi-core (the second opinion
on every answer) reads OpenAPI 3.0: ``nullable`` beside ``allOf``/``$ref``/
``oneOf`` takes null only where each part does, a nullable ``enum`` without
``null`` never answers null, a ``oneOf`` value is valid under exactly one branch."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator

from servicestub.engine.fabricate import Context, FabricateError, Fabricator, fabricate

COMPONENTS = {
    "Name": {"type": "string", "minLength": 1},
    "Count": {"type": "integer", "minimum": 0},
    "Maybe": {"type": "string", "nullable": True},
    "Cat": {"type": "object", "required": ["meow"], "properties": {"meow": {"type": "boolean"}}},
    "Dog": {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "integer"}}},
    "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
}
DOCUMENT = {"openapi": "3.0.3", "components": {"schemas": COMPONENTS}}
REFS = [f"#/components/schemas/{name}" for name in COMPONENTS]

leaves = st.one_of(
    st.sampled_from(REFS).map(lambda ref: {"$ref": ref}),
    st.builds(
        lambda values, nullable: {"type": "string", "enum": values, "nullable": nullable},
        st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
        st.booleans(),
    ),
    st.sampled_from([{"type": "integer"}, {"type": "string"}, {"type": "boolean"}]),
)


def _wrapped(schemas: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    nullable = st.sampled_from([{}, {"nullable": True}, {"nullable": False}])
    return st.one_of(
        st.builds(lambda s, n: {"allOf": [s], **n}, schemas, nullable),
        st.builds(lambda s, n: {**s, **n}, schemas, nullable),
        st.builds(
            lambda b, n: {"oneOf": b, **n}, st.lists(schemas, min_size=1, max_size=3), nullable
        ),
        st.builds(
            lambda b, n: {"anyOf": b, **n}, st.lists(schemas, min_size=1, max_size=3), nullable
        ),
        st.builds(lambda s: {"type": "object", "required": ["x"], "properties": {"x": s}}, schemas),
        st.builds(lambda s: {"type": "array", "minItems": 1, "items": s}, schemas),
    )


schemas = st.recursive(leaves, _wrapped, max_leaves=6)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(schema=schemas, seed=st.integers(0, 2**16))
def test_every_drawn_value_validates_under_openapi_core(schema: dict[str, Any], seed: int) -> None:
    context = Context(nulls=0.5)
    try:
        value = fabricate(schema, random.Random(seed), document=DOCUMENT, context=context)
    except FabricateError:
        return  # a schema no value satisfies (an empty oneOf choice) is refused, not answered
    # the schema as the root of a document holding the components it refers to
    errors = list(
        OAS30Validator({**schema, "components": DOCUMENT["components"]}).iter_errors(value)
    )
    assert not errors, (schema, value, [error.message for error in errors])


def test_the_named_disagreements() -> None:
    context = Context(nulls=1.0)
    rng = random.Random(1)
    one_ref = {"allOf": [{"$ref": "#/components/schemas/Pet"}], "nullable": True}
    assert fabricate(one_ref, rng, document=DOCUMENT, context=context) is not None
    enum = {"type": "string", "enum": ["a"], "nullable": True}
    assert fabricate(enum, rng, document=DOCUMENT, context=context) == "a"
    sibling = {"$ref": "#/components/schemas/Name", "nullable": True}
    assert fabricate(sibling, rng, document=DOCUMENT, context=context) is not None


def test_a_discriminated_union_member_is_never_drawn_null() -> None:
    """Airflow's ScheduleInterval: an ``anyOf`` with a discriminator whose member
    (CronExpression) is ``nullable``; openapi-core refuses null for the union, so
    no draw, minimal ones included, may give it."""
    member = {
        "type": "object",
        "nullable": True,
        "required": ["__type", "value"],
        "properties": {"__type": {"type": "string"}, "value": {"type": "string"}},
    }
    other = {
        "type": "object",
        "required": ["__type", "days"],
        "properties": {"__type": {"type": "string"}, "days": {"type": "integer"}},
    }
    document = {
        "components": {
            "schemas": {
                "Cron": member,
                "Delta": other,
                "Interval": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/Delta"},
                        {"$ref": "#/components/schemas/Cron"},
                    ],
                    "discriminator": {"propertyName": "__type"},
                    "nullable": True,
                    "readOnly": True,
                },
            }
        }
    }
    fabricator = Fabricator(document, Context(nulls=1.0))
    drawn = [
        fabricator.value({"$ref": "#/components/schemas/Interval"}, random.Random(seed))
        for seed in range(40)
    ]
    assert all(isinstance(value, dict) and value.get("__type") for value in drawn), drawn
