"""A snapshot is accepted only when the server can serve it; what it exports it
takes back unchanged; older versions still load."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.apis.orders.money import line_amount
from servicestub.apis.services_v4.catalogue import IDENTITY_MAX
from servicestub.engine.ids import COUNTER_MAX
from servicestub.runtime import Runtime
from tests.api.helpers import assert_problem, create_order

DATA = Path(__file__).parent / "data"
V4 = "/api/v4/Service"
ADDRESS = {"name": "A", "street": "S 1", "postalCode": "1", "city": "B", "countryCode": "DE"}
Snapshot = dict[str, Any]


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(validate_responses=True, orders_per_store=2))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _written(client: TestClient) -> Snapshot:
    """A state with a bit of everything a client can write, exported."""
    client.post("/_mock/reset", json={})
    order = create_order(client, "acme", customer={"name": "Anna", "email": "a@example.com"})
    base = f"/v1/tenants/acme/stores/main/service-orders/{order['serviceOrderUid']}"
    rate = client.get("/v1/tenants/acme/hourly-rates").json()["data"][0]["hourlyRateUid"]
    hours = {"userId": "u1", "date": "2026-01-10", "hours": 1.5, "hourlyRateUid": rate}
    for path, body in (
        ("items", {"name": "Battery", "quantity": 2, "unitPrice": 10.5}),
        ("events", {"message": "hello", "visibleToCustomer": True}),
        ("hours", hours),
        ("sales-orders", {"customerId": "c1", "orderAddress": ADDRESS}),
    ):
        assert client.post(f"{base}/{path}", json=body).status_code == 201
    create_order(client, "acme", "north")
    for _ in range(2):
        made = client.post(f"{V4}/", json={"name": "Made here", "serviceTypeId": 1})
    assert (
        client.delete(f"{V4}/{made.json()['results']['items'][0]['identity']}").status_code == 200
    )
    return client.get("/_mock/state").json()


@pytest.fixture(scope="module")
def written(client) -> Snapshot:
    return _written(client)


def _put(client: TestClient, snapshot: Any) -> Any:
    return client.put("/_mock/state", content=orjson.dumps(snapshot), headers=_JSON)


_JSON = {"content-type": "application/json"}


def _main_store(snapshot: Snapshot) -> Snapshot:
    return snapshot["orders"]["tenants"][0]["stores"][0]


def _created(snapshot: Snapshot) -> Snapshot:
    """The order a client created in acme/main (the last one)."""
    return _main_store(snapshot)["orders"][-1]


# -- each broken invariant is refused, naming the place --------------------------

Breakage = Callable[[Snapshot], None]


def _set(path: str, value: Any) -> Breakage:
    """Set ``value`` at a dotted path (``[-1]``-style list indexes allowed)."""

    def apply(snapshot: Snapshot) -> None:
        *parents, last = _steps(path)
        node: Any = snapshot
        for step in parents:
            node = node[step]
        node[last] = value

    return apply


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        steps.append(int(part) if part.lstrip("-").isdigit() else part)
    return steps


def _duplicate(path: str, index: int = 0) -> Breakage:
    def apply(snapshot: Snapshot) -> None:
        node: Any = snapshot
        for step in _steps(path):
            node = node[step]
        node.append(copy.deepcopy(node[index]))

    return apply


def _copy_field(path: str, source: str) -> Breakage:
    def apply(snapshot: Snapshot) -> None:
        node: Any = snapshot
        for step in _steps(source):
            node = node[step]
        _set(path, copy.deepcopy(node))(snapshot)

    return apply


def _drop(path: str) -> Breakage:
    def apply(snapshot: Snapshot) -> None:
        *parents, last = _steps(path)
        node: Any = snapshot
        for step in parents:
            node = node[step]
        del node[last]

    return apply


TENANT = "orders.tenants[0]"
STORE = f"{TENANT}.stores[0]"
ORDER = f"{STORE}.orders[-1]"
#: (what breaks, where the 400 must point, what it must say)
BREAKAGES: dict[str, tuple[Breakage, str, str]] = {
    "ids counter below an id it issued": (
        _set("orders.idsIssued", 1),
        "orders.tenants[0].stores[0].orders[2].order.items[0].itemUid",
        "past orders.idsIssued",
    ),
    "ids counter near 2^64": (_set("orders.idsIssued", 2**64 - 1), "orders.idsIssued", "maximum"),
    "service number counter not past a number": (
        _set(f"{STORE}.nextNumber", 10001),
        "orders.tenants[0].stores[0].nextNumber (tenant 'acme', store 'main')",
        "is not past orders.tenants[0].stores[0].orders[2].order.serviceNumber",
    ),
    "service number counter near 2^64": (
        _set(f"{STORE}.nextNumber", 2**64 - 1),
        "stores[0].nextNumber",
        "maximum",
    ),
    "sales number counter not past a number": (
        _set(f"{STORE}.nextSalesNumber", 1),
        "nextSalesNumber",
        "is not past orders.tenants[0].stores[0].orders[2].salesOrders[0].orderNumber",
    ),
    "v4 counter below an identity": (
        _set("services.lastIdentity", 1100),
        "services.services[100].identity",
        "past services.lastIdentity",
    ),
    "v4 counter past the spec's range": (
        _set("services.lastIdentity", IDENTITY_MAX + 1),
        "services.lastIdentity",
        "maximum",
    ),
    "no v4 lookup table": (_drop("services.lookups.taxCodes"), "services.lookups", "taxCodes"),
    "an unknown lookup table": (
        _copy_field("services.lookups.extra", "services.lookups.taxCodes"),
        "services.lookups",
        "extra is not a lookup table",
    ),
    "leap second": (
        _set(f"{ORDER}.order.createdAt", "2026-06-30T23:59:60Z"),
        "orders[2].order.createdAt (tenant 'acme', store 'main')",
        "no second 60",
    ),
    "year 0000": (
        _set(f"{ORDER}.events[0].createdAt", "0000-01-01T00:00:00Z"),
        "orders[2].events[0].createdAt",
        "year 0000",
    ),
    "an offset timestamp": (
        _set("services.services[0].created", "2026-01-01T10:00:00+02:00"),
        "services.services[0].created",
        "UTC timestamp",
    ),
    "a due date in year 0": (_set(f"{ORDER}.order.dueDate", "0000-01-01"), "dueDate", "date"),
    "duplicate tenant": (_duplicate("orders.tenants"), "orders.tenants[1].tenantId", "unique"),
    "duplicate store": (
        _duplicate(f"{TENANT}.stores"),
        "orders.tenants[0].stores[2].storeId",
        "already the storeId of orders.tenants[0].stores[0]",
    ),
    "duplicate order": (_duplicate(f"{STORE}.orders"), "orders[3].serviceOrderUid", "unique"),
    "duplicate item": (_duplicate(f"{ORDER}.order.items"), "items[1].itemUid", "unique"),
    "duplicate service": (_duplicate("services.services"), "services.services[", "unique"),
    "duplicate lookup row": (
        _duplicate("services.lookups.owners"),
        "services.lookups.owners[8].identity",
        "unique",
    ),
    "duplicate service number": (
        _copy_field(f"{ORDER}.order.serviceNumber", f"{STORE}.orders[0].order.serviceNumber"),
        "orders[2].order.serviceNumber",
        "repeats the number of",
    ),
    "empty uid": (_set(f"{ORDER}.order.serviceOrderUid", ""), "serviceOrderUid", "cannot be an id"),
    "uid with a slash": (_set(f"{ORDER}.events[0].eventUid", "a/b"), "eventUid", "cannot be"),
    "positions not 1..n": (
        _set(f"{TENANT}.statuses[0].position", 9),
        "orders.tenants[0].statuses (tenant 'acme')",
        "not exactly 1..",
    ),
    "identity past the spec's range": (
        _set("services.services[0].identity", 2**31),
        "services.services[0].identity",
        "maximum",
    ),
    "NUL in a string": (_set(f"{ORDER}.order.title", "a\x00b"), "order.title", "NUL"),
    "NUL in a key": (_set(f"{ORDER}.order.customer", {"na\x00me": "x"}), "customer", ""),
    "unknown service type": (
        _set(f"{ORDER}.order.serviceTypeUid", "nope"),
        "order.serviceTypeUid",
        "serviceTypes",
    ),
    "unknown status": (_set(f"{ORDER}.order.statusUid", "nope"), "order.statusUid", "statuses"),
    "unknown hourly rate": (
        _set(f"{ORDER}.hours[0].hourlyRateUid", "nope"),
        "hours[0].hourlyRateUid",
        "hourlyRates",
    ),
    "an hours amount that is not hours x unitPrice": (
        _set(f"{ORDER}.hours[0].unitPrice", 1234.5),
        "hours[0].amount",
        "hours x unitPrice",
    ),
    "totals that do not add up": (
        _set(f"{ORDER}.order.totals.total", 1.0),
        "order.totals",
        "add up",
    ),
    "unknown lookup id": (
        _set("services.services[0].serviceTypeId", 99),
        "services.services[0].serviceTypeId",
        "serviceTypes table",
    ),
    "unknown owner": (_set("services.ownerId", 99), "services.ownerId", "owners"),
    "id differs from identity": (_set("services.services[0].id", 5), "services.services[0].id", ""),
    "share plan of an unknown service": (
        _set("services.sharePlans[0].serviceIds", [999999]),
        "services.sharePlans[0].serviceIds[0]",
        "not the identity of a service",
    ),
    "a share plan naming a service twice": (
        _set("services.sharePlans[0].serviceIds", [1001, 1001]),
        "services.sharePlans[0].serviceIds",
        "unique",
    ),
    "no staff to seed a new store with": (_set(f"{TENANT}.staff", []), "staff", ""),
    "no hourly rates to seed a new store with": (
        _set(f"{TENANT}.hourlyRates", []),
        "hourlyRates",
        "",
    ),
    "a negative seed": (_set("seed", -1), "seed", "minimum"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_a_snapshot_breaking_an_invariant_is_refused_naming_the_place(client, written, name):
    breakage, where, says = BREAKAGES[name]
    assert _put(client, written).status_code == 200
    before = client.get("/_mock/state").content
    broken = copy.deepcopy(written)
    breakage(broken)
    problem = assert_problem(_put(client, broken), 400, says)
    assert where in problem["detail"], problem["detail"]
    assert client.get("/_mock/state").content == before  # nothing changed


def test_the_state_file_at_start_is_checked_the_same_way(tmp_path, written):
    state = tmp_path / "state.json"
    broken = copy.deepcopy(written)
    _set(f"{ORDER}.order.title", "a\x00b")(broken)
    state.write_bytes(orjson.dumps(broken))
    with pytest.raises(Exception, match="NUL") as raised:
        Runtime(Settings(state_file=state))
    assert "order.title" in str(getattr(raised.value, "detail", raised.value))


# -- what the server reaches, it takes back --------------------------------------


def test_an_exported_state_imports_back_byte_identical(client, written):
    assert _put(client, written).status_code == 200
    first = client.get("/_mock/state").content
    assert _put(client, orjson.loads(first)).status_code == 200
    assert client.get("/_mock/state").content == first


@pytest.mark.parametrize("scenario", ["busy-store", "catalogue", "empty", "overdue-and-urgent"])
def test_every_shipped_scenario_exports_a_state_the_importer_takes(scenario):
    exported = Runtime(Settings(scenario=scenario)).export_state()
    fresh = Runtime(Settings())
    fresh.import_state(exported)
    assert orjson.dumps(fresh.export_state()) == orjson.dumps(exported)


def _exhaust_numbers(snapshot: Snapshot) -> tuple[str, dict[str, Any]]:
    _main_store(snapshot)["nextNumber"] = COUNTER_MAX + 1  # every number issued
    return "", {"title": "x", "serviceTypeUid": _created(snapshot)["order"]["serviceTypeUid"]}


def _exhaust_ids(snapshot: Snapshot) -> tuple[str, dict[str, Any]]:
    snapshot["orders"]["idsIssued"] = COUNTER_MAX - 1  # fewer left than a write may need
    return f"/{_created(snapshot)['order']['serviceOrderUid']}/items", {"name": "x"}


@pytest.mark.parametrize(
    ("exhaust", "says"),
    [(_exhaust_numbers, "service number of this store"), (_exhaust_ids, "id")],
)
def test_counters_at_their_bound_refuse_writes_with_409_and_stay_importable(
    client, written, exhaust, says
):
    full = copy.deepcopy(written)
    path, body = exhaust(full)
    assert _put(client, full).status_code == 200
    before = client.get("/_mock/state").content
    created = client.post(f"/v1/tenants/acme/stores/main/service-orders{path}", json=body)
    assert_problem(created, 409, f"every {says} up to {COUNTER_MAX}")
    assert client.get("/_mock/state").content == before
    assert _put(client, orjson.loads(before)).status_code == 200


# -- older versions ------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["state-v1-written.json", "state-v1-empty-scenario.json"])
def test_a_version_1_snapshot_of_main_still_loads(client, fixture):
    old = orjson.loads((DATA / fixture).read_bytes())
    assert old["version"] == 1
    assert _put(client, old).status_code == 200
    now = client.get("/_mock/state").json()
    assert now["version"] == 3
    # Migration (only) derives the v4 high-water mark from the data.
    assert now["services"]["lastIdentity"] == max(
        s["identity"] for s in old["services"]["services"]
    )
    # Migration gives each hours entry the unit price it was booked at; nothing else changes.
    entries = [
        entry
        for tenant in now["orders"]["tenants"]
        for store in tenant["stores"]
        for bundle in store["orders"]
        for entry in bundle["hours"]
    ]
    assert entries or fixture == "state-v1-empty-scenario.json"
    for entry in entries:
        assert line_amount(entry["hours"], entry.pop("unitPrice")) == entry["amount"]
    assert now["orders"]["tenants"] == old["orders"]["tenants"]
    assert _put(client, client.get("/_mock/state").json()).status_code == 200
    for tenant in old["orders"]["tenants"]:
        for store in tenant["stores"]:
            uids = {bundle["order"]["serviceOrderUid"] for bundle in store["orders"]}
            made = create_order(client, tenant["tenantId"], store["storeId"])
            assert made["serviceOrderUid"] not in uids


# -- properties ----------------------------------------------------------------

PROPERTY = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_TRICKY = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, -1, 2**31 - 1, 2**31, 2**53, 2**63, 2**64 - 1, 1.5, 1e308]),
    st.sampled_from(
        [
            "",
            "a/b",
            "x\x00y",
            "2026-06-30T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "0000-01-01",
            "2026-02-30",
            "SO-1",
            "AO-1",
            "NEW",
            "EUR",
        ]
    ),
    st.text(max_size=5),
    st.lists(st.integers(min_value=0, max_value=1300), max_size=3),
)


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        found = [path] if path else []
        return found + [leaf for k, v in node.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(node, list):
        found = [path]
        return found + [leaf for i, v in enumerate(node) for leaf in _leaves(v, (*path, i))]
    return [path]


def _mutate(snapshot: Snapshot, data: st.DataObject) -> Snapshot:
    """A few edits at random places: a value replaced (by a tricky one, or by the
    value of another place), a list item repeated, a key dropped."""
    mutated = copy.deepcopy(snapshot)
    for _ in range(data.draw(st.integers(1, 3))):
        places = _leaves(mutated)
        path = data.draw(st.sampled_from(places))
        *parents, last = path
        node: Any = mutated
        for step in parents:
            node = node[step]
        action = data.draw(st.sampled_from(["value", "other", "repeat", "drop"]))
        target = node[last]
        if action == "repeat" and isinstance(target, list) and target:
            target.append(copy.deepcopy(target[data.draw(st.integers(0, len(target) - 1))]))
        elif action == "drop" and isinstance(node, dict):
            del node[last]
        elif action == "other":
            other: Any = mutated
            for step in data.draw(st.sampled_from(places)):
                other = other[step]
            node[last] = copy.deepcopy(other)
        else:
            node[last] = data.draw(_TRICKY)
    return mutated


def _assert_served(client: TestClient, snapshot: Snapshot) -> None:
    """Every read of the state answers below 500, and writes go on from it."""

    def ok(response: Any) -> Any:
        assert response.status_code < 500, (response.request.url, response.text)
        return response

    for tenant in snapshot["orders"]["tenants"]:
        t = f"/v1/tenants/{tenant['tenantId']}"
        for listing in ("service-types", "service-statuses", "hourly-rates"):
            ok(client.get(f"{t}/{listing}"))
        ok(client.get(f"{t}/stores/a-new-store/service-orders"))
        for store in tenant["stores"]:
            s = f"{t}/stores/{store['storeId']}/service-orders"
            for sort in ("serviceNumber", "title", "state", "priority", "createdAt", "dueDate"):
                ok(client.get(s, params={"sort": sort, "order": "DESC"}))
            ok(client.get(s, params={"states": "NEW", "priorities": "HIGH"}))
            ok(client.post(f"{s}/search", json={"query": "a", "createdFrom": "2025-01-01"}))
            for bundle in store["orders"]:
                o = f"{s}/{bundle['order']['serviceOrderUid']}"
                got = ok(client.get(o)).json()
                for child in ("events", "hours", "notifications", "sales-orders"):
                    ok(client.get(f"{o}/{child}"))
                ok(client.get(f"{o}/report", headers={"accept": "application/json"}))
                public = f"{t}/stores/{store['storeId']}/public/service-orders"
                ok(client.get(f"{public}/{got['publicHash']}"))
            held = len(store["orders"])
            made = ok(
                client.post(
                    s,
                    json={
                        "title": "x",
                        "serviceTypeUid": tenant["serviceTypes"][0]["serviceTypeUid"],
                    },
                )
            )
            if made.status_code == 201:  # a new order, not one written over
                assert ok(client.get(s)).json()["meta"]["totalItems"] == held + 1
    for path in (
        "/",
        "/Paged?pageSize=1000",
        "/Paged/Detail?pageSize=1000",
        "/AvailableFor/SharePlans",
    ):
        ok(client.get(f"{V4}{path}"))
    search = {"query": {"search": [{"name": "name", "operator": "contains", "value": "a"}]}}
    ok(client.post(f"{V4}/Search", json=search))
    identities = {s["identity"] for s in snapshot["services"]["services"]}
    made = ok(client.post(f"{V4}/", json={"name": "New", "serviceTypeId": 1}))
    if made.status_code == 200:
        assert made.json()["results"]["items"][0]["identity"] not in identities


@PROPERTY
@given(data=st.data())
def test_any_snapshot_the_importer_accepts_can_be_served(client, written, data):
    mutated = _mutate(written, data)
    assert _put(client, written).status_code == 200
    before = client.get("/_mock/state").content
    answer = _put(client, mutated)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        assert client.get("/_mock/state").content == before
        return
    exported = client.get("/_mock/state").content
    assert _put(client, orjson.loads(exported)).status_code == 200
    assert client.get("/_mock/state").content == exported
    _assert_served(client, orjson.loads(exported))
    assert _put(client, orjson.loads(client.get("/_mock/state").content)).status_code == 200


_STEPS = st.lists(
    st.sampled_from(
        [
            "order",
            "item",
            "event",
            "hours",
            "state",
            "sales",
            "delete",
            "status",
            "rate",
            "service",
            "unservice",
            "patch",
        ]
    ),
    min_size=1,
    max_size=12,
)


def _step(client: TestClient, step: str, tenant: str) -> None:
    """One client write; it may fail (an order may be gone), never with a 5xx."""
    s = f"/v1/tenants/{tenant}/stores/main/service-orders"
    orders = client.get(s, params={"sort": "createdAt", "order": "DESC", "perPage": 1}).json()
    last = orders["data"][0]["serviceOrderUid"] if orders["data"] else "none"
    type_uid = client.get(f"/v1/tenants/{tenant}/service-types").json()["data"][0]["serviceTypeUid"]
    hours = {"userId": "u1", "date": "2026-01-10", "hours": 2}
    requests = {
        "order": ("POST", s, {"title": "t", "serviceTypeUid": type_uid}),
        "item": ("POST", f"{s}/{last}/items", {"name": "n", "unitPrice": 3.3}),
        "event": ("POST", f"{s}/{last}/events", {"message": "m", "visibleToCustomer": True}),
        "hours": ("POST", f"{s}/{last}/hours", hours),
        "state": ("PUT", f"{s}/{last}", {"state": "DONE"}),
        "sales": ("POST", f"{s}/{last}/sales-orders", {"customerId": "c", "orderAddress": ADDRESS}),
        "delete": ("DELETE", f"{s}/{last}", None),
        "status": ("POST", f"/v1/tenants/{tenant}/service-statuses", {"name": "S", "position": 2}),
        "rate": ("POST", f"/v1/tenants/{tenant}/hourly-rates", {"name": "R", "price": 9.99}),
        "service": ("POST", f"{V4}/", {"name": "New", "serviceTypeId": 1}),
        "unservice": ("DELETE", f"{V4}/{max_identity(client)}", None),
        "patch": (
            "PATCH",
            f"{V4}/1001",
            {
                "details": {},
                "services": {
                    "items": [
                        {"patchType": "create", "patchClientId": 1, "name": "P", "serviceTypeId": 2}
                    ]
                },
            },
        ),
    }
    method, path, body = requests[step]
    answer = client.request(method, path, json=body)
    assert answer.status_code < 500, answer.text


def max_identity(client: TestClient) -> int:
    items = client.get(f"{V4}/Paged", params={"pageSize": 1000}).json()["pagedResults"]["items"]
    return max((i["identity"] for i in items), default=1)


@PROPERTY
@given(steps=_STEPS)
def test_export_import_export_is_the_identity_for_states_clients_reach(client, steps):
    client.post("/_mock/reset", json={})
    for step in steps:
        _step(client, step, "prop")
    exported = client.get("/_mock/state").content
    other = create_app(Settings(validate_responses=True, orders_per_store=2))
    with TestClient(other) as fresh:
        assert _put(fresh, orjson.loads(exported)).status_code == 200
        assert fresh.get("/_mock/state").content == exported
