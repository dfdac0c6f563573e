"""32 concurrent clients writing to a live server (uvicorn, as `serve` runs it):
every acknowledged write is readable, counts and totals are exact, numbers and
identities unique, workflow positions still 1..n."""

from __future__ import annotations

import asyncio

import httpx

from servicestub import Settings, create_app
from servicestub.contract.server import serving

CLIENTS = 32
#: Steps per client: 12 rounds of the five kinds of write, interleaved across the clients.
WRITES = 60
T = "/v1/tenants/load"
P = f"{T}/stores/main"


async def _client(
    http: httpx.AsyncClient, number: int, service_type: str, rate: str, acked: dict
) -> None:
    orders: list[str] = []
    for step in range(WRITES):
        kind = step % 5
        if kind == 0 or not orders:
            response = await http.post(
                f"{P}/service-orders",
                json={"title": f"c{number}-{step}", "serviceTypeUid": service_type},
            )
            assert response.status_code == 201, response.text
            orders.append(response.json()["serviceOrderUid"])
            acked["orders"].append(response.json())
        elif kind == 1:
            response = await http.post(
                f"{P}/service-orders/{orders[-1]}/items",
                json={"name": "Part", "quantity": 2, "unitPrice": 10.5},
            )
            assert response.status_code == 201
            acked["items"][orders[-1]] = acked["items"].get(orders[-1], 0) + 21.0
        elif kind == 2:
            body = {"userId": "tech", "date": "2026-01-05", "hours": 1.5, "hourlyRateUid": rate}
            response = await http.post(f"{P}/service-orders/{orders[-1]}/hours", json=body)
            assert response.status_code == 201
            acked["hours"][orders[-1]] = (
                acked["hours"].get(orders[-1], 0) + response.json()["amount"]
            )
        elif kind == 3:
            response = await http.post(
                f"{T}/service-statuses",
                json={"name": f"s{number}-{step}", "position": 1 + step % 7},
            )
            assert response.status_code == 201
            acked["statuses"] += 1
        else:
            items = [
                {
                    "patchType": "create",
                    "patchClientId": 1,
                    "name": f"Svc {number}-{step}",
                    "serviceTypeId": 1,
                }
            ]
            response = await http.patch("/api/v4/Service/1001", json={"services": {"items": items}})
            assert response.status_code == 200
            acked["services"].append(response.json()["results"]["items"][0]["identity"])


async def _load(origin: str) -> tuple[dict, httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=origin, timeout=60, limits=limits) as http:
        service_type = (await http.get(f"{T}/service-types")).json()["data"][0]["serviceTypeUid"]
        rate = (await http.get(f"{T}/hourly-rates")).json()["data"][0]["hourlyRateUid"]
        statuses_before = (await http.get(f"{T}/service-statuses", params={"perPage": 100})).json()[
            "meta"
        ]["totalItems"]
        acked: dict = {"orders": [], "items": {}, "hours": {}, "statuses": 0, "services": []}
        await asyncio.gather(*(_client(http, n, service_type, rate, acked) for n in range(CLIENTS)))
        acked["statuses_before"] = statuses_before
        return acked


def _every(http: httpx.Client, url: str) -> list[dict]:
    found, page = [], 1
    while data := http.get(url, params={"perPage": 100, "page": page}).json()["data"]:
        found += data
        page += 1
    return found


def test_concurrent_writes_are_all_kept_exactly():
    app = create_app(Settings())
    with serving(app) as origin:
        acked = asyncio.run(_load(origin))
        with httpx.Client(base_url=origin, timeout=60) as http:
            listed = _every(http, f"{P}/service-orders")
            by_uid = {o["serviceOrderUid"]: o for o in listed}
            for order in acked["orders"]:
                stored = by_uid[order["serviceOrderUid"]]
                items = acked["items"].get(order["serviceOrderUid"], 0)
                hours = acked["hours"].get(order["serviceOrderUid"], 0)
                assert stored["totals"]["items"] == round(items, 2)
                assert stored["totals"]["hours"] == round(hours, 2)
                assert stored["totals"]["total"] == round(items + hours, 2)
            assert len(listed) == 50 + len(acked["orders"])
            numbers = [o["serviceNumber"] for o in listed]
            assert len(set(numbers)) == len(numbers)
            statuses = http.get(f"{T}/service-statuses", params={"perPage": 100}).json()
            assert statuses["meta"]["totalItems"] == acked["statuses_before"] + acked["statuses"]
            all_statuses = _every(http, f"{T}/service-statuses")
            assert sorted(s["position"] for s in all_statuses) == list(
                range(1, len(all_statuses) + 1)
            )
            services = http.get("/api/v4/Service").json()["items"]
            identities = [s["identity"] for s in services]
            assert len(set(identities)) == len(identities) == 200 + len(acked["services"])
            assert set(acked["services"]) <= set(identities)
