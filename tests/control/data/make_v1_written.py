"""Make a v1 snapshot with client writes, using /work/main's code."""
import sys
from starlette.testclient import TestClient
from servicestub import Settings, create_app

app = create_app(Settings(seed=7))
with TestClient(app) as c:
    B = "/v1/tenants/writer/stores/main/service-orders"
    t = c.get("/v1/tenants/writer/service-types").json()["data"][0]["serviceTypeUid"]
    rate = c.get("/v1/tenants/writer/hourly-rates").json()["data"][0]["hourlyRateUid"]
    uids = []
    for i in range(3):
        r = c.post(B, json={"title": f"order {i}", "serviceTypeUid": t, "customer": {"name": "Anna", "email": "a@example.com"}})
        assert r.status_code == 201, r.text
        uids.append(r.json()["serviceOrderUid"])
    u = uids[0]
    assert c.post(f"{B}/{u}/items", json={"name": "Battery", "quantity": 2, "unitPrice": 10.5}).status_code == 201
    assert c.post(f"{B}/{u}/events", json={"message": "hello", "visibleToCustomer": True}).status_code == 201
    assert c.post(f"{B}/{u}/hours", json={"userId": "u1", "date": "2026-01-10", "hours": 1.5, "hourlyRateUid": rate}).status_code == 201
    r = c.post(f"{B}/{u}/sales-orders", json={"customerId": "c1", "orderAddress": {"name": "A", "street": "S 1", "postalCode": "1", "city": "B", "countryCode": "DE"}})
    assert r.status_code == 201, r.text
    assert c.delete(f"{B}/{uids[2]}").status_code == 204
    # v4: create two, delete the newest and one seeded
    for n in ("A", "B"):
        r = c.post("/api/v4/Service/", json={"name": f"Created {n}", "serviceTypeId": 1})
        assert r.status_code == 200, r.text
    newest = r.json()["results"]["items"][0]["identity"]
    assert c.delete(f"/api/v4/Service/{newest}").status_code == 200
    assert c.delete("/api/v4/Service/1003").status_code == 200
    state = c.get("/_mock/state")
    open(sys.argv[1], "wb").write(state.content)
    print(newest, len(state.content))
