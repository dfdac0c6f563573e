"""DELETE /_mock/tenants/{tenantId}: a tenant is forgotten, its next use reseeds it as
new, and nothing else changes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.api.helpers import assert_problem, create_order, store_path
from tests.oapi import CheckedClient

TENANT_IDS = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(validate_responses=True, orders_per_store=5))) as raw:
        yield CheckedClient(raw)


def _tenant_view(client: CheckedClient, tenant: str, stores: tuple[str, ...]) -> dict:
    """Everything a client can see of a tenant: set-up and each store's orders."""
    base = f"/v1/tenants/{tenant}"
    view = {
        name: client.get(f"{base}/{name}", params={"perPage": 100}).json()
        for name in ("service-types", "service-statuses", "hourly-rates")
    }
    for store in stores:
        view[store] = client.get(
            f"{store_path(tenant, store)}/service-orders", params={"perPage": 100}
        ).json()
    return view


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(tenant=TENANT_IDS, stores=st.lists(TENANT_IDS, min_size=1, max_size=3, unique=True))
def test_a_dropped_tenant_comes_back_as_new_and_others_stay(
    client: CheckedClient, tenant: str, stores: list[str]
) -> None:
    other = f"{tenant}-other"
    create_order(client, other)
    untouched = _tenant_view(client, other, ("main",))
    client.delete(f"/_mock/tenants/{tenant}")  # a tenant an earlier example used
    fresh = _tenant_view(client, tenant, tuple(stores))
    for store in stores:
        create_order(client, tenant, store)
    base = f"/v1/tenants/{tenant}"
    status = {"name": "Extra", "position": 1}
    assert client.post(f"{base}/service-statuses", json=status).status_code == 201
    assert _tenant_view(client, tenant, tuple(stores)) != fresh

    assert client.delete(f"/_mock/tenants/{tenant}").status_code == 204

    assert _tenant_view(client, tenant, tuple(stores)) == fresh
    assert _tenant_view(client, other, ("main",)) == untouched
    client.delete(f"/_mock/tenants/{other}")


def test_dropping_a_tenant_never_seen_is_404_and_changes_nothing(client: CheckedClient) -> None:
    before = client.get("/_mock/health").json()["counts"]
    body = assert_problem(client.delete("/_mock/tenants/never-seen-tenant"), 404, "never-seen")
    assert "no tenant" in body["detail"]
    assert client.get("/_mock/health").json()["counts"] == before


def test_dropping_a_tenant_twice_is_404_the_second_time(client: CheckedClient) -> None:
    create_order(client, "twice")
    assert client.delete("/_mock/tenants/twice").status_code == 204
    assert_problem(client.delete("/_mock/tenants/twice"), 404, "twice")


def test_dropping_counts_in_health(client: CheckedClient) -> None:
    create_order(client, "counted")
    before = client.get("/_mock/health").json()["counts"]
    assert client.delete("/_mock/tenants/counted").status_code == 204
    after = client.get("/_mock/health").json()["counts"]
    assert after["tenants"] == before["tenants"] - 1
    assert after["writtenTenants"] == before["writtenTenants"] - 1
