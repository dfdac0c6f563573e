"""Serving third-party specs end to end: ids unique across specs, docs and
control plane for each, and the control plane's features on their requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.cli import banner
from tests.thirdparty.serve_specs import collection_spec, write


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    # Two specs with the same operationIds (list, create, read, remove), one at the root.
    first = write(tmp_path / "shop.yaml", collection_spec(server="https://shop.test/v1"))
    second = write(tmp_path / "zoo.yaml", collection_spec(name="animals", title="Zoo"))
    settings = Settings(specs=((first, None), (second, "/")), validate_responses=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_same_operation_ids_in_two_specs_are_both_served(client: TestClient) -> None:
    made = client.post("/v1/things", json={"name": "lamp"})
    assert made.status_code == 201
    thing = made.json()["thingId"]
    assert client.get(f"/v1/things/{thing}").json()["name"] == "lamp"
    animal = client.post("/animals", json={"name": "okapi"}).json()["animalId"]
    assert client.get(f"/animals/{animal}").json()["name"] == "okapi"
    assert client.get(f"/animals/{thing}").status_code == 404
    ids = {
        operation["operationId"]
        for mount in ("/v1", "")
        for item in client.get(f"{mount}/openapi.json").json()["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert ids == {
        f"{api}.{op}" for api in ("shop", "zoo") for op in ("list", "create", "read", "remove")
    }


def test_docs_of_every_spec_and_the_control_plane(client: TestClient) -> None:
    for mount in ("/v1", "", "/_mock"):
        assert client.get(f"{mount}/ui/").status_code == 200
        assert client.get(f"{mount}/openapi.json").status_code == 200
    assert client.get("/_mock/health").json()["status"] == "ok"
    missing = client.get("/nowhere/at/all")
    assert missing.status_code == 404
    assert "/v1/ui/ or /ui/" in missing.json()["detail"]


def test_journal_records_api_requests_not_docs(client: TestClient) -> None:
    client.delete("/_mock/requests")
    client.get("/openapi.json")
    client.get("/v1/ui/")
    client.get("/v1/things")
    client.get("/animals")
    journal = client.get("/_mock/requests").json()["data"]
    assert [entry["path"] for entry in journal] == ["/animals", "/v1/things"]


def test_fault_rules_and_prefer_act_on_third_party_operations(client: TestClient) -> None:
    rule = {"method": "GET", "path": "/animals", "status": 503, "times": 1}
    assert client.post("/_mock/faults", json=rule).status_code == 201
    assert client.get("/animals").status_code == 503
    assert client.get("/animals").status_code == 200
    answer = client.get("/v1/things/nope", headers={"Prefer": "code=404"})
    assert answer.status_code == 404 and answer.headers["preference-applied"] == "code=404"


def test_reset_and_snapshot_round_trip(client: TestClient) -> None:
    made = client.post("/v1/things", json={"name": "kept"}).json()["thingId"]
    snapshot = client.get("/_mock/state").json()
    assert client.post("/_mock/reset", json={}).status_code == 200
    assert client.get(f"/v1/things/{made}").status_code == 404
    assert client.put("/_mock/state", json=snapshot).status_code in (200, 204)
    assert client.get(f"/v1/things/{made}").json()["name"] == "kept"


def test_cors_and_allow_follow_the_served_specs(client: TestClient) -> None:
    preflight = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "DELETE"}
    assert client.options("/v1/things/x", headers=preflight).status_code == 200
    put = {**preflight, "Access-Control-Request-Method": "PUT"}  # no operation takes PUT
    assert client.options("/v1/things/x", headers=put).status_code == 400
    refused = client.put("/v1/things/x", json={"name": "n"})
    assert refused.status_code == 405
    assert set(refused.headers["allow"].split(", ")) == {"GET", "DELETE"}


def test_the_banner_names_each_spec_its_mount_docs_and_parts(tmp_path: Path) -> None:
    document = collection_spec(title="Shop")
    document["paths"]["/broken"] = {"get": {"parameters": [{"name": "q", "in": "query"}]}}
    spec = write(tmp_path / "shop.yaml", document)
    app = create_app(Settings(specs=((spec, "/shop"),)))
    lines = banner(app, "http://localhost:8080")
    assert lines[0] == "  Shop  http://localhost:8080/shop/  docs http://localhost:8080/shop/ui/"
    assert lines[1] == "    shop.yaml: 4 operations stateful, 0 answered from the spec, 1 dropped"
    assert lines[2].startswith("      dropped GET /broken: ")
    assert lines[-1].startswith("  Control plane       http://localhost:8080/_mock")
