"""The write rules on the catalogue's data, without HTTP: a record is made in one
place, the spec's defaults and nullability hold for every writer (the HTTP
layer, PATCH, scenarios), and a refused write changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.apis.services_v4 import rules, snapshot
from servicestub.apis.services_v4.seeding import seed_catalogue
from servicestub.apis.services_v4.spec import CREATE_REQUIRED, DEFAULTS, NULLABLE, WRITABLE
from servicestub.apis.services_v4.state import STORED_FIELDS, CatalogueState
from servicestub.core.errors import BadRequest

PROPERTY = settings(max_examples=40, derandomize=True, deadline=None)
MINIMAL = {"name": "Weekly Pool Cleaning", "serviceTypeId": 1}
NOT_NULLABLE = sorted(set(WRITABLE) - NULLABLE)
WHEN = datetime(2026, 1, 20, 10, 30, tzinfo=UTC)


@pytest.fixture
def state() -> CatalogueState:
    return seed_catalogue(42, count=20)


def test_a_created_record_is_laid_out_like_a_seeded_one(state):
    """One record builder: the same fields in the same order, whoever makes it."""
    created = rules.create(state, MINIMAL, now=WHEN)
    seeded = state.services[1001]
    assert list(created) == list(seeded) == list(STORED_FIELDS)


def test_what_a_create_leaves_out_is_the_spec_default(state):
    created = rules.create(state, MINIMAL, now=WHEN)
    assert {name: created[name] for name in DEFAULTS} == DEFAULTS
    assert created["ownerId"] == state.owner_id and created["created"] == "2026-01-20T10:30:00Z"
    assert created["identity"] == created["id"] == 1021 == state.last_identity


@PROPERTY
@given(st.sampled_from(NOT_NULLABLE), st.booleans())
def test_no_writer_can_null_a_field_the_spec_does_not_let_be_null(field, creating):
    """Schema validation stops a null at HTTP; PATCH items and scenarios reach the
    rule directly and are held to the same spec."""
    state = seed_catalogue(42, count=5)
    before = snapshot.to_snapshot(state)
    with pytest.raises(BadRequest, match=f"^{field} (cannot be null|is required)"):
        if creating:
            rules.create(state, {**MINIMAL, field: None})
        else:
            rules.update(state, 1001, {field: None})
    assert snapshot.to_snapshot(state) == before


@PROPERTY
@given(st.sampled_from(sorted(NULLABLE & set(WRITABLE))))
def test_a_field_the_spec_lets_be_null_may_be_cleared(field):
    state = seed_catalogue(42, count=5)
    assert rules.update(state, 1001, {field: None})[field] is None
    assert rules.create(state, {**MINIMAL, field: None})[field] is None


@pytest.mark.parametrize("field", CREATE_REQUIRED)
def test_a_create_without_a_required_field_names_it(state, field):
    body = {k: v for k, v in MINIMAL.items() if k != field}
    with pytest.raises(BadRequest, match=f"^{field} is required to create a service"):
        rules.create(state, body)
    assert state.count() == 20


def test_check_lookups_names_the_field_and_the_known_ids(state):
    with pytest.raises(
        BadRequest, match=r"^taxCodeId 9 is not in the taxCodes table \(known ids: 1, 2"
    ):
        rules.check_lookups(state, {"taxCodeId": 9})
    assert rules.check_lookups(state, {"taxCodeId": 2, "ownerId": 99}) == {
        "taxCodeId": 2,
        "ownerId": 99,
    }


def test_writable_keeps_only_what_a_write_may_set():
    body = {
        "name": "x",
        "identity": 5,
        "ownerId": 7,
        "created": "x",
        "ownerName": "y",
        "patchType": "create",
    }
    assert rules.writable(body) == {"name": "x"}


def test_delete_reports_the_service_then_each_plan_in_plan_order(state):
    plans = sorted(state.share_plans)
    member = state.share_plans[plans[0]]["serviceIds"][0]
    on = [p for p in plans if member in state.share_plans[p]["serviceIds"]]
    report = rules.delete(state, member)
    assert report[0] == {"identity": member, "action": "deleted", "dtoTypeKey": "service"}
    assert [(r["lhsId"], r["rhsId"], r["dtoTypeKey"]) for r in report[1:]] == [
        (p, member, "sharePlanService") for p in on
    ]
    assert state.plans_of(member) == []
