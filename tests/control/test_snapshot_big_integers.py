"""PUT /_mock/state with an integer beyond 64 bits anywhere is a 400 that changes
nothing (found by the schemathesis suite: it was a 500)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app

BIG = st.integers(min_value=2**64) | st.integers(max_value=-(2**63) - 1)
#: Where the number goes: (section, key) of the snapshot.
PLACES = st.sampled_from(
    [("services", "sharePlans"), ("services", "services"), ("orders", "tenants")]
)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(orders_per_store=2))) as raw:
        yield raw


@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(number=BIG, place=PLACES, wrapped=st.booleans())
def test_a_huge_integer_in_a_snapshot_is_refused_with_400(client, number, place, wrapped):
    state = client.get("/_mock/state").json()
    section, key = place
    state[section][key] = [{"identity": number} if wrapped else number]
    answer = client.put("/_mock/state", json=state)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert client.get("/_mock/state").json() != state


def test_a_huge_counter_is_refused_with_400(client):
    state = client.get("/_mock/state").json()
    state["orders"]["idsIssued"] = 2**70
    answer = client.put("/_mock/state", json=state)
    assert answer.status_code == 400 and "idsIssued" in answer.json()["detail"]
