"""What makes the mock behave like a real server: CORS, docs, errors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.helpers import assert_problem

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
