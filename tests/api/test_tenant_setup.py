"""Service types, workflow statuses and hourly rates of a tenant."""

from __future__ import annotations

from tests.api.helpers import assert_problem, walk_pages


def test_service_types_list_sorted_by_name_and_update(client, tenant):
    url = f"/v1/tenants/{tenant}/service-types"
    data = client.get(url).json()["data"]
    assert 4 <= len(data) <= 6
    assert [t["name"].casefold() for t in data] == sorted(t["name"].casefold() for t in data)
    uid = data[0]["serviceTypeUid"]
    updated = client.put(f"{url}/{uid}", json={"active": False, "description": "Paused"})
    assert updated.status_code == 200 and updated.json()["active"] is False
    assert updated.json()["name"] == data[0]["name"]
    assert_problem(client.put(f"{url}/nope", json={"active": False}), 404, "nope")
    assert_problem(client.put(f"{url}/{uid}", json={"defaultPriority": "HUGE"}), 400)


def test_statuses_are_seeded_as_one_to_n(client, tenant):
    data = client.get(f"/v1/tenants/{tenant}/service-statuses").json()["data"]
    assert 5 <= len(data) <= 8
    assert [s["position"] for s in data] == list(range(1, len(data) + 1))


def test_status_created_in_the_middle_shifts_later_ones(client, tenant):
    url = f"/v1/tenants/{tenant}/service-statuses"
    before = client.get(url).json()["data"]
    created = client.post(
        url, json={"name": "Awaiting approval", "position": 2, "color": "#ff00aa"}
    )
    assert created.status_code == 201 and created.json()["position"] == 2
    after = client.get(url).json()["data"]
    assert [s["statusUid"] for s in after] == [
        before[0]["statusUid"],
        created.json()["statusUid"],
    ] + [s["statusUid"] for s in before[1:]]
    assert [s["position"] for s in after] == list(range(1, len(before) + 2))


def test_status_past_the_end_goes_last_and_move_shifts_others(client, tenant):
    url = f"/v1/tenants/{tenant}/service-statuses"
    count = len(client.get(url).json()["data"])
    last = client.post(url, json={"name": "Archived", "position": 999}).json()
    assert last["position"] == count + 1
    moved = client.put(f"{url}/{last['statusUid']}", json={"position": 1}).json()
    assert moved["position"] == 1
    positions = [s["position"] for s in client.get(url).json()["data"]]
    assert positions == list(range(1, count + 2))


def test_status_errors(client, tenant):
    url = f"/v1/tenants/{tenant}/service-statuses"
    assert_problem(client.post(url, json={"name": "x"}), 400, "position")
    assert_problem(client.post(url, json={"name": "x", "position": 1, "color": "red"}), 400)
    assert_problem(client.put(f"{url}/nope", json={"name": "y"}), 404)


def test_hourly_rates_create_update_and_page(client, tenant):
    url = f"/v1/tenants/{tenant}/hourly-rates"
    seeded = client.get(url).json()["meta"]["totalItems"]
    created = client.post(url, json={"name": "Weekend labour", "price": 110, "code": "WKD"})
    assert created.status_code == 201
    rate = created.json()
    assert rate["currency"] == "EUR" and rate["active"] is True
    assert (
        client.put(f"{url}/{rate['hourlyRateUid']}", json={"price": 120.5}).json()["price"] == 120.5
    )
    every = walk_pages(client, url, perPage=1)
    assert len(every) == seeded + 1
    assert_problem(client.post(url, json={"name": "x", "price": -1}), 400)
    assert_problem(client.put(f"{url}/nope", json={"price": 1}), 404)
