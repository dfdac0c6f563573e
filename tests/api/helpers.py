"""Small helpers for API tests of the Service Orders API."""

from __future__ import annotations

from typing import Any

from tests.oapi import CheckedClient

PROBLEM = "application/problem+json"


def store_path(tenant: str, store: str = "main") -> str:
    return f"/v1/tenants/{tenant}/stores/{store}"


def first_service_type(client: CheckedClient, tenant: str) -> str:
    return client.get(f"/v1/tenants/{tenant}/service-types").json()["data"][0]["serviceTypeUid"]


def create_order(client: CheckedClient, tenant: str, store: str = "main", **fields: Any) -> dict:
    body = {
        "title": "iPhone 13 — cracked screen",
        "serviceTypeUid": first_service_type(client, tenant),
        "customer": {"name": "Anna Schmidt", "email": "anna@example.com"},
    } | fields
    response = client.post(f"{store_path(tenant, store)}/service-orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem(response: Any, status: int, detail_contains: str = "") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert detail_contains.lower() in body["detail"].lower(), body["detail"]
    assert "Traceback" not in response.text
    return body


def walk_pages(client: CheckedClient, url: str, **params: Any) -> list[dict]:
    items, page = [], 1
    while True:
        body = client.get(url, params={**params, "page": page}).json()
        if not body["data"]:
            return items
        items.extend(body["data"])
        page += 1
