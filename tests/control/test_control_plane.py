"""The control plane under /_mock: health, reset, state, scenarios, journal,
fault rules, the Prefer header and the admin token."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.core.errors import status_title
from servicestub.middleware import control as control_middleware
from servicestub.specs import ADMIN, SERVICES, is_api_request
from servicestub.specs import ORDERS as ORDERS_SPEC
from tests.api.helpers import assert_problem, create_order
from tests.oapi import CheckedClient

ORDERS = "/v1/tenants/demo/stores/main/service-orders"


@pytest.fixture
def client():
    with TestClient(create_app(Settings(validate_responses=True, journal_size=50))) as raw:
        yield CheckedClient(raw)


@pytest.fixture
def sleeps(monkeypatch):
    """Delays asked for, recorded instead of slept."""
    asked: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(control_middleware.asyncio, "sleep", fake_sleep)
    return asked


def test_health_reports_seed_and_counts(client):
    body = client.get("/_mock/health").json()
    assert body["status"] == "ok" and body["seed"] == 42 and body["counts"]["services"] == 200


def test_reset_drops_writes_and_reseeds(client):
    create_order(client, "resetme")
    assert client.get("/_mock/health").json()["counts"]["writtenTenants"] == 1
    body = client.post("/_mock/reset", json={"seed": 7}).json()
    assert body["seed"] == 7 and body["counts"]["writtenTenants"] == 0
    assert (
        client.get("/v1/tenants/resetme/stores/main/service-orders").json()["meta"]["totalItems"]
        == 50
    )


def test_state_export_is_stable_and_import_round_trips(client):
    create_order(client, "snap")
    first = client.get("/_mock/state").content
    assert client.get("/_mock/state").content == first
    client.post("/_mock/reset", json={})
    assert client.get("/_mock/state").content != first
    assert (
        client.put(
            "/_mock/state", content=first, headers={"content-type": "application/json"}
        ).status_code
        == 200
    )
    assert client.get("/_mock/state").content == first


def test_invalid_import_is_400_naming_the_place_and_changes_nothing(client):
    create_order(client, "keep")
    before = client.get("/_mock/state").json()
    broken = client.get("/_mock/state").json()
    broken["orders"]["tenants"][0]["stores"][0]["orders"][-1]["order"]["priority"] = "HUGE"
    problem = assert_problem(client.put("/_mock/state", json=broken), 400, "priority")
    assert "tenants[0].stores[0].orders[50].order.priority" in problem["detail"]
    assert client.get("/_mock/state").json() == before
    other_version = {**before, "version": 99}
    assert_problem(client.put("/_mock/state", json=other_version), 400, "version")


def test_import_checks_every_field_of_a_stored_service(client):
    before = client.get("/_mock/state").json()
    for field, bad in (("isActive", "yes"), ("name", ""), ("serviceTypeId", "2"), ("extra", 1)):
        broken = client.get("/_mock/state").json()
        broken["services"]["services"][3][field] = bad
        problem = assert_problem(client.put("/_mock/state", json=broken), 400)
        assert "services.services[3]" in problem["detail"], field
        assert client.get("/_mock/state").json() == before


def test_save_without_state_file_is_409(client):
    assert_problem(client.post("/_mock/state/save"), 409, "--state")


def test_save_writes_the_state_file(tmp_path):
    path = tmp_path / "state.json"
    with TestClient(create_app(Settings(state_file=path))) as raw:
        saved = raw.post("/_mock/state/save").json()
        assert saved["path"] == str(path) and path.read_bytes() == raw.get("/_mock/state").content


def test_scenarios_list_and_load(client):
    names = [s["name"] for s in client.get("/_mock/scenarios").json()["data"]]
    assert {"empty", "busy-store", "overdue-and-urgent", "catalogue"} <= set(names)
    body = client.post("/_mock/scenarios/busy-store").json()
    assert body["scenario"] == "busy-store"
    meta = client.get("/v1/tenants/acme/stores/north/service-orders").json()["meta"]
    assert meta["totalItems"] == 400
    assert_problem(client.post("/_mock/scenarios/nope"), 404, "nope")


def test_journal_is_newest_first_filtered_and_bounded(client):
    client.post("/_mock/requests") if False else client.delete("/_mock/requests")
    for page in range(1, 61):
        client.get(ORDERS, params={"page": page, "perPage": 1})
    client.get("/v1/tenants/demo/service-types")
    entries = client.get("/_mock/requests", params={"limit": 1000}).json()["data"]
    assert len(entries) == 50
    assert entries[0]["path"] == "/v1/tenants/demo/service-types"
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    only = client.get("/_mock/requests", params={"path": "service-orders", "limit": 3}).json()[
        "data"
    ]
    assert len(only) == 3 and all("service-orders" in e["path"] for e in only)
    assert only[0]["query"] == "page=60&perPage=1" and only[0]["status"] == 200
    assert client.get("/_mock/requests", params={"method": "POST"}).json()["data"] == []
    client.delete("/_mock/requests")
    assert client.get("/_mock/requests").json()["data"] == []


def test_fault_rule_answers_its_status_then_expires_and_is_journaled(client, sleeps):
    rule = client.post(
        "/_mock/faults",
        json={
            "method": "GET",
            "path": "/v1/*/service-types",
            "status": 503,
            "delayMs": 250,
            "times": 2,
        },
    ).json()
    answers = [client.raw.get("/v1/tenants/demo/service-types").status_code for _ in range(3)]
    assert answers == [503, 503, 200]
    assert sleeps == [0.25, 0.25]
    journal = client.get("/_mock/requests", params={"limit": 3}).json()["data"]
    assert [e["fault"] for e in journal] == [None, rule["id"], rule["id"]]
    assert client.get("/_mock/faults").json()["data"] == []


def test_fault_rule_with_zero_probability_never_fires(client):
    client.post("/_mock/faults", json={"path": "/v1/*", "status": 500, "probability": 0})
    assert all(client.get("/v1/tenants/demo/service-types").status_code == 200 for _ in range(5))
    client.delete("/_mock/faults")
    assert client.get("/_mock/faults").json()["data"] == []


def test_fault_rules_are_bounded():
    with TestClient(create_app(Settings(max_fault_rules=2))) as raw:
        for _ in range(2):
            assert raw.post("/_mock/faults", json={"path": "/x"}).status_code == 201
        assert_problem(raw.post("/_mock/faults", json={"path": "/x"}), 409, "DELETE /_mock/faults")


def test_prefer_code_answers_the_documented_response(client):
    response = client.get(f"{ORDERS}/whatever", headers={"Prefer": "code=404"})
    assert_problem(response, 404)
    assert response.headers["preference-applied"] == "code=404"


def test_prefer_code_not_documented_is_400_listing_what_is(client):
    assert_problem(client.get(ORDERS, headers={"Prefer": "code=503"}), 400, "documents 200, 400")


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("code=abc", "whole number"),
        ("code=999", "between 200 and 599"),
        ("speed=fast", "not understood"),
        ("code", "not understood"),
    ],
)
def test_malformed_prefer_is_400_saying_why(client, header, detail):
    assert_problem(client.get(ORDERS, headers={"Prefer": header}), 400, detail)


def test_prefer_delay_waits_and_an_hour_is_capped_and_said_so(client, sleeps):
    response = client.get(ORDERS, headers={"Prefer": "delay=3600000"})
    assert response.status_code == 200
    assert sleeps == [10.0]
    assert "capped" in response.headers["warning"]
    assert response.headers["preference-applied"] == "delay=10000"


def test_admin_token_guards_the_control_plane_only():
    with TestClient(create_app(Settings(admin_token="s3cret-token"))) as raw:
        assert_problem(raw.get("/_mock/health"), 401, "Bearer")
        assert_problem(
            raw.get("/_mock/health", headers={"Authorization": "Bearer s3cret-tokeN"}), 401
        )
        ok = raw.get("/_mock/health", headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        assert raw.get(ORDERS).status_code == 200


def test_every_status_has_a_title():
    for status in range(100, 600):
        title = status_title(status)
        assert title and title.strip() == title
        if status in HTTPStatus._value2member_map_:
            assert title == HTTPStatus(status).phrase
    assert status_title(499) == "Client Closed Request"
    assert status_title(432) == "Client Error 432"
    assert status_title(590) == "Server Error 590"


def test_a_fault_rule_answers_every_status_the_spec_allows(client):
    """Every status of FaultRuleInput's range 400..599, named by HTTPStatus or not
    (499, 419, 599), is answered as itself with a problem titled for it."""
    lowest, highest = _fault_status_range()
    for status in range(lowest, highest + 1):
        client.post(
            "/_mock/faults", json={"method": "GET", "path": "/v1/*/service-types", "status": status}
        )
        response = client.raw.get("/v1/tenants/demo/service-types")
        problem = assert_problem(response, status, f"answered this request with {status}")
        assert problem["title"] == status_title(status)
        client.delete("/_mock/faults")


@pytest.mark.parametrize("status", [100, 101, 199, 200, 204, 304, 399, 600])
def test_a_fault_status_without_a_problem_body_is_refused_at_creation(client, status):
    """1xx, 204 and 304 cannot carry the problem body a fault answers; the spec's
    range 400..599 leaves them out, so the rule is refused and nothing is added."""
    response = client.post("/_mock/faults", json={"path": "/v1/*", "status": status})
    assert_problem(response, 400, "status")
    assert client.get("/_mock/faults").json()["data"] == []


def _fault_status_range() -> tuple[int, int]:
    document = ADMIN.document()
    status = document["components"]["schemas"]["FaultRuleInput"]["properties"]["status"]
    return status["minimum"], status["maximum"]


_IDS = st.sampled_from(["ui", "uikit", "ui-2", "openapi", "swagger", "docs"]) | st.from_regex(
    r"[A-Za-z0-9_-]{1,12}", fullmatch=True
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(ident=_IDS)
def test_every_api_route_is_an_api_request_whatever_its_ids(ident):
    """Journal, fault rules and Prefer decide on the route: a path of the APIs is
    an API request with any ids in it (tenant ``ui`` too); only the docs routes
    and the control plane are not."""
    for api in (ORDERS_SPEC, SERVICES):
        for template in api.document()["paths"]:
            path = api.base_path + re.sub(r"\{[^}]+\}", ident, template)
            assert is_api_request(path), path
    assert is_api_request(f"/v1/tenants/{ident}/ui")
    assert is_api_request(f"/v1/tenants/{ident}/openapi.json")
    for api in (ORDERS_SPEC, SERVICES, ADMIN):
        for docs in ("/ui", "/ui/", f"/ui/{ident}", "/openapi.json", "/openapi.yaml"):
            assert not is_api_request(api.base_path + docs)
    assert not is_api_request("/_mock") and not is_api_request(f"/_mock/{ident}")


@pytest.mark.parametrize("tenant_id", ["ui", "uikit", "openapi"])
def test_tenant_named_like_the_docs_is_journaled_and_faulted(client, tenant_id):
    client.delete("/_mock/requests")
    path = f"/v1/tenants/{tenant_id}/service-types"
    rule = client.post("/_mock/faults", json={"path": path, "status": 503, "times": 1}).json()
    assert_problem(client.raw.get(path), 503)
    assert client.get(path).status_code == 200
    journal = client.get("/_mock/requests").json()["data"]
    assert [(e["path"], e["status"], e["fault"]) for e in journal] == [
        (path, 200, None),
        (path, 503, rule["id"]),
    ]


def test_docs_and_control_plane_are_not_journaled_faulted_nor_preferred(client):
    client.delete("/_mock/requests")
    client.post("/_mock/faults", json={"path": "*", "status": 503})
    assert client.raw.get("/v1/openapi.json", headers={"Prefer": "code=404"}).status_code == 200
    assert client.raw.get("/api/v4/ui/").status_code == 200
    health = client.raw.get("/_mock/health", headers={"Prefer": "code=401"})
    assert health.status_code == 200 and "preference-applied" not in health.headers
    client.delete("/_mock/faults")
    assert client.get("/_mock/requests").json()["data"] == []
