"""Service orders over HTTP: list, create, read, update, delete, and their errors."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_problem, create_order, first_service_type, store_path


def test_list_answers_the_envelope_with_seeded_orders(client):
    body = client.get("/v1/tenants/demo/stores/main/service-orders").json()
    assert body["meta"] == {"page": 1, "perPage": 20, "totalItems": 50, "totalPages": 3}
    assert len(body["data"]) == 20
    uids = [o["serviceOrderUid"] for o in body["data"]]
    assert uids == sorted(uids)


def test_page_past_end_returns_empty_data_with_totals(client, tenant):
    body = client.get(f"{store_path(tenant)}/service-orders", params={"page": 99}).json()
    assert body["data"] == [] and body["meta"]["totalItems"] == 50 and body["meta"]["page"] == 99


def test_filters_or_within_and_across(client, tenant):
    url = f"{store_path(tenant)}/service-orders"
    every = client.get(url, params={"perPage": 100}).json()["data"]
    # Values taken from the store itself (whatever its seeded mix), so the
    # filtered set is never empty: the first order's state and priority, and a
    # second state that some other order has.
    first = every[0]
    states = [first["state"], next(o["state"] for o in every if o["state"] != first["state"])]
    params = [
        *(("states", s) for s in states),
        ("priorities", first["priority"]),
        ("perPage", "100"),
    ]
    got = client.get(url, params=params).json()["data"]
    expected = [o for o in every if o["state"] in states and o["priority"] == first["priority"]]
    assert {o["serviceOrderUid"] for o in got} == {o["serviceOrderUid"] for o in expected}
    assert len(expected) < len(every), "the filters should leave some orders out"


def test_sort_desc_by_created_at(client, tenant):
    data = client.get(
        f"{store_path(tenant)}/service-orders",
        params={"sort": "createdAt", "order": "DESC", "perPage": 100},
    ).json()["data"]
    stamps = [o["createdAt"] for o in data]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"perPage": 0}, "perPage"),
        ({"perPage": 101}, "perPage"),
        ({"page": 0}, "page"),
        ({"sort": "customer"}, "sort"),
        ({"order": "UP"}, "order"),
        ({"states": "BROKEN"}, "states"),
    ],
)
def test_bad_list_parameters_are_400(client, params, detail):
    response = client.get("/v1/tenants/demo/stores/main/service-orders", params=params)
    assert_problem(response, 400)


def test_created_order_reads_back(client, tenant):
    created = create_order(client, tenant, priority="HIGH", dueDate="2026-03-01")
    assert created["serviceNumber"] == "SO-10051"
    assert created["state"] == "NEW" and created["priority"] == "HIGH"
    got = client.get(f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}")
    assert got.status_code == 200 and got.json() == created


def test_create_without_title_is_400_and_creates_nothing(client, tenant):
    url = f"{store_path(tenant)}/service-orders"
    response = client.post(url, json={"serviceTypeUid": first_service_type(client, tenant)})
    assert_problem(response, 400, "title")
    assert client.get(url).json()["meta"]["totalItems"] == 50


def test_create_with_unknown_service_type_is_400_naming_it(client, tenant):
    response = client.post(
        f"{store_path(tenant)}/service-orders", json={"title": "x", "serviceTypeUid": "nope"}
    )
    assert_problem(response, 400, "serviceTypeUid 'nope'")


def test_create_with_bad_json_is_400(client, tenant):
    response = client.post(
        f"{store_path(tenant)}/service-orders",
        content=b'{"title": ',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400)


def test_create_with_wrong_content_type_is_415(client, tenant):
    response = client.post(
        f"{store_path(tenant)}/service-orders",
        content=b"title=x",
        headers={"content-type": "text/plain"},
    )
    assert_problem(response, 415)


def test_body_over_one_mebibyte_is_413(client, tenant):
    body = b'{"title": "' + b"x" * (1 << 20) + b'"}'
    response = client.post(
        f"{store_path(tenant)}/service-orders",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 413, "limit")


def test_update_replaces_present_fields_only(client, tenant):
    created = create_order(client, tenant, description="before")
    url = f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}"
    updated = client.put(url, json={"priority": "URGENT"}).json()
    assert updated["priority"] == "URGENT" and updated["description"] == "before"
    assert client.get(url).json()["priority"] == "URGENT"


def test_update_unknown_order_is_404(client, tenant):
    response = client.put(f"{store_path(tenant)}/service-orders/missing", json={"title": "x"})
    assert_problem(response, 404, "missing")


def test_update_with_bad_state_is_400_and_changes_nothing(client, tenant):
    created = create_order(client, tenant)
    url = f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}"
    assert_problem(client.put(url, json={"state": "BROKEN", "title": "new"}), 400)
    assert client.get(url).json() == created


def test_order_of_another_store_or_tenant_is_404(client, tenant):
    created = create_order(client, tenant)
    uid = created["serviceOrderUid"]
    assert_problem(client.get(f"{store_path(tenant, 'other')}/service-orders/{uid}"), 404)
    assert_problem(client.get(f"{store_path(tenant + 'x')}/service-orders/{uid}"), 404)


def test_invalid_id_in_path_is_400(client):
    response = client.get("/v1/tenants/demo/stores/main/service-orders/not%20valid")
    assert_problem(response, 400)


def test_delete_removes_the_order_and_everything_under_it(client, tenant):
    created = create_order(client, tenant)
    url = f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}"
    client.post(f"{url}/events", json={"message": "note"})
    assert client.delete(url).status_code == 204
    assert_problem(client.get(url), 404)
    assert_problem(client.get(f"{url}/events"), 404)
    assert_problem(client.delete(url), 404)


def test_same_seed_gives_byte_identical_answers():
    from starlette.testclient import TestClient

    from servicestub import Settings, create_app

    bodies = []
    for _ in range(2):
        with TestClient(create_app(Settings(seed=11))) as fresh:
            url = "/v1/tenants/demo/stores/main/service-orders"
            bodies.append(
                fresh.get(url, params={"perPage": 100}).content
                + fresh.get("/v1/tenants/demo/service-statuses").content
            )
    assert bodies[0] == bodies[1]


def test_search_matches_partially_and_case_insensitively(client, tenant):
    create_order(client, tenant, customer={"name": "Johanna Becker", "email": "jb@example.com"})
    create_order(client, tenant, customer={"name": "ANNA Schulz", "phone": "+49 1"})
    url = f"{store_path(tenant)}/service-orders/search"
    found = client.post(url, json={"query": "anna"}, params={"perPage": 100}).json()
    names = {o["customer"]["name"] for o in found["data"] if o["customer"]}
    assert {"Johanna Becker", "ANNA Schulz"} <= names
    for order in found["data"]:
        customer = order["customer"] or {}
        texts = [customer.get(f) for f in ("name", "email", "phone")] + [
            order["serviceNumber"],
            order["title"],
        ]
        assert any("anna" in (text or "").lower() for text in texts)


def test_search_date_bounds_are_inclusive_and_query_overrides_customer(client, tenant):
    created = create_order(client, tenant)
    day = created["createdAt"][:10]
    url = f"{store_path(tenant)}/service-orders/search"
    body = {"createdFrom": day, "createdTo": day, "service": {"title": "cracked"}}
    found = client.post(url, json=body).json()["data"]
    assert [o["serviceOrderUid"] for o in found] == [created["serviceOrderUid"]]
    ignored = {"query": created["serviceNumber"], "customer": {"name": "nobody"}}
    assert [o["serviceOrderUid"] for o in client.post(url, json=ignored).json()["data"]] == [
        created["serviceOrderUid"]
    ]


def test_search_errors_are_400(client, tenant):
    url = f"{store_path(tenant)}/service-orders/search"
    assert_problem(client.post(url, json={"createdFrom": "2026-02-30"}), 400, "createdFrom")
    assert_problem(client.post(url, json={"states": ["BROKEN"]}), 400)
    assert_problem(client.post(url, json={"colour": "red"}), 400)
