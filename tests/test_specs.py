"""Every spec is valid OpenAPI 3.0.3, its examples fit their schemas, and every
operationId resolves to a handler."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from openapi_spec_validator import validate

from servicestub.specs import APIS, ApiSpec, may_be_under, resolve, under

METHODS = {"get", "put", "post", "delete", "patch", "options", "head"}


def load(spec: ApiSpec) -> dict[str, Any]:
    return yaml.safe_load(spec.path.read_text())


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def examples(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any, str]]:
    """(where, schema, example, direction) for every example in the document."""
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        if "example" in schema:
            yield f"components.schemas.{name}", schema, schema["example"], "read"
    for path, method, operation in operations(document):
        body = resolve(document, operation.get("requestBody", {}))
        for media, content in body.get("content", {}).items():
            for where, example in _media_examples(document, content):
                yield f"{method} {path} request {media}{where}", content["schema"], example, "write"
        for status, response in operation.get("responses", {}).items():
            for media, content in resolve(document, response).get("content", {}).items():
                for where, example in _media_examples(document, content):
                    yield (
                        f"{method} {path} {status} {media}{where}",
                        content["schema"],
                        example,
                        "read",
                    )
        for parameter in operation.get("parameters", []) + document["paths"][path].get(
            "parameters", []
        ):
            parameter = resolve(document, parameter)
            if "example" in parameter:
                yield (
                    f"{method} {path} param {parameter['name']}",
                    parameter["schema"],
                    parameter["example"],
                    "write",
                )


def _media_examples(document: dict[str, Any], content: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in content:
        yield "", content["example"]
    for name, example in content.get("examples", {}).items():
        yield f" ({name})", resolve(document, example)["value"]


@pytest.mark.parametrize("spec", APIS, ids=lambda s: s.name)
def test_spec_is_valid_openapi_3_0_3(spec):
    document = load(spec)
    assert document["openapi"] == "3.0.3"
    validate(document)


@pytest.mark.parametrize("spec", APIS, ids=lambda s: s.name)
def test_connexion_accepts_the_spec(spec):
    """The check create_app skips at start-up (it would repeat this at every start)."""
    from connexion.exceptions import InvalidSpecification
    from connexion.spec import Specification

    try:
        Specification.load(spec.document())
    except InvalidSpecification as error:
        pytest.fail(f"connexion refuses {spec.file}: {error}")


def test_create_app_leaves_connexion_checking_other_specs():
    from connexion.exceptions import InvalidSpecification
    from connexion.spec import Specification

    from servicestub.app import create_app

    create_app()
    with pytest.raises(InvalidSpecification):
        Specification.load({"openapi": "3.0.3", "info": {}, "paths": {"/x": {"get": 1}}})


@pytest.mark.parametrize("spec", APIS, ids=lambda s: s.name)
def test_every_example_validates_against_its_schema(spec):
    document = load(spec)
    found = list(examples(document))
    assert found, "the spec should carry examples"
    for where, schema, example, direction in found:
        validator_cls = OAS30ReadValidator if direction == "read" else OAS30WriteValidator
        wrapped = {**schema, "components": document.get("components", {})}
        errors = list(validator_cls(wrapped).iter_errors(example))
        assert not errors, f"{where}: {errors[0].message}"


@pytest.mark.parametrize("spec", APIS, ids=lambda s: s.name)
def test_every_operation_id_resolves_to_a_handler(spec):
    for path, method, operation in operations(load(spec)):
        module_name, _, function = operation["operationId"].rpartition(".")
        module = importlib.import_module(f"servicestub.handlers.{module_name}")
        assert callable(getattr(module, function, None)), f"{method} {path}"


@pytest.mark.parametrize("spec", APIS, ids=lambda s: s.name)
def test_links_point_at_existing_operations_and_parameters(spec):
    document = load(spec)
    by_id = {op["operationId"]: (path, op) for path, _m, op in operations(document)}
    for _path, _method, operation in operations(document):
        for response in operation.get("responses", {}).values():
            for name, link in resolve(document, response).get("links", {}).items():
                link = resolve(document, link)
                assert link["operationId"] in by_id, name
                target_path, target = by_id[link["operationId"]]
                params = [resolve(document, p)["name"] for p in target.get("parameters", [])]
                params += [
                    resolve(document, p)["name"]
                    for p in document["paths"][target_path].get("parameters", [])
                ]
                for parameter in link.get("parameters", {}):
                    assert parameter.split(".")[-1] in params, f"{name}: {parameter}"


def test_orders_spec_has_the_32_operations_of_the_contract():
    ops = list(operations(load(APIS[0])))
    assert len(ops) == 32
    store_scoped = [p for p, _m, _o in ops if p.startswith("/tenants/{tenantId}/stores/{storeId}")]
    assert len(store_scoped) == 24


def _services() -> dict[str, Any]:
    return load(next(spec for spec in APIS if spec.name == "services"))


def test_services_v4_declares_x_tracking_id_on_every_operation_and_response():
    document = _services()
    for path, method, operation in operations(document):
        declared = [
            resolve(document, p)
            for p in operation.get("parameters", []) + document["paths"][path].get("parameters", [])
        ]
        assert any(p["name"] == "X-Tracking-Id" and p["in"] == "header" for p in declared), (
            f"{method} {path}"
        )
        for status, response in operation["responses"].items():
            headers = resolve(document, response).get("headers", {})
            assert resolve(document, headers.get("X-Tracking-Id", {})).get("required"), (
                f"{method} {path} {status}"
            )


def test_patch_details_is_free_form_and_items_are_discriminated_by_patch_type():
    schemas = _services()["components"]["schemas"]
    details = schemas["PatchRequest"]["properties"]["details"]
    assert details["type"] == "object" and details["additionalProperties"] is True
    item = schemas["PatchItem"]
    mapping = item["discriminator"]["mapping"]
    assert item["discriminator"]["propertyName"] == "patchType"
    assert sorted(mapping) == ["create", "delete", "update"]
    assert sorted(branch["$ref"] for branch in item["oneOf"]) == sorted(mapping.values())
    for kind, ref in mapping.items():
        branch = schemas[ref.rsplit("/", 1)[-1]]
        assert branch["properties"]["patchType"]["enum"] == [kind]
        assert {"patchType", "patchClientId"} <= set(branch["required"])
    create = set(schemas["PatchCreateItem"]["required"])
    assert set(schemas["ServiceCreate"]["required"]) <= create
    assert "identity" not in schemas["PatchCreateItem"]["properties"]


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in an example, nested ones included."""
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _objects(child)


