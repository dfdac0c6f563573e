"""``app/validation.kinds`` reads each schema once: what it answers from memory is
what reading the schema anew answers, and its memory stays bounded."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.app import validation

TYPES = st.sampled_from(["string", "integer", "number", "boolean", "array", "object", "null"])
SCHEMAS = st.recursive(
    st.fixed_dictionaries({}, optional={"type": TYPES | st.lists(TYPES, max_size=3)}),
    lambda inner: st.fixed_dictionaries(
        {},
        optional={
            "type": TYPES,
            "allOf": st.lists(inner, max_size=2),
            "oneOf": st.lists(inner, max_size=2),
            "anyOf": st.lists(inner, max_size=2),
        },
    ),
    max_leaves=8,
)


def _read_anew(schema: Any) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for branch in validation._branches(schema):
        kind = branch.get("type")
        found |= dict.fromkeys(kind if isinstance(kind, list) else [kind] if kind else [])
    return tuple(found)


@settings(max_examples=300, derandomize=True)
@given(st.lists(SCHEMAS, min_size=1, max_size=20))
def test_kinds_from_memory_are_the_schemas_own(schemas: list[dict[str, Any]]) -> None:
    for _ in range(2):  # read, then answered from memory
        for schema in schemas:
            assert validation.kinds(schema) == _read_anew(schema)
    assert len(validation._kinds) <= validation.KINDS_CACHE_SIZE


def test_a_schema_gone_is_never_answered_for_another() -> None:
    """A new schema at the ``id`` of one that is gone is read anew."""
    for kind in ("integer", "string", "boolean") * 200:
        assert validation.kinds({"type": kind}) == (kind,)


def test_the_memory_is_bounded() -> None:
    kept = [{"type": "string"} for _ in range(validation.KINDS_CACHE_SIZE * 2)]
    for schema in kept:
        validation.kinds(schema)
    assert len(validation._kinds) <= validation.KINDS_CACHE_SIZE
