"""The v4 catalogue without HTTP: lookups, writes, delete reports, PATCH, search."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.apis.services_v4.catalogue import IDENTITY_MAX, REFERENCES, Catalogue
from servicestub.apis.services_v4.search import (
    BOOL_OPS,
    DATE_FIELDS,
    FIELD_KINDS,
    FIELDS,
    NUMBER_FIELDS,
    OPERATORS,
    ORDERED_OPS,
    STRING_FIELDS,
    STRING_OPS,
    search,
)
from servicestub.apis.services_v4.vocabulary import QUALIFIERS, SERVICES
from servicestub.core.errors import BadRequest, Conflict, NotFound
from servicestub.core.settings import DEFAULT_REFERENCE_TIME as REFERENCE_TIME
from servicestub.engine.seeding import iso
from servicestub.specs import SERVICES as SERVICES_SPEC

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
        ("colour", "equals", "red", '"colour" is not a field of Service'),
        ("name", "greaterThan", "a", "does not apply to name"),
        ("identity", "contains", 1, "does not apply to identity"),
        ("identity", "equals", "many", "identity takes a JSON number"),
        ("created", "lessThan", "yesterday", "created takes an ISO 8601 date"),
        ("isActive", "greaterThan", True, "does not apply to isActive"),
    ],
)
def test_search_refuses_criteria_that_do_not_fit(field, operator, value, message):
    with pytest.raises(BadRequest, match=message):
        search([], [{"name": field, "operator": operator, "value": value}], 20)


def test_every_search_field_is_a_service_field(catalogue):
    assert set(catalogue.render(catalogue.listing()[0])) >= FIELDS


def test_the_search_fields_are_the_ones_the_spec_lets_a_criterion_name():
    schema = SERVICES_SPEC.document()["components"]["schemas"]["SearchCriterion"]
    assert set(schema["properties"]["name"]["enum"]) == FIELDS
    assert {"identity", "usageFrequency", "id"} <= NUMBER_FIELDS
    assert {"created"} == DATE_FIELDS


#: kind -> values of other kinds (and malformed ones) that a criterion of that kind refuses
MISFITS = {
    "text": [5, 1.5, True, None, ["a"], {"a": 1}],
    "number": ["1001", "NaN", "1e3", True, False, None, [1], {}],
    "boolean": ["true", "false", 1, 0, None, "yes"],
    "date": [
        20250601,
        "20250601",
        "2025-13-01",
        "2025-06-01T24:00",
        "2025-06-31",
        "2025-06-01T23:59:60Z",
        "0000-01-01",
        "2025-06-01 10:00",
        "yesterday",
        True,
        None,
    ],
}


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, kind in sorted(FIELD_KINDS.items()) for value in MISFITS[kind]],
)
def test_a_value_that_does_not_fit_the_field_is_refused_naming_it_as_json(field, value):
    operator = "equals"
    with pytest.raises(BadRequest) as refused:
        search([], [{"name": field, "operator": operator, "value": value}], 20)
    detail = refused.value.detail
    assert detail.startswith(f"{field} takes ") and detail.endswith(
        f"not {orjson.dumps(value).decode()}."
    )


def test_snapshot_shares_nothing_with_the_live_catalogue(catalogue):
    snapshot = catalogue.to_snapshot()
    frozen = Catalogue.from_snapshot(snapshot).to_snapshot()
    catalogue.update(1001, {"name": "Changed after the snapshot"})
    catalogue.delete(next(iter(catalogue.share_plans.values()))["serviceIds"][0])
    assert snapshot == frozen
    snapshot["services"][0]["name"] = "Changed in the snapshot"
    assert catalogue.get(snapshot["services"][0]["identity"])["name"] != "Changed in the snapshot"


def test_seeded_names_read_like_a_service_catalogue(catalogue):
    names = [s["name"] for s in catalogue.listing()]
    assert len(set(names)) == len(names)
    assert all(name.split(" ", 1)[1] in SERVICES for name in names)


def test_seeded_services_sit_in_their_category_at_the_frequency_their_name_says(catalogue):
    for service in map(catalogue.render, catalogue.listing()):
        qualifier, rest = service["name"].split(" ", 1)
        assert service["serviceCategoryName"] == SERVICES[rest]
        assert QUALIFIERS[qualifier] in (None, service["usageFrequencyTypeName"])


def test_every_seeded_reference_resolves_to_a_name(catalogue):
    for service in catalogue.listing():
        view = catalogue.render(service)
        assert all(view[name] for _table, name, _key in REFERENCES.values()), view


def test_seeding_leaves_timestamps_before_the_reference_time(catalogue):
    moments = {s["created"] for s in catalogue.listing()}
    assert max(moments) < iso(REFERENCE_TIME)


def test_new_identity_is_one_past_the_highest(catalogue):
    highest = max(catalogue.services)
    catalogue.delete(highest - 1)
    assert catalogue.create({"name": "Weekly Pool Cleaning", "serviceTypeId": 1})["identity"] == (
        highest + 1
    )


def test_update_refuses_an_unknown_lookup_naming_the_field_and_changes_nothing(catalogue):
    before = catalogue.to_snapshot()
    with pytest.raises(BadRequest, match="serviceCategoryId 42 is not in the serviceCategories"):
        catalogue.update(1001, {"name": "Half-applied?", "serviceCategoryId": 42})
    assert catalogue.to_snapshot() == before


def test_a_lookup_may_be_cleared_with_null(catalogue):
    catalogue.update(1001, {"taxCodeId": None})
    view = catalogue.render(catalogue.get(1001))
    assert view["taxCodeId"] is None and view["taxCodeName"] is None
    assert catalogue.details(catalogue.get(1001))["taxCode"] is None


def test_write_cannot_set_owner_identity_created_or_names(catalogue):
    before = dict(catalogue.get(1001))
    catalogue.update(1001, {"ownerId": 7, "identity": 5, "ownerName": "Someone", "created": "x"})
    assert catalogue.get(1001) == before


def test_patch_update_and_delete_without_identity_act_on_the_path_service(catalogue):
    catalogue.patch(1003, [{"patchType": "update", "patchClientId": 1, "name": "Path one"}])
    assert catalogue.get(1003)["name"] == "Path one"
    results = catalogue.patch(1003, [{"patchType": "delete", "patchClientId": 2}])
    assert results[0]["identity"] == 1003 and 1003 not in catalogue.services


def test_patch_of_an_unknown_path_service_is_404(catalogue):
    with pytest.raises(NotFound, match="Service 9999"):
        catalogue.patch(9999, [{"patchType": "create", "patchClientId": 1, "name": "x"}])


def test_patch_items_see_the_effects_of_earlier_items(catalogue):
    items = [
        {"patchType": "delete", "patchClientId": 1, "identity": 1004},
        {"patchType": "update", "patchClientId": 2, "identity": 1004, "name": "Too late"},
    ]
    with pytest.raises(BadRequest, match=r"patchClientId 2 .*Service 1004 does not exist"):
        catalogue.patch(1001, items)
    assert 1004 in catalogue.services


def test_delete_of_a_service_on_no_share_plan_reports_the_service_only(catalogue):
    on_plans = {i for p in catalogue.share_plans.values() for i in p["serviceIds"]}
    identity = next(i for i in catalogue.services if i not in on_plans)
    assert catalogue.delete(identity) == [
        {"identity": identity, "action": "deleted", "dtoTypeKey": "service"}
    ]


def test_detail_lists_the_share_plans_a_service_is_on(catalogue):
    plan = next(iter(catalogue.share_plans.values()))
    details = catalogue.details(catalogue.get(plan["serviceIds"][0]))
    assert {"identity": plan["identity"], "name": plan["name"]} in details["sharePlans"]["items"]
    assert details["sharePlans"]["totalCount"] == len(details["sharePlans"]["items"])


def test_page_past_the_end_is_empty_with_the_true_total(catalogue):
    assert catalogue.page(99, 20) == ([], 200)


@PROPERTY
@given(st.integers(1, 1000), st.booleans())
def test_pages_partition_the_listing_for_any_page_size(size, detail):
    catalogue = Catalogue.seeded(7)
    seen = []
    for number in range(1, 200 // size + 2):
        items, total = catalogue.page(number, size, detail=detail)
        assert total == 200 and len(items) <= size
        seen += [s["identity"] for s in items]
    assert seen == [s["identity"] for s in catalogue.listing()]


@pytest.mark.parametrize("operator", OPERATORS)
@pytest.mark.parametrize(
    ("field", "value", "fits"),
    [
        ("name", "lawn", STRING_OPS),
        ("usageFrequency", 2, ORDERED_OPS),
        ("created", "2025-06-01", ORDERED_OPS),
        ("isActive", True, BOOL_OPS),
    ],
)
def test_operator_applies_exactly_to_its_field_types(catalogue, field, value, fits, operator):
    criteria = [{"name": field, "operator": operator, "value": value}]
    if operator in fits:
        catalogue.find(criteria, 1000)
    else:
        with pytest.raises(BadRequest, match=f'operator "{operator}" does not apply to {field}'):
            catalogue.find(criteria, 1000)


def test_search_compares_numbers_as_numbers_not_text(catalogue):
    def frequencies(operator, value):
        criteria = [{"name": "usageFrequency", "operator": operator, "value": value}]
        return {s["usageFrequency"] for s in catalogue.find(criteria, 500)}

    assert frequencies("lessThan", 10) == {1, 2, 4}  # as text, "2" and "4" sort after "10"
    assert frequencies("greaterThan", 3.5) == {4}


def test_search_compares_dates_as_moments_whatever_their_spelling(catalogue):
    by_date = catalogue.find(
        [{"name": "created", "operator": "lessThan", "value": "2025-06-01"}], 500
    )
    by_moment = catalogue.find(
        [{"name": "created", "operator": "lessThan", "value": "2025-06-01T02:00:00+02:00"}], 500
    )
    assert by_date and by_date == by_moment


def test_search_criteria_and_together_and_top_cuts(catalogue):
    criteria = [
        {"name": "name", "operator": "startsWith", "value": "PREMIUM"},
        {"name": "isActive", "operator": "equals", "value": True},
    ]
    found = catalogue.find(criteria, 500)
    assert found and all(s["name"].startswith("Premium") and s["isActive"] for s in found)
    assert catalogue.find(criteria, 2) == found[:2]


def test_search_sees_renamed_lookups(catalogue):
    catalogue.lookups["serviceCategories"][1] = "Garden Magic"
    found = catalogue.find(
        [{"name": "serviceCategoryName", "operator": "equals", "value": "garden magic"}], 500
    )
    assert found and all(s["serviceCategoryId"] == 1 for s in found)


# -- identities are never given twice ------------------------------------------

_OPERATIONS = st.lists(
    st.sampled_from(("create", "delete-newest", "delete-any", "patch-create", "snapshot")),
    max_size=25,
)


@PROPERTY
@given(_OPERATIONS, st.randoms(use_true_random=False))
def test_no_identity_is_ever_given_twice(operations, rng):
    """Whatever is created, deleted, patched and restored from a snapshot in
    between, a new service never gets an identity a service ever had."""
    catalogue = Catalogue.seeded(3, count=5)
    ever = set(catalogue.services)
    for operation in operations:
        before = set(catalogue.services)
        if operation == "create":
            catalogue.create({"name": "Weekly Pool Cleaning", "serviceTypeId": 1})
        elif operation == "delete-newest" and catalogue.services:
            catalogue.delete(max(catalogue.services))
        elif operation == "delete-any" and catalogue.services:
            catalogue.delete(rng.choice(sorted(catalogue.services)))
        elif operation == "patch-create" and catalogue.services:
            item = {"patchType": "create", "patchClientId": 1, "name": "X", "serviceTypeId": 1}
            catalogue.patch(min(catalogue.services), [item])
        elif operation == "snapshot":
            catalogue = Catalogue.from_snapshot(catalogue.to_snapshot())
        new = set(catalogue.services) - before
        assert not new & ever, (operation, new & ever)
        ever |= new


def test_create_delete_create_does_not_reuse_the_identity(catalogue):
    first = catalogue.create({"name": "Weekly Pool Cleaning", "serviceTypeId": 1})["identity"]
    catalogue.delete(first)
    again = Catalogue.from_snapshot(catalogue.to_snapshot())  # kept in snapshots too
    assert again.to_snapshot()["lastIdentity"] == first
    assert again.create({"name": "Weekly Pool Cleaning", "serviceTypeId": 1})["identity"] == (
        first + 1
    )


def test_a_full_catalogue_refuses_a_create_with_409_and_changes_nothing(catalogue):
    catalogue.last_identity = IDENTITY_MAX
    before = catalogue.to_snapshot()
    with pytest.raises(Conflict, match="up to 2147483647"):
        catalogue.create({"name": "Weekly Pool Cleaning", "serviceTypeId": 1})
    item = {"patchType": "create", "patchClientId": 1, "name": "X", "serviceTypeId": 1}
    with pytest.raises(Conflict):
        catalogue.patch(1001, [{"patchType": "update", "patchClientId": 0, "name": "Y"}, item])
    assert catalogue.to_snapshot() == before
