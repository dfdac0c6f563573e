"""A spec the mock has never seen, with no ``x-servicestub-*`` extension, served
statefully through the real app (responses validated against the spec)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.thirdparty.infer_specs import PETSTORE, listed, shop, write

MERGE = {"Content-Type": "application/merge-patch+json"}
JSON_PATCH = {"Content-Type": "application/json-patch+json"}


def serve(spec: Path, seed: int = 7) -> TestClient:
    app = create_app(Settings(specs=((spec, None),), validate_responses=True, seed=seed))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("infer"), shop())


@pytest.fixture
def client(shop_file: Path) -> Iterator[TestClient]:
    with serve(shop_file) as test_client:
        yield test_client


def test_the_classic_petstore_serves_statefully(tmp_path: Path) -> None:
    spec = tmp_path / "petstore.yaml"
    spec.write_text(PETSTORE)
    with serve(spec) as petstore:
        seeded = petstore.get("/v1/pets").json()
        assert isinstance(seeded, list) and seeded  # a bare array, seeded
        made = petstore.post("/v1/pets", json={"name": "Rex", "tag": "dog"})
        assert made.status_code == 201, made.text
        pet = made.json()
        assert isinstance(pet["id"], int) and pet["id"] not in [p["id"] for p in seeded]
        assert petstore.get(f"/v1/pets/{pet['id']}").json() == pet
        listed = petstore.get("/v1/pets", params={"limit": 100}).json()
        assert pet in listed and len(listed) == len(seeded) + 1
        assert petstore.get("/v1/pets", params={"limit": 2}).json() == listed[:2]
        assert petstore.get("/v1/pets/999999").status_code == 404


def test_a_create_stores_the_body_and_the_servers_fields(client: TestClient) -> None:
    made = client.post("/shop/pets", json={"name": "Rex", "tag": "dog", "secret": "s3"})
    assert made.status_code == 201, made.text
    pet = made.json()
    assert isinstance(pet["id"], int) and pet["name"] == "Rex" and pet["tag"] == "dog"
    assert "secret" not in pet  # writeOnly: stored, never answered
    assert pet["createdAt"] and pet["updatedAt"]
    assert client.get(f"/shop/pets/{pet['id']}").json() == pet
    listed = client.get("/shop/pets", params={"limit": 50}).json()
    assert pet in listed["data"] and listed["total"] == len(listed["data"])
    assert all("secret" not in p for p in listed["data"])


def test_cursor_pages_walk_every_record_once_and_end_with_null(client: TestClient) -> None:
    for name in "abcdefg":
        assert client.post("/shop/pets", json={"name": name}).status_code == 201
    everything = client.get("/shop/pets", params={"limit": 50}).json()
    seen: list[Any] = []
    cursor = None
    for _ in range(20):
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/shop/pets", params=params).json()
        seen += page["data"]
        assert page["total"] == everything["total"]
        assert page["has_more"] is (page["next_cursor"] is not None)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything["data"]
    bad = client.get("/shop/pets", params={"cursor": "nonsense"})
    assert bad.status_code == 400 and "cursor" in bad.json()["detail"]
    after = everything["data"][1]["id"]  # starting_after-style: an id is a cursor too
    assert (
        client.get("/shop/pets", params={"cursor": str(after)}).json()["data"][0]
        == (everything["data"][2])
    )


@pytest.mark.parametrize("form", ["-name", "name:desc", "name desc", "name:DESC"])
def test_free_sorts_read_every_common_form(client: TestClient, form: str) -> None:
    names = [p["name"] for p in client.get("/shop/pets", params={"sort": "name"}).json()["data"]]
    assert names == sorted(names)
    backwards = client.get("/shop/pets", params={"sort": form}).json()["data"]
    assert [p["name"] for p in backwards] == sorted(names, reverse=True)


def test_an_unknown_sort_field_is_a_400_naming_the_fields(client: TestClient) -> None:
    answer = client.get("/shop/pets", params={"sort": "colour"})
    assert answer.status_code == 400
    assert "'colour'" in answer.json()["detail"] and "name" in answer.json()["detail"]


def test_a_separate_direction_parameter_orders_a_free_sort(client: TestClient) -> None:
    for text in ("b", "a", "c"):
        client.put(f"/shop/notes/k-{text}", json={"text": text})
    down = client.get("/shop/notes", params={"order_by": "text", "direction": "desc"}).json()
    texts = [n["text"] for n in down["results"]]
    assert texts == sorted(texts, reverse=True)
    assert down["meta"]["totalCount"] == len(texts)


def test_filters_match_a_field_and_arrays_or(client: TestClient) -> None:
    client.post("/shop/pets", json={"name": "x", "status": "sold", "tag": "t1"})
    client.post("/shop/pets", json={"name": "y", "status": "available", "tag": "t2"})
    every = client.get("/shop/pets", params={"limit": 50}).json()["data"]
    sold = client.get("/shop/pets", params={"status": "sold", "limit": 50}).json()["data"]
    assert sold == [p for p in every if p.get("status") == "sold"] and sold
    both = client.get("/shop/pets", params=[("status", "sold"), ("status", "available")])
    assert both.json()["data"] == [p for p in every if p.get("status") in ("sold", "available")]
    tagged = client.get("/shop/pets", params={"tag": "t2"}).json()["data"]
    assert [p["name"] for p in tagged] == ["y"]


def test_merge_patch_merges_and_null_removes(client: TestClient) -> None:
    pet = client.post("/shop/pets", json={"name": "Rex", "tag": "dog"}).json()
    patched = client.patch(f"/shop/pets/{pet['id']}", json={"tag": None}, headers=MERGE)
    assert patched.status_code == 200, patched.text
    assert "tag" not in patched.json() and patched.json()["name"] == "Rex"
    assert patched.json()["updatedAt"] >= pet["updatedAt"]
    assert client.get(f"/shop/pets/{pet['id']}").json() == patched.json()


def test_json_patch_applies_all_or_nothing(client: TestClient) -> None:
    pet = client.post("/shop/pets", json={"name": "Rex", "tag": "dog"}).json()
    url = f"/shop/pets/{pet['id']}"
    ops = [{"op": "replace", "path": "/name", "value": "Max"}, {"op": "remove", "path": "/tag"}]
    done = client.patch(url, json=ops, headers=JSON_PATCH)
    assert done.status_code == 200, done.text
    assert done.json()["name"] == "Max" and "tag" not in done.json()
    before = client.get(url).json()
    failing = [
        {"op": "replace", "path": "/name", "value": "Changed"},
        {"op": "test", "path": "/name", "value": "not it"},
    ]
    assert client.patch(url, json=failing, headers=JSON_PATCH).status_code == 409
    assert (
        client.patch(url, json=[{"op": "remove", "path": "/nope"}], headers=JSON_PATCH).status_code
        == 409
    )
    breaking = [{"op": "remove", "path": "/name"}]  # name is required
    assert client.patch(url, json=breaking, headers=JSON_PATCH).status_code == 422
    assert client.get(url).json() == before


def test_put_replaces_and_delete_then_404(client: TestClient) -> None:
    pet = client.post("/shop/pets", json={"name": "Rex", "tag": "dog"}).json()
    url = f"/shop/pets/{pet['id']}"
    replaced = client.put(url, json={"name": "Max"})
    assert replaced.status_code == 200 and "tag" not in replaced.json()
    assert replaced.json()["id"] == pet["id"]
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_put_creates_where_no_post_does(client: TestClient) -> None:
    assert client.get("/shop/notes/mine").status_code == 404
    made = client.put("/shop/notes/mine", json={"text": "hello"})
    assert made.status_code == 201 and made.json() == {"key": "mine", "text": "hello"}
    again = client.put("/shop/notes/mine", json={"text": "again"})
    assert again.status_code == 200 and again.json()["text"] == "again"
    assert client.get("/shop/notes/mine").json() == again.json()


def test_children_live_under_existing_parents_only(client: TestClient) -> None:
    pets = client.get("/shop/pets").json()["data"]
    parent = pets[0]["id"]
    toys = client.get(f"/shop/pets/{parent}/toys")
    assert toys.status_code == 200 and toys.json()
    assert all(t["petId"] == parent for t in toys.json())  # seeded pointing at the parent
    made = client.post(f"/shop/pets/{parent}/toys", json={"name": "ball"}).json()
    assert made["petId"] == parent  # a created child points at its parent too
    assert client.get(f"/shop/pets/{parent}/toys/{made['toy_id']}").json() == made
    assert client.get("/shop/pets/999999/toys").status_code == 404
    assert client.post("/shop/pets/999999/toys", json={"name": "b"}).status_code == 404
    assert client.delete(f"/shop/pets/{parent}").status_code == 204
    assert client.get(f"/shop/pets/{parent}/toys").status_code == 404
    assert client.get(f"/shop/pets/{parent}/toys/{made['toy_id']}").status_code == 404


def test_the_same_seed_seeds_the_same_records(shop_file: Path) -> None:
    def lists(seed: int) -> list[Any]:
        with serve(shop_file, seed) as one:
            pets = one.get("/shop/pets").json()
            toys = one.get(f"/shop/pets/{pets['data'][0]['id']}/toys").json()
            return [pets, toys, one.get("/shop/notes").json()]

    assert lists(3) == lists(3)
    assert lists(3) != lists(4)


def test_creates_and_deletes_answer_the_status_the_spec_documents(tmp_path: Path) -> None:
    document = listed({"id": {"type": "integer", "readOnly": True}, "colour": {"type": "string"}})
    things = document["paths"]["/things"]
    things["post"]["responses"] = {"200": things["post"]["responses"]["201"]}
    item = document["paths"]["/things/{thingId}"]
    item["delete"] = {"operationId": "drop", "responses": item["get"]["responses"]}
    with serve(write(tmp_path, document, "things")) as client:
        made = client.post("/things", json={"colour": "red"})
        assert made.status_code == 200, made.text
        gone = client.delete(f"/things/{made.json()['id']}")
        assert (gone.status_code, gone.json()) == (200, made.json())
        assert client.get(f"/things/{made.json()['id']}").status_code == 404


def test_a_record_answered_in_a_property_is_served_wrapped(tmp_path: Path) -> None:
    document = listed({"id": {"type": "integer", "readOnly": True}, "colour": {"type": "string"}})
    wrapped = {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing"}}}
    document["paths"]["/things"]["post"]["responses"]["201"]["content"]["application/json"] = {
        "schema": wrapped
    }
    document["paths"]["/things/{thingId}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ] = {"schema": wrapped}
    with serve(write(tmp_path, document, "things")) as client:
        made = client.post("/things", json={"colour": "red"})
        assert made.status_code == 201, made.text
        thing = made.json()["thing"]
        assert thing["colour"] == "red" and isinstance(thing["id"], int)
        assert client.get(f"/things/{thing['id']}").json() == {"thing": thing}
        assert thing in client.get("/things").json()  # the list holds records bare