def _money_problems(document: dict[str, Any], client: Any) -> list[str]:
    """How the orders spec's examples break the money rules, quoting a fresh
    default mock (demo/main, seed 42) for the records they name."""
    from servicestub.apis.orders import money

    base = "/v1/tenants/demo"
    rates = {
        r["hourlyRateUid"]: r for r in client.get(f"{base}/hourly-rates?perPage=100").json()["data"]
    }
    problems: list[str] = []
    for where, _schema, example, _direction in examples(document):
        for record in _objects(example):
            if {"hours", "amount", "hourlyRateUid"} <= set(record):  # an hours entry
                rate = rates.get(record["hourlyRateUid"] or "")
                price = rate["price"] if rate else 0.0
                if record["hourlyRateUid"] and rate is None:
                    problems.append(f"{where}: names rate {record['hourlyRateUid']}, not in demo")
                elif record["amount"] != money.line_amount(record["hours"], price):
                    problems.append(
                        f"{where}: amount {record['amount']} != {record['hours']} x {price}"
                    )
                if record.get("unitPrice", price) != price:
                    problems.append(
                        f"{where}: unitPrice {record['unitPrice']} != rate price {price}"
                    )
            if {"lines", "total"} <= set(record):  # a sales order
                for line in record["lines"]:
                    if line["amount"] != money.line_amount(line["quantity"], line["unitPrice"]):
                        problems.append(
                            f"{where}: line {line['description']!r} does not multiply out"
                        )
                if money.total(line["amount"] for line in record["lines"]) != record["total"]:
                    problems.append(f"{where}: lines do not add up to total {record['total']}")
            if {"items", "totals"} <= set(record):  # a service order
                totals = record["totals"]
                items = money.total(
                    money.line_amount(i["quantity"], i["unitPrice"]) for i in record["items"]
                )
                if totals["items"] != items or totals["total"] != money.total(
                    (items, totals["hours"])
                ):
                    problems.append(f"{where}: totals {totals} != items {items} + hours")
                uid = record.get("serviceOrderUid")
                hours = client.get(f"{base}/stores/main/service-orders/{uid}/hours?perPage=100")
                if uid and hours.status_code == 200:
                    billable = money.total(
                        h["amount"] for h in hours.json()["data"] if h["billable"]
                    )
                    if totals["hours"] != billable:
                        problems.append(
                            f"{where}: totals.hours {totals['hours']} != {billable} in demo"
                        )
    return problems


def test_examples_quoting_derived_money_obey_the_money_rules():
    from starlette.testclient import TestClient

    from servicestub.app import create_app
    from servicestub.core.settings import Settings

    with TestClient(create_app(Settings())) as client:
        problems = _money_problems(load(APIS[0]), client)
    assert not problems, "\n".join(problems)


SEGMENTS = st.lists(st.sampled_from(["v1", "v", "_mock", "api", "v4", "x"]), max_size=3)


@given(SEGMENTS, SEGMENTS, SEGMENTS)
def test_a_path_under_a_base_is_under_a_prefix_only_where_the_base_may_be(
    base: list[str], prefix: list[str], rest: list[str]
) -> None:
    """No path under ``base`` is under ``prefix`` when ``may_be_under`` says none may be
    (the lean dispatch leaves out of a chain the guards that could never act on it)."""
    base_path, prefix_path = "".join("/" + s for s in base), "".join("/" + s for s in prefix)
    path = base_path + "".join("/" + s for s in rest)
    assert under(path, base_path)
    if under(path, prefix_path):
        assert may_be_under(base_path, prefix_path)
