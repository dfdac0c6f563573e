"""The v4 catalogue without HTTP: lookups, writes, delete reports, PATCH, search."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.catalogue.search import FIELDS, NUMBER_FIELDS, STRING_FIELDS, search
from servicestub.catalogue.store import Catalogue
from servicestub.errors import BadRequest, NotFound

PROPERTY = settings(max_examples=50, derandomize=True, deadline=None)


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.seeded(42)


def test_seed_has_about_200_services_some_inactive_some_on_share_plans(catalogue):
    services = catalogue.listing()
    assert len(services) == 200
    assert any(not s["isActive"] for s in services)
    on_plans = {i for p in catalogue.share_plans.values() for i in p["serviceIds"]}
    assert 0 < len(on_plans) < 200


def test_same_seed_same_catalogue_and_snapshot_round_trips():
    one, two = Catalogue.seeded(5), Catalogue.seeded(5)
    assert one.to_snapshot() == two.to_snapshot()
    assert Catalogue.from_snapshot(one.to_snapshot()).to_snapshot() == one.to_snapshot()
    assert Catalogue.seeded(6).to_snapshot() != one.to_snapshot()


def test_names_are_resolved_at_read_time(catalogue):
    service = catalogue.listing()[0]
    catalogue.lookups["serviceTypes"][service["serviceTypeId"]] = "Renamed type"
    assert catalogue.render(service)["serviceTypeName"] == "Renamed type"
    assert catalogue.details(service)["serviceType"]["name"] == "Renamed type"


def test_create_sets_owner_and_refuses_unknown_lookup_naming_the_field(catalogue):
    created = catalogue.create(
        {"name": "Express Gutter Cleaning", "serviceTypeId": 1, "ownerId": 7}
    )
    assert created["ownerId"] == catalogue.owner_id and created["identity"] == 1201
    with pytest.raises(BadRequest, match="taxCodeId 99 is not in the taxCodes table"):
        catalogue.create({"name": "x", "serviceTypeId": 1, "taxCodeId": 99})
    assert catalogue.count() == 201


def test_delete_reports_the_service_and_each_share_plan_detached(catalogue):
    plan = next(iter(catalogue.share_plans.values()))
    identity = plan["serviceIds"][0]
    plans = [p["identity"] for p in catalogue.share_plans.values() if identity in p["serviceIds"]]
    report = catalogue.delete(identity)
    assert report[0] == {"identity": identity, "action": "deleted", "dtoTypeKey": "service"}
    assert [(r["lhsId"], r["rhsId"]) for r in report[1:]] == [(p, identity) for p in plans]
    assert all(identity not in p["serviceIds"] for p in catalogue.share_plans.values())
    with pytest.raises(NotFound):
        catalogue.get(identity)


def test_patch_applies_every_item_and_echoes_client_ids(catalogue):
    results = catalogue.patch(
        1001,
        [
            {"patchType": "update", "patchClientId": 1, "isActive": False},
            {"patchType": "create", "patchClientId": 2, "name": "New", "serviceTypeId": 2},
            {"patchType": "delete", "patchClientId": 3, "identity": 1002},
        ],
    )
    assert [(r["action"], r["patchClientId"]) for r in results] == [
        ("updated", 1),
        ("created", 2),
        ("deleted", 3),
    ]
    assert catalogue.get(1001)["isActive"] is False and 1002 not in catalogue.services


bad_item = st.sampled_from(
    [
        {"patchType": "update", "identity": 99999},
        {"patchType": "delete", "identity": 99999},
        {"patchType": "create", "name": "no type"},
        {"patchType": "update", "taxCodeId": 12345},
    ]
)
good_item = st.sampled_from(
    [
        {"patchType": "update", "isActive": False},
        {"patchType": "create", "name": "Fresh", "serviceTypeId": 1},
        {"patchType": "update", "identity": 1005, "name": "Renamed"},
    ]
)


@PROPERTY
@given(st.lists(good_item, max_size=5), bad_item, st.lists(good_item, max_size=5))
def test_patch_batch_with_one_bad_item_changes_nothing(before, bad, after):
    catalogue = Catalogue.seeded(42)
    state = catalogue.to_snapshot()
    items = [{**item, "patchClientId": n} for n, item in enumerate([*before, bad, *after])]
    with pytest.raises(BadRequest, match=f"patchClientId {len(before)} "):
        catalogue.patch(1001, items)
    assert catalogue.to_snapshot() == state


criterion = st.one_of(
    st.tuples(
        st.sampled_from(sorted(STRING_FIELDS)),
        st.sampled_from(["equals", "notEquals", "contains", "startsWith", "endsWith"]),
        st.sampled_from(["prem", "a", "Lawn", "MONTHLY", "cleaning", "e", ""]),
    ),
    st.tuples(
        st.sampled_from(sorted(NUMBER_FIELDS)),
        st.sampled_from(
            [
                "equals",
                "notEquals",
                "greaterThan",
                "greaterThanOrEqual",
                "lessThan",
                "lessThanOrEqual",
            ]
        ),
        st.integers(0, 1300),
    ),
    st.tuples(
        st.just("created"),
        st.sampled_from(["greaterThan", "lessThanOrEqual"]),
        st.sampled_from(["2025-06-01", "2024-12-31T23:00:00Z", "2025-10-01T00:00:00"]),
    ),
    st.tuples(st.sampled_from(["isActive", "isTaxExempt"]), st.just("equals"), st.booleans()),
)


def _oracle(service, field, op, value):
    actual = service.get(field)
    if actual is None:
        return op == "notEquals"
    if field in STRING_FIELDS:
        a, v = actual.lower(), str(value).lower()
        return {
            "equals": a == v,
            "notEquals": a != v,
            "contains": v in a,
            "startsWith": a.startswith(v),
            "endsWith": a.endswith(v),
        }[op]
    if field == "created":
        a, v = actual[:19].replace("T", " "), str(value).replace("Z", "")[:19].replace("T", " ")
        v = v if len(v) > 10 else v + " 00:00:00"
    else:
        a, v = actual, value
    return {
        "equals": a == v,
        "notEquals": a != v,
        "greaterThan": a > v,
        "greaterThanOrEqual": a >= v,
        "lessThan": a < v,
        "lessThanOrEqual": a <= v,
    }[op]


@PROPERTY
@given(st.lists(criterion, max_size=3), st.integers(1, 300))
def test_search_equals_an_oracle_for_random_criteria(criteria, top):
    catalogue = Catalogue.seeded(42)
    rendered = [catalogue.render(s) for s in catalogue.listing()]
    body = [{"name": f, "operator": o, "value": v} for f, o, v in criteria]
    expected = [s for s in rendered if all(_oracle(s, f, o, v) for f, o, v in criteria)][:top]
    assert search(rendered, body, top) == expected


@pytest.mark.parametrize(
    ("field", "operator", "value", "message"),
    [
        ("colour", "equals", "red", "'colour' is not a field of Service"),
        ("name", "greaterThan", "a", "does not apply to name"),
        ("identity", "contains", 1, "does not apply to identity"),
        ("identity", "equals", "many", "identity is a number"),
        ("created", "lessThan", "yesterday", "not an ISO 8601 date"),
        ("isActive", "greaterThan", True, "does not apply to isActive"),
    ],
)
def test_search_refuses_criteria_that_do_not_fit(field, operator, value, message):
    with pytest.raises(BadRequest, match=message):
        search([], [{"name": field, "operator": operator, "value": value}], 20)


def test_every_search_field_is_a_service_field(catalogue):
    assert set(catalogue.render(catalogue.listing()[0])) >= FIELDS
