"""What makes the mock behave like a real server: CORS, docs, errors."""

from __future__ import annotations

from tests.api.helpers import assert_problem


def test_cors_preflight_allows_any_origin_and_the_documented_headers(client):
    response = client.options(
        "/v1/tenants/demo/stores/main/service-orders",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Prefer, X-Tracking-Id, Authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", "http://localhost:5173")
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("content-type", "prefer", "x-tracking-id", "authorization"):
        assert header in allowed
    assert "POST" in response.headers["access-control-allow-methods"]


def test_simple_requests_carry_cors_headers(client):
    response = client.get(
        "/v1/tenants/demo/service-types", headers={"Origin": "http://example.test"}
    )
    assert response.headers["access-control-allow-origin"] == "*"


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
