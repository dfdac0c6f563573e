"""What makes the mock behave like a real server: CORS, docs, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.specs import APIS, resolve
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


ORDERS = "/v1/tenants/demo/stores/main/service-orders"
PAGED = "/api/v4/Service/Paged"


def _enum_parameters():
    """``(url, name, is_array, allowed)`` of every enum query parameter of the specs."""
    for spec in APIS:
        document = spec.document()
        for path, item in document["paths"].items():
            operation = item.get("get")
            if operation is None:
                continue
            url = spec.base_path + path
            for parameter in operation.get("parameters", []):
                parameter = resolve(document, parameter)
                if parameter["in"] == "path":
                    example = str(parameter.get("example", "x"))
                    url = url.replace(f"{{{parameter['name']}}}", example)
            for parameter in operation.get("parameters", []):
                parameter = resolve(document, parameter)
                schema = resolve(document, parameter.get("schema", {}))
                is_array = schema.get("type") == "array"
                if is_array:
                    schema = resolve(document, schema["items"])
                if parameter["in"] == "query" and "enum" in schema:
                    yield url, parameter["name"], is_array, schema["enum"]


ENUM_PARAMETERS = list(_enum_parameters())


def test_the_specs_have_enum_parameters_of_both_shapes():
    assert {is_array for _url, _name, is_array, _allowed in ENUM_PARAMETERS} == {True, False}


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    parameter=st.sampled_from(ENUM_PARAMETERS),
    data=st.data(),
)
def test_every_refused_enum_value_names_every_allowed_value(module_client, parameter, data):
    """... as the spec lists them, at ``name[0]`` for an array, with a hint when
    only the case differs from one of them."""
    url, name, is_array, allowed = parameter
    recased = st.sampled_from(allowed).map(lambda value: value.swapcase())
    other = st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=12
    )
    value = data.draw((recased | other).filter(lambda v: v not in allowed))
    response = module_client.raw.get(url, params={name: value})
    detail = assert_problem(response, 400)["detail"]
    where = f"{name}[0]" if is_array else name
    assert detail.startswith(f'{where}: "{value}" is not one of {", ".join(allowed)}'), detail
    same_but_case = [a for a in allowed if a.casefold() == value.casefold()]
    hint = [f'did you mean "{a}"?' for a in same_but_case[:1]]
    assert [h for h in hint if h in detail] == hint and ("did you mean" in detail) == bool(hint)


def test_an_exploded_array_takes_one_value_per_parameter(client):
    both = client.get(ORDERS, params=[("states", "NEW"), ("states", "DONE")])
    assert both.status_code == 200
    assert {order["state"] for order in both.json()["data"]} <= {"NEW", "DONE"}
    detail = assert_problem(client.raw.get(f"{ORDERS}?states=NEW,DONE"), 400, "states[0]")["detail"]
    assert '"NEW,DONE" is not one of' in detail and "states=NEW&states=DONE" in detail


@pytest.mark.parametrize("value", ["True", "TRUE", "False", "1", "0", "yes", "", " true"])
def test_a_boolean_parameter_is_true_or_false_only(client, value):
    response = client.raw.get(PAGED, params={"excludeTotalCount": value})
    detail = assert_problem(response, 400, "excludeTotalCount")["detail"]
    assert "send true or false" in detail and "True" not in detail.replace(f'"{value}"', "")


@pytest.mark.parametrize("value", ["true", "false"])
def test_true_and_false_are_taken(client, value):
    response = client.get(PAGED, params={"excludeTotalCount": value})
    assert response.json()["pagination"]["excludeTotalCount"] is (value == "true")


@pytest.mark.parametrize("value", ["+2", " 2", "2 ", "2_0", "2.0", "\u0662", "0x2", "1e1", "02"])
def test_an_integer_parameter_is_written_as_json_writes_integers(client, value):
    assert_problem(client.raw.get(ORDERS, params={"page": value}), 400, "page: ")


def test_a_body_value_error_names_its_path_and_all_allowed_values(client):
    body = {"title": "t", "serviceTypeUid": "x", "priority": "urgent"}
    detail = assert_problem(client.post(ORDERS, json=body), 400)["detail"]
    assert detail == (
        'priority: "urgent" is not one of NONE, LOW, NORMAL, HIGH, URGENT; did you mean "URGENT"?'
    )
    order = client.get(ORDERS).json()["data"][0]["serviceOrderUid"]
    item = client.post(f"{ORDERS}/{order}/items", json={"name": "x", "quantity": True})
    assert_problem(item, 400, "quantity: true is not of type")
