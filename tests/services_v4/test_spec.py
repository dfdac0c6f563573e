"""What the v4 package reads from its spec is what the spec says, and the spec
says everything a write needs (no field a create may leave out lacks a default)."""

from __future__ import annotations

import pytest

from servicestub.apis.services_v4 import spec
from servicestub.apis.services_v4.search import FIELDS, OPERATORS
from servicestub.apis.services_v4.state import REFERENCES, STORED_FIELDS
from servicestub.specs import SERVICES

SCHEMAS = SERVICES.document()["components"]["schemas"]


def test_a_create_gives_or_defaults_every_writable_field_and_sets_the_rest():
    create = spec.properties("ServiceCreate")
    assert tuple(create) == spec.WRITABLE  # POST and PUT write the same fields
    assert set(spec.CREATE_REQUIRED) | set(spec.DEFAULTS) == set(spec.WRITABLE)
    assert not set(spec.CREATE_REQUIRED) & set(spec.DEFAULTS)
    server_set = {"identity", "id", "ownerId", "created"}
    assert set(STORED_FIELDS) == set(spec.WRITABLE) | server_set


@pytest.mark.parametrize("item", ["ServiceCreate", "PatchCreateItem"])
def test_both_creates_document_the_same_defaults(item):
    """A PATCH create item defaults like a POST: one rule serves both."""
    found = {n: s["default"] for n, s in spec.properties(item).items() if "default" in s}
    assert found == spec.DEFAULTS


def test_an_update_has_no_defaults():
    """Absent fields of an update are kept, never defaulted."""
    for item in ("ServiceUpdate", "PatchUpdateItem"):
        assert not [n for n, s in spec.properties(item).items() if "default" in s], item


def test_a_default_is_a_value_its_field_takes():
    service = spec.SERVICE
    for name, value in spec.DEFAULTS.items():
        if value is None:
            assert name in spec.NULLABLE, name
        else:
            assert spec.FIELD_KINDS[name] == {bool: "boolean"}.get(type(value), "number"), name
            assert service[name]["type"] in ("boolean", "integer"), name


def test_a_default_sibling_of_a_ref_reads_through_the_wrapping_all_of():
    wrapped = spec.field_schema(SCHEMAS["ServiceCreate"]["properties"]["isActive"])
    assert wrapped == {"type": "boolean", "default": True}
    plain = spec.field_schema(SCHEMAS["ServiceUpdate"]["properties"]["taxCodeId"])
    assert plain["nullable"] is True and "default" not in plain


def test_nullable_fields_are_the_optional_references_and_the_nullable_texts():
    references = {f for f in REFERENCES if f in spec.NULLABLE}
    assert references == set(REFERENCES) - {"ownerId", "serviceTypeId"}
    assert {"name", "identity", "isActive", "created"}.isdisjoint(spec.NULLABLE)
    assert {"description", "usageFrequency", "taxCodeName"} <= spec.NULLABLE


def test_every_reference_pairs_an_id_with_a_resolved_name_and_a_details_key():
    service = SCHEMAS["Service"]["properties"]
    resolved = {n for n, s in service.items() if s.get("$ref", "").endswith("/ResolvedName")}
    assert {name for _table, name, _key in REFERENCES.values()} == resolved
    details = set(SCHEMAS["ServiceDetails"]["properties"]) - {"sharePlans"}
    assert {key for _table, _name, key in REFERENCES.values()} == details
    assert set(STORED_FIELDS) | resolved == set(service)


def test_search_names_and_operators_are_the_ones_a_criterion_may_hold():
    criterion = SCHEMAS["SearchCriterion"]["properties"]
    assert set(criterion["name"]["enum"]) == FIELDS
    assert criterion["operator"]["enum"] == OPERATORS
