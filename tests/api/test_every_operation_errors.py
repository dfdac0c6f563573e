"""Errors every operation with a body shares, checked over the specs themselves:
a wrong Content-Type is 415 and a body over the limit is 413, on every one."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from servicestub import create_app
from servicestub.specs import ADMIN, ORDERS, SERVICES, resolve
from tests.api.helpers import assert_problem

EXAMPLE_PATH = {"id": "1001", "name": "empty"}


def _body_operations():
    for spec in (ORDERS, SERVICES):
        document = spec.document()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method in ("post", "put", "patch") and "requestBody" in operation:
                    values = {}
                    for parameter in operation.get("parameters", []):
                        parameter = resolve(document, parameter)
                        if parameter["in"] == "path":
                            values[parameter["name"]] = str(parameter.get("example", "x"))
                    url = spec.base_path + re.sub(
                        r"\{(\w+)\}",
                        lambda m, v=values: v.get(m[1], EXAMPLE_PATH.get(m[1], "x")),
                        path,
                    )
                    yield pytest.param(
                        method.upper(), url, id=f"{method.upper()} {spec.base_path}{path}"
                    )


OPERATIONS = list(_body_operations())


@pytest.fixture(scope="module")
def raw():
    with TestClient(create_app()) as client:
        yield client


def test_every_body_operation_is_covered():
    assert len(OPERATIONS) >= 20 and ADMIN.base_path == "/_mock"


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
def test_wrong_content_type_is_415(raw, method, url):
    response = raw.request(method, url, content=b"title=x", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "application/json")


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
def test_body_over_the_limit_is_413(raw, method, url):
    body = b'{"name": "' + b"x" * (1 << 20) + b'"}'
    response = raw.request(method, url, content=body, headers={"content-type": "application/json"})
    assert_problem(response, 413, "1048576 bytes")
