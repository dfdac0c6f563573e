"""Services API v4 over HTTP: every operation, its envelope and its errors."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.api.helpers import assert_problem
from tests.oapi import CheckedClient

V4 = "/api/v4/Service"
TRACKING = "6f0c3a1e-2b4d-4c8e-9f10-a1b2c3d4e5f6"


@pytest.fixture
def client():
    """A fresh app per test: v4 state is global to the server."""
    with TestClient(create_app(Settings(validate_responses=True))) as test_client:
        yield CheckedClient(test_client)


def assert_tracked(response):
    body = response.json()
    uuid.UUID(body["trackingId"])
    assert response.headers["x-tracking-id"] == body["trackingId"]
    return body


@pytest.mark.parametrize("path", [V4, V4 + "/"])
def test_list_answers_with_and_without_trailing_slash(client, path):
    body = assert_tracked(client.get(path))
    assert body["totalCount"] == 200 == len(body["items"])
    assert [s["identity"] for s in body["items"]] == sorted(s["identity"] for s in body["items"])


def test_tracking_id_is_echoed_on_success_and_error(client):
    ok = client.get(V4 + "/1001", headers={"X-Tracking-Id": TRACKING})
    assert assert_tracked(ok)["trackingId"] == TRACKING
    missing = client.get(V4 + "/99", headers={"X-Tracking-Id": TRACKING})
    assert assert_problem(missing, 404)["trackingId"] == TRACKING


def test_validation_errors_carry_a_tracking_id(client):
    body = assert_problem(client.get(V4 + "/Paged", params={"pageSize": 0}), 400)
    uuid.UUID(body["trackingId"])


def test_paged_envelope_and_exclude_total_count(client):
    body = assert_tracked(client.get(V4 + "/Paged", params={"pageSize": 5, "pageNumber": 2}))
    assert body["pagination"] == {"pageNumber": 2, "pageSize": 5, "excludeTotalCount": False}
    assert body["pagedResults"]["totalCount"] == 200 and len(body["pagedResults"]["items"]) == 5
    hidden = client.get(V4 + "/Paged", params={"excludeTotalCount": "true"}).json()
    assert "totalCount" not in hidden["pagedResults"]


@pytest.fixture(scope="module")
def read_only():
    """One app for a property that only reads."""
    with TestClient(create_app()) as raw:
        yield raw


@settings(max_examples=25, derandomize=True, deadline=None)
@given(page_size=st.integers(1, 250))
def test_paged_pages_partition_the_list(read_only, page_size):
    every = [s["identity"] for s in read_only.get(V4).json()["items"]]
    seen, page = [], 1
    while True:
        items = read_only.get(
            V4 + "/Paged", params={"pageSize": page_size, "pageNumber": page}
        ).json()["pagedResults"]["items"]
        if not items:
            break
        seen += [s["identity"] for s in items]
        page += 1
    assert seen == every


def test_paged_detail_and_detail_carry_details(client):
    item = client.get(V4 + "/Paged/Detail", params={"pageSize": 1}).json()["pagedResults"]["items"][
        0
    ]
    details = item["details"]
    assert details["serviceType"] == {
        "identity": item["serviceTypeId"],
        "name": item["serviceTypeName"],
    }
    single = client.get(f"{V4}/{item['identity']}/Detail").json()["instance"]
    assert single == item
    assert details["sharePlans"]["totalCount"] == len(details["sharePlans"]["items"])


def test_available_for_share_plans_lists_active_services(client):
    body = client.get(V4 + "/AvailableFor/SharePlans").json()
    assert body["items"] and all(s["isActive"] for s in body["items"])
    assert body["totalCount"] == len(body["items"]) < 200


@pytest.mark.parametrize("path", [V4, V4 + "/"])
def test_create_reads_back_with_owner_set_by_server(client, path):
    response = client.post(path, json={"name": "Express Gutter Cleaning", "serviceTypeId": 2})
    body = assert_tracked(response)
    assert response.status_code == 200 and body["type"] == "create"
    created = body["results"]["items"][0]
    assert body["results"]["totalCount"] == 1 and created["ownerId"] == 1 and created["ownerName"]
    assert client.get(f"{V4}/{created['identity']}").json()["instance"] == created


def test_create_with_unknown_lookup_is_400_naming_the_field(client):
    response = client.post(V4, json={"name": "x", "serviceTypeId": 2, "generalLedgerId": 77})
    assert_problem(response, 400, "generalLedgerId 77")
    assert client.get(V4).json()["totalCount"] == 200


def test_create_errors(client):
    assert_problem(client.post(V4, json={"serviceTypeId": 2}), 400, "name")
    assert_problem(client.post(V4, json={"name": "x", "serviceTypeId": 2, "ownerName": "me"}), 400)
    response = client.post(V4, content=b"name=x", headers={"content-type": "text/plain"})
    assert_problem(response, 415)


def test_update_replaces_given_fields(client):
    body = assert_tracked(
        client.put(V4 + "/1001", json={"name": "Renamed Service", "isActive": False})
    )
    assert body["type"] == "update"
    service = client.get(V4 + "/1001").json()["instance"]
    assert service["name"] == "Renamed Service" and service["isActive"] is False
    assert_problem(client.put(V4 + "/99", json={"name": "x"}), 404)
    assert_problem(client.put(V4 + "/1001", json={"taxCodeId": 99}), 400, "taxCodeId")


def test_patch_batch_applies_and_echoes_client_ids(client):
    body = {
        "details": {},
        "services": {
            "items": [
                {"patchType": "update", "patchClientId": 7, "isActive": False},
                {"patchType": "create", "patchClientId": 8, "name": "New one", "serviceTypeId": 1},
                {"patchType": "delete", "patchClientId": 9, "identity": 1002},
            ]
        },
    }
    result = assert_tracked(client.patch(V4 + "/1001", json=body))
    assert result["type"] == "patch" and result["results"]["totalCount"] == 3
    assert [(i["action"], i["patchClientId"]) for i in result["results"]["items"]] == [
        ("updated", 7),
        ("created", 8),
        ("deleted", 9),
    ]
    assert_problem(client.get(V4 + "/1002"), 404)


def test_patch_with_a_bad_item_changes_nothing_and_names_it(client):
    before = client.get(V4).content
    body = {
        "services": {
            "items": [
                {"patchType": "update", "patchClientId": 1, "name": "changed"},
                {"patchType": "update", "patchClientId": 2, "identity": 5555, "name": "x"},
            ]
        }
    }
    problem = assert_problem(client.patch(V4 + "/1001", json=body), 400, "patchClientId 2")
    assert problem["patchClientId"] == 2
    after = client.get(V4).content
    assert after[after.index(b'"items"') :] == before[before.index(b'"items"') :]
    assert_problem(client.patch(V4 + "/99", json=body), 404)


def test_delete_reports_service_and_detached_share_plans(client):
    detailed = client.get(V4 + "/Paged/Detail", params={"pageSize": 200}).json()["pagedResults"][
        "items"
    ]
    target = next(s for s in detailed if s["details"]["sharePlans"]["totalCount"] > 0)
    body = assert_tracked(client.delete(f"{V4}/{target['identity']}"))
    items = body["results"]["items"]
    assert items[0] == {
        "identity": target["identity"],
        "action": "deleted",
        "dtoTypeKey": "service",
    }
    assert sorted(i["lhsId"] for i in items[1:]) == sorted(
        p["identity"] for p in target["details"]["sharePlans"]["items"]
    )
    assert all(i["rhsId"] == target["identity"] and i["action"] == "detached" for i in items[1:])
    assert_problem(client.get(f"{V4}/{target['identity']}"), 404)
    assert_problem(client.delete(f"{V4}/{target['identity']}"), 404)


def test_search_with_criteria_and_top(client):
    query = {
        "query": {"top": 3, "search": [{"name": "name", "operator": "contains", "value": "LAWN"}]}
    }
    body = assert_tracked(client.post(V4 + "/Search", json=query))
    assert body["itemCount"] == len(body["items"]) <= 3
    assert all("lawn" in s["name"].lower() for s in body["items"])


def test_search_errors_are_400(client):
    bad_op = {"query": {"search": [{"name": "isActive", "operator": "contains", "value": "t"}]}}
    assert_problem(client.post(V4 + "/Search", json=bad_op), 400, "does not apply to isActive")
    unknown = {"query": {"search": [{"name": "colour", "operator": "equals", "value": "red"}]}}
    assert_problem(client.post(V4 + "/Search", json=unknown), 400)
    assert_problem(client.post(V4 + "/Search", json={"query": {"top": 0}}), 400)


def test_services_swagger_ui_and_spec_are_served(client):
    assert client.raw.get("/api/v4/ui/").status_code == 200
    assert len(client.raw.get("/api/v4/openapi.json").json()["paths"]) == 8


def test_search_without_top_answers_twenty(client):
    body = assert_tracked(client.post(V4 + "/Search", json={"query": {}}))
    assert body["itemCount"] == 20 == len(body["items"])


def test_search_by_date_answers_services_created_before_it(client):
    query = {
        "query": {
            "top": 1000,
            "search": [{"name": "created", "operator": "lessThan", "value": "2025-06-01"}],
        }
    }
    items = client.post(V4 + "/Search", json=query).json()["items"]
    assert items and all(s["created"] < "2025-06-01" for s in items)


def test_paged_detail_can_leave_the_total_out(client):
    body = client.get(V4 + "/Paged/Detail", params={"excludeTotalCount": "true", "pageSize": 3})
    results = body.json()["pagedResults"]
    assert "totalCount" not in results and len(results["items"]) == 3
    assert all("details" in item for item in results["items"])


def test_patch_item_naming_an_unknown_lookup_is_400_naming_field_and_item(client):
    body = {
        "services": {
            "items": [{"patchType": "create", "patchClientId": 4, "name": "x", "serviceTypeId": 9}]
        }
    }
    problem = assert_problem(client.patch(V4 + "/1001", json=body), 400, "serviceTypeId 9")
    assert problem["patchClientId"] == 4 and "patchClientId 4" in problem["detail"]
    assert client.get(V4).json()["totalCount"] == 200


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ({"patchType": "create", "patchClientId": 21}, '"name" is a required property'),
        ({"patchType": "create", "patchClientId": 22, "name": "x"}, '"serviceTypeId"'),
        ({"patchType": "update", "patchClientId": 23, "serviceTypeId": "2"}, '"integer"'),
        ({"patchType": "delete", "patchClientId": 24, "name": "x"}, '"name" is not a field'),
        ({"patchType": "merge", "patchClientId": 25}, '"create", "update", "delete"'),
        ({"patchClientId": 26}, "patchType must be one of"),
    ],
)
def test_an_invalid_patch_item_is_refused_naming_its_patch_client_id(client, item, says):
    before = client.get(f"{V4}/1001").json()["instance"]
    batch = [{"patchType": "update", "patchClientId": 1, "name": "changed"}, item]
    response = client.patch(f"{V4}/1001", json={"services": {"items": batch}})
    detail = assert_problem(response, 400, says)["detail"]
    assert f"patchClientId {item['patchClientId']}" in detail and "items[1]" in detail
    assert client.get(f"{V4}/1001").json()["instance"] == before


def test_patch_details_take_any_object(client):
    details = {"source": "import", "batch": {"id": 7, "tags": ["a", {"b": None}]}}
    batch = {
        "details": details,
        "services": {"items": [{"patchType": "update", "patchClientId": 1}]},
    }
    assert client.patch(f"{V4}/1001", json=batch).status_code == 200
