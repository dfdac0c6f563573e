"""The seeded data of a given seed is what main served when the engine work began.

#13 rebuilt the layers under both APIs; users' fixtures and screenshots depend on
seed 1 serving the same records. Every read view of a few tenants and stores (and
of the v4 catalogue) is fetched from a fresh mock, canonicalised and hashed; the
digests were recorded from main at 687250b, before any of that work. A change to
seeded data must change these digests in a commit that argues for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app

ORDERS = "/v1/tenants/{tenant}/stores/{store}/service-orders"
SCOPES = (("acme", "1"), ("acme", "store-2"), ("digest-tenant", "7"))

#: Recorded from main at 687250b with ``python -m tests.engine.test_seed_digest``.
EXPECTED = {
    "orders": "1caa2fb418d1bac2e2d2c2d7123f5e30a2a8eadf507001b0944f8d10f8449134",
    "services": "39aca38dc26f6ab3ace73fdad67493b7ff876ad16b312393be1f19b0e2181acf",
}


def _json(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def _every_page(client: TestClient, path: str, **params: Any) -> Iterator[Any]:
    page = 1
    while True:
        body = _json(client, path, page=page, per_page=100, **params)
        yield body
        if page >= body["meta"]["totalPages"]:
            return
        page += 1


def orders_views(client: TestClient) -> list[Any]:
    views: list[Any] = []
    for tenant, store in SCOPES:
        base = f"/v1/tenants/{tenant}"
        for setup in ("service-types", "service-statuses", "hourly-rates"):
            views.extend(_every_page(client, f"{base}/{setup}"))
        listing = ORDERS.format(tenant=tenant, store=store)
        pages = list(_every_page(client, listing, sort="createdAt", order="DESC"))
        views.extend(pages)
        for order in [o for page in pages for o in page["data"]][:12]:
            uid = order["serviceOrderUid"]
            views.append(_json(client, f"{listing}/{uid}"))
            for child in ("events", "hours", "notifications", "sales-orders"):
                views.extend(_every_page(client, f"{listing}/{uid}/{child}"))
            public_hash = order.get("publicHash")
            if public_hash:
                public = f"{base}/stores/{store}/public/service-orders/{public_hash}"
                views.append(_json(client, public))
    return views


def services_views(client: TestClient) -> list[Any]:
    views: list[Any] = [_json(client, "/api/v4/Service")]
    for path in ("/api/v4/Service/Paged", "/api/v4/Service/Paged/Detail"):
        for page in range(1, 5):
            views.append(_json(client, path, page=page, pageSize=60))
    for identity in (1001, 1050, 1200):
        views.append(_json(client, f"/api/v4/Service/{identity}"))
        views.append(_json(client, f"/api/v4/Service/{identity}/Detail"))
    for view in views:  # a fresh tracking id per request is not seeded data
        if isinstance(view, dict):
            view.pop("trackingId", None)
    return views


def digest(views: list[Any]) -> str:
    return hashlib.sha256(orjson.dumps(views, option=orjson.OPT_SORT_KEYS)).hexdigest()


def digests() -> dict[str, str]:
    with TestClient(create_app(Settings())) as client:
        return {"orders": digest(orders_views(client)), "services": digest(services_views(client))}


@pytest.fixture(scope="module")
def measured() -> dict[str, str]:
    return digests()


@pytest.mark.parametrize("api", sorted(EXPECTED))
def test_seeded_views_are_byte_identical_to_main_before_the_engine(
    measured: dict[str, str], api: str
) -> None:
    assert measured[api] == EXPECTED[api]


if __name__ == "__main__":
    print(digests())
