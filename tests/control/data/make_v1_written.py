"""How ``state-v1-written.json`` was made: client writes on main 3ffa3ad (snapshot
version 1), exported. Run with that version's sources first on ``PYTHONPATH``::

    PYTHONPATH=/path/to/old/src python tests/control/data/make_v1_written.py OUT.json
"""

import sys
from pathlib import Path

from starlette.testclient import TestClient

from servicestub import Settings, create_app

ADDRESS = {"name": "A", "street": "S 1", "postalCode": "1", "city": "B", "countryCode": "DE"}


def main(out: Path) -> None:
    with TestClient(create_app(Settings(seed=7))) as client:
        base = "/v1/tenants/writer/stores/main/service-orders"
        types = client.get("/v1/tenants/writer/service-types").json()["data"]
        rate = client.get("/v1/tenants/writer/hourly-rates").json()["data"][0]["hourlyRateUid"]
        customer = {"name": "Anna", "email": "a@example.com"}
        uids = []
        for index in range(3):
            body = {"title": f"order {index}", "serviceTypeUid": types[0]["serviceTypeUid"]}
            created = client.post(base, json=body | {"customer": customer})
            assert created.status_code == 201, created.text
            uids.append(created.json()["serviceOrderUid"])
        order = f"{base}/{uids[0]}"
        hours = {"userId": "u1", "date": "2026-01-10", "hours": 1.5, "hourlyRateUid": rate}
        for path, body in (
            ("items", {"name": "Battery", "quantity": 2, "unitPrice": 10.5}),
            ("events", {"message": "hello", "visibleToCustomer": True}),
            ("hours", hours),
            ("sales-orders", {"customerId": "c1", "orderAddress": ADDRESS}),
        ):
            assert client.post(f"{order}/{path}", json=body).status_code == 201
        assert client.delete(f"{base}/{uids[2]}").status_code == 204
        for name in ("Created A", "Created B"):  # 1201 and 1202; then 1202 is deleted
            made = client.post("/api/v4/Service/", json={"name": name, "serviceTypeId": 1})
            assert made.status_code == 200, made.text
        newest = made.json()["results"]["items"][0]["identity"]
        assert client.delete(f"/api/v4/Service/{newest}").status_code == 200
        assert client.delete("/api/v4/Service/1003").status_code == 200
        out.write_bytes(client.get("/_mock/state").content)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
