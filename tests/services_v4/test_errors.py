"""Every error status the v4 spec declares, answered by every operation declaring it,
as problem+json with a ``trackingId`` (each exchange also checked by openapi-core)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.specs import SERVICES
from tests.api.helpers import assert_problem
from tests.oapi import CheckedClient

KNOWN, UNKNOWN = "1001", "99999"

#: operation (function name) -> a body the spec accepts, so the other errors can show
VALID_BODY: dict[str, Any] = {
    "create_service": {"name": "Weekly Pool Cleaning", "serviceTypeId": 1},
    "update_service": {"name": "Weekly Pool Cleaning"},
    "patch_service": {"services": {"items": [{"patchType": "update", "patchClientId": 1}]}},
    "search_services": {"query": {"top": 5}},
}

#: operation -> how to make it a 400: a path id, query parameters and/or a body
REPEATED_QUERY = {"params": [("pageSize", "5"), ("pageSize", "6")]}
BAD_INPUT: dict[str, dict[str, Any]] = {
    "list_services": REPEATED_QUERY,
    "list_services_slash": REPEATED_QUERY,
    "available_for_share_plans": REPEATED_QUERY,
    "paged": {"params": {"pageSize": 1001}},
    "paged_detail": {"params": {"pageNumber": 0}},
    "get_service": {"id": "0"},
    "get_service_detail": {"id": "2147483648"},
    "create_service": {"json": {"name": "No type"}},
    "create_service_slash": {"json": {"name": "x", "serviceTypeId": 1, "identity": 5}},
    "update_service": {"json": {"serviceTypeId": 77}},
    "patch_service": {"json": {"services": {"items": [{"patchType": "merge"}]}}},
    "delete_service": {"id": "0"},
    "search_services": {
        "json": {"query": {"search": [{"name": "colour", "operator": "equals", "value": "red"}]}}
    },
}


def _declared_errors():
    document = SERVICES.document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            function = operation["operationId"].removeprefix("services_v4.")
            for status in operation["responses"]:
                if status.startswith("4"):
                    yield pytest.param(
                        method.upper(), path, function, int(status), id=f"{status} {method} {path}"
                    )


DECLARED = list(_declared_errors())


def _request(function: str, status: int) -> dict[str, Any]:
    """The id and request that should make ``function`` answer ``status``."""
    body = VALID_BODY.get(function.removesuffix("_slash"))
    request: dict[str, Any] = {"id": KNOWN} | ({"json": body} if body is not None else {})
    if status == 400:
        return request | BAD_INPUT[function]
    if status == 404:
        return request | {"id": UNKNOWN}
    if status == 406:
        return request | {"headers": {"accept": "text/csv"}}
    if status == 413:
        body = b'{"name": "' + b"x" * (1 << 20) + b'"}'
        return {"id": KNOWN, "content": body, "headers": {"content-type": "application/json"}}
    if status == 415:
        return {"id": KNOWN, "content": b"name=x", "headers": {"content-type": "text/plain"}}
    raise AssertionError(f"no recipe for {status}")


@pytest.fixture(scope="module")
def client():
    """One app for the module: no request here changes any state."""
    with TestClient(create_app(Settings(validate_responses=True))) as test_client:
        yield CheckedClient(test_client)


def test_every_operation_declares_400_and_the_id_operations_404():
    statuses: dict[tuple[str, str], set[int]] = {}
    for param in DECLARED:
        method, path, _function, status = param.values
        statuses.setdefault((method, path), set()).add(status)
    assert len(statuses) == 13
    for (method, path), declared in statuses.items():
        assert {400, 406} <= declared
        assert (404 in declared) == ("{id}" in path), (method, path)
        assert ({413, 415} <= declared) == (method in ("POST", "PUT", "PATCH")), (method, path)


@pytest.mark.parametrize(("method", "path", "function", "status"), DECLARED)
def test_declared_error_is_answered_as_problem_json_with_tracking_id(
    client, method, path, function, status
):
    request = _request(function, status)
    url = "/api/v4" + path.replace("{id}", request.pop("id"))
    response = client.request(method, url, **request)
    problem = assert_problem(response, status)
    assert (
        uuid.UUID(problem["trackingId"])
        and response.headers["x-tracking-id"] == (problem["trackingId"])
    )
