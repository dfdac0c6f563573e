"""What makes the mock behave like a real server: CORS, docs, errors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.specs import APIS, ApiSpec, item_parameter, resolve
from tests.api.helpers import assert_problem, create_order, store_path

FRONTEND = "http://localhost:5173"
ORDERS = "/v1/tenants/demo/stores/main/service-orders"
#: Sent by common frontend libraries (request ids, Sentry, OpenTelemetry).
TRACING_HEADERS = ["x-request-id", "sentry-trace", "baggage", "traceparent"]
_HEADER_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True)


def _preflight(client, path: str = ORDERS, method: str = "POST", **headers: str):
    return client.raw.options(
        path,
        headers={"Origin": FRONTEND, "Access-Control-Request-Method": method, **headers},
    )


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("vary", "").split(",")}


@settings(max_examples=40, derandomize=True, deadline=None)
@given(asked=st.lists(_HEADER_NAMES, min_size=1, max_size=6))
def test_a_preflight_allows_whatever_headers_the_browser_asks_for(module_client, asked):
    response = _preflight(module_client, **{"Access-Control-Request-Headers": ", ".join(asked)})
    assert response.status_code == 200, response.text
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {h.lower() for h in asked} <= allowed


def test_a_preflight_of_a_frontend_with_tracing_reflects_origin_and_credentials(client):
    asked = ", ".join(["content-type", "prefer", "authorization", *TRACING_HEADERS])
    response = _preflight(client, method="PATCH", **{"Access-Control-Request-Headers": asked})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert int(response.headers["access-control-max-age"]) > 0
    assert "origin" in _vary(response)


def test_a_preflight_from_a_public_page_to_the_private_mock_is_allowed(client):
    response = _preflight(client, **{"Access-Control-Request-Private-Network": "true"})
    assert response.headers["access-control-allow-private-network"] == "true"


def test_a_preflight_for_a_method_no_operation_takes_is_a_problem(client):
    response = _preflight(client, method="TRACE")
    assert_problem(response, 400, "GET, POST, PUT, PATCH, DELETE")


def test_answers_reflect_the_origin_with_credentials_and_expose_the_useful_headers(client):
    for response in (
        client.raw.get(ORDERS, headers={"Origin": FRONTEND, "Cookie": "session=1"}),
        client.raw.get(f"{ORDERS}/nope", headers={"Origin": FRONTEND}),  # errors too
    ):
        assert response.headers["access-control-allow-origin"] == FRONTEND
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "origin" in _vary(response)
        exposed = {
            h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
        }
        assert {"warning", "retry-after", "location", "x-tracking-id"} <= exposed


def test_an_answer_without_origin_still_varies_on_it(client):
    response = client.raw.get(ORDERS)
    assert "access-control-allow-origin" not in response.headers
    assert "origin" in _vary(response)


def test_swagger_ui_and_spec_are_served(client):
    assert client.raw.get("/v1/ui/").status_code == 200
    spec = client.raw.get("/v1/openapi.json").json()
    assert spec["openapi"] == "3.0.3"
    assert len([op for path in spec["paths"].values() for op in path if op != "parameters"]) == 32


def test_unknown_path_is_404_problem(client):
    response = client.raw.get("/v1/nowhere")
    assert_problem(response, 404, "/v1/nowhere")


def test_wrong_method_is_405_problem(client):
    response = client.raw.patch("/v1/tenants/demo/service-types")
    assert_problem(response, 405)


def _creates() -> list[tuple[ApiSpec, str, dict]]:
    return [
        (api, template, item["post"])
        for api in APIS
        for template, item in api.document()["paths"].items()
        if "201" in item.get("post", {}).get("responses", {})
    ]


def test_a_create_declares_location_exactly_when_its_resource_has_a_get_path():
    """Orders, events and hours have a GET path; items, sales orders, statuses,
    rates and fault rules do not (and v4 answers creates with 200)."""
    declared = set()
    for api, template, operation in _creates():
        document = api.document()
        created = resolve(document, operation["responses"]["201"])
        has_get = item_parameter(document["paths"], template) is not None
        assert ("Location" in created.get("headers", {})) == has_get, (api.name, template)
        if has_get:
            declared.add(operation["operationId"])
    assert declared == {"orders.create_service_order", "events.create_event", "hours.create_hours"}


def test_every_create_with_a_get_path_sends_location_which_reads_it_back(client, tenant):
    order = create_order(client, tenant)
    order_url = f"{store_path(tenant)}/service-orders/{order['serviceOrderUid']}"
    bodies = {
        f"{store_path(tenant)}/service-orders": {
            "title": "Kettle",
            "serviceTypeUid": order["serviceTypeUid"],
            "customer": {"name": "Ann"},
        },
        f"{order_url}/events": {"message": "Called the customer"},
        f"{order_url}/hours": {"userId": "tech-1", "date": "2026-01-05", "hours": 1.5},
    }
    for collection, body in bodies.items():
        created = client.post(collection, json=body)
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        assert location.startswith(collection + "/") and "/" not in location[len(collection) + 1 :]
        read = client.get(location)
        assert read.status_code == 200 and read.json() == created.json()


def test_creates_without_a_get_path_send_no_location(client, tenant):
    order = create_order(client, tenant)
    order_url = f"{store_path(tenant)}/service-orders/{order['serviceOrderUid']}"
    for url, body in (
        (f"{order_url}/items", {"name": "Display"}),
        (f"/v1/tenants/{tenant}/hourly-rates", {"name": "Bench", "price": 50}),
        (f"/v1/tenants/{tenant}/service-statuses", {"name": "Parked", "position": 1}),
    ):
        response = client.post(url, json=body)
        assert response.status_code == 201 and "location" not in response.headers


def test_prefer_code_201_answers_the_example_with_its_location(client, tenant):
    body = {"title": "Kettle", "serviceTypeUid": "x", "customer": {"name": "Ann"}}
    collection = f"{store_path(tenant)}/service-orders"
    response = client.raw.post(collection, json=body, headers={"Prefer": "code=201"})
    assert response.status_code == 201
    assert response.headers["location"] == f"{collection}/{response.json()['serviceOrderUid']}"
