"""A collection added to a copy of ``service-orders.yaml`` (``parts`` under a
service order) is served by the real app with no Python change: the engine's
generic dispatch serves each of its operations, its records held per order in the
runtime; every other operation behaves as before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from connexion.exceptions import ResolverError
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.app.operations import App
from servicestub.engine.dispatch import DEFAULT_SEED_COUNT, MAX_SEED_COUNT
from servicestub.engine.ids import UidCodec
from servicestub.engine.model import SEED_COUNT_EXTENSION, ModelError
from servicestub.specs import served_apis
from tests.api.helpers import assert_problem, create_order, store_path
from tests.engine.specs import PARTS, orders_with_parts
from tests.oapi import CheckedClient


def write_spec(folder: Path, document: dict[str, Any]) -> Path:
    path = folder / "service-orders.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec"), orders_with_parts())


@pytest.fixture(scope="module")
def parts_app(spec_file: Path) -> App:
    return create_app(Settings(validate_responses=True, spec_files=(("orders", spec_file),)))


@pytest.fixture(scope="module")
def client(parts_app: App, spec_file: Path) -> Iterator[CheckedClient]:
    """Every exchange checked with openapi-core against the spec copy."""
    specs = served_apis((("orders", spec_file),))
    with TestClient(parts_app, raise_server_exceptions=False) as test_client:
        yield CheckedClient(test_client, specs)


def parts_of(tenant: str, order: dict[str, Any]) -> str:
    return f"{store_path(tenant)}/service-orders/{order['serviceOrderUid']}/parts"


def _uid(part: dict[str, Any]) -> str:
    return str(part["partUid"])


def all_parts(client: CheckedClient, parts: str) -> list[dict[str, Any]]:
    """Every part listed under ``parts`` (one page holds them all here)."""
    body = client.get(parts, params={"perPage": 100}).json()
    assert body["meta"]["totalPages"] <= 1
    records: list[dict[str, Any]] = body["data"]
    return records


def test_create_reads_back_with_its_location_and_the_spec_defaults(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    created = client.post(parts, json={"name": "Screen"})
    assert created.status_code == 201, created.text
    part = created.json()
    assert part == {
        "partUid": part["partUid"],
        "name": "Screen",
        "quantity": 1,
        "note": None,
        "createdAt": part["createdAt"],
    }
    assert created.headers["Location"] == f"{parts}/{part['partUid']}"
    assert client.get(f"{parts}/{part['partUid']}").json() == part
    updated = client.put(f"{parts}/{part['partUid']}", json={"quantity": 3, "note": "OEM"})
    assert updated.json() == {**part, "quantity": 3, "note": "OEM"}
    assert client.delete(f"{parts}/{part['partUid']}").status_code == 204
    assert_problem(client.get(f"{parts}/{part['partUid']}"), 404, "does not exist")


def test_a_collection_without_rules_follows_the_apis_conventions(client, tenant):
    """No rule module: the Service Orders API's own conventions still hold (its list
    envelope; a blank in a nullable field is null, as for every written collection)."""
    parts = parts_of(tenant, create_order(client, tenant))
    part = client.post(parts, json={"name": "Screen", "note": ""}).json()
    assert part["note"] is None
    noted = client.put(f"{parts}/{part['partUid']}", json={"note": "OEM"}).json()
    assert client.put(f"{parts}/{noted['partUid']}", json={"note": ""}).json()["note"] is None
    listed = client.get(parts, params={"perPage": 2}).json()
    assert set(listed) == {"data", "meta"}
    assert set(listed["meta"]) == {"page", "perPage", "totalItems", "totalPages"}


@settings(max_examples=15, derandomize=True, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["a", "B", "c"]), st.integers(0, 4)), max_size=7),
    sort=st.sampled_from(["name", "quantity", "createdAt"]),
    descending=st.booleans(),
    per_page=st.integers(1, 3),
)
def test_lists_page_and_sort_as_the_spec_says(client, rows, sort, descending, per_page):
    tenant = f"pages-{len(rows)}-{sort}-{descending}-{per_page}"
    parts = parts_of(tenant, create_order(client, tenant))
    seeded = all_parts(client, parts)
    made = [client.post(parts, json={"name": n, "quantity": q}).json() for n, q in rows]
    total = len(seeded) + len(rows)
    order = "DESC" if descending else "ASC"
    pages = [
        client.get(parts, params={"sort": sort, "order": order, "page": n, "perPage": per_page})
        for n in range(1, total // per_page + 2)
    ]
    listed = [p for page in pages for p in page.json()["data"]]
    assert pages[0].json()["meta"] == {
        "page": 1,
        "perPage": per_page,
        "totalItems": total,
        "totalPages": -(-total // per_page),
    }
    assert sorted(p["partUid"] for p in listed) == sorted(p["partUid"] for p in seeded + made)
    keys = [(p[sort], p["partUid"]) for p in listed]
    assert keys == sorted(keys, reverse=descending)


def test_the_default_sort_is_the_spec_default(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    for name in ("c", "a", "b"):
        client.post(parts, json={"name": name})
    names = [p["name"] for p in client.get(parts).json()["data"]]
    assert len(names) == 8 and names == sorted(names)


def test_an_unknown_order_store_or_tenant_part_is_a_404_and_pins_nothing(client, parts_app):
    tenant = "no-such-order"
    parts = f"{store_path(tenant)}/service-orders/00000000-0000-4000-8000-000000000000/parts"
    for response in (
        client.get(parts),
        client.post(parts, json={"name": "Screen"}),
        client.get(f"{parts}/p1"),
        client.put(f"{parts}/p1", json={"quantity": 1}),
        client.delete(f"{parts}/p1"),
    ):
        assert_problem(response, 404, "Service order '00000000-0000-4000-8000-000000000000'")
    assert not [key for key in parts_app.runtime.held.groups if ("tenantId", tenant) in key[2]]
    held = {t.tenant_id: t.dirty for t in parts_app.runtime.orders.tenants()}
    assert held.get(tenant) is not True  # a failed write pins no tenant


def test_an_unknown_part_is_a_404_naming_the_order(client, tenant):
    order = create_order(client, tenant)
    body = assert_problem(client.get(f"{parts_of(tenant, order)}/nope"), 404, "Part 'nope'")
    assert f"on service order '{order['serviceOrderUid']}'" in body["detail"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x", "quantity": "many"}, "quantity"),
        ({"name": "x", "quantity": -1}, "quantity"),
        ({"name": "x", "colour": "red"}, "colour"),
    ],
)
def test_a_body_the_spec_refuses_is_a_400_and_creates_nothing(client, tenant, body, says):
    parts = parts_of(tenant, create_order(client, tenant))
    before = all_parts(client, parts)
    assert_problem(client.post(parts, json=body), 400, says)
    assert all_parts(client, parts) == before


def test_a_parameter_the_spec_refuses_is_a_400(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    assert_problem(client.get(parts, params={"sort": "colour"}), 400, "sort")
    assert_problem(client.get(parts, params={"perPage": 0}), 400, "perPage")


def test_a_refused_update_changes_nothing(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    part = client.post(parts, json={"name": "Screen", "note": "x"}).json()
    assert_problem(client.put(f"{parts}/{part['partUid']}", json={"name": None}), 400, "name")
    assert client.get(f"{parts}/{part['partUid']}").json() == part


def test_two_orders_parts_are_apart(client, tenant):
    first, second = create_order(client, tenant), create_order(client, tenant)
    seeded = all_parts(client, parts_of(tenant, first))
    made = client.post(parts_of(tenant, first), json={"name": "Screen"}).json()
    others = all_parts(client, parts_of(tenant, second))
    assert made not in others and not {p["partUid"] for p in others} & {
        p["partUid"] for p in seeded
    }
    assert_problem(client.get(f"{parts_of(tenant, second)}/{made['partUid']}"), 404)
    assert sorted(map(str, all_parts(client, parts_of(tenant, first)))) == sorted(
        map(str, [*seeded, made])
    )


def test_a_write_pins_the_tenant_like_any_other(client, parts_app):
    tenant = "pinned-by-a-part"
    order = client.get(f"{store_path(tenant)}/service-orders").json()["data"][0]
    held = {t.tenant_id: t for t in parts_app.runtime.orders.tenants()}
    assert not held[tenant].dirty  # only read so far
    client.post(parts_of(tenant, order), json={"name": "Screen"})
    assert held[tenant].dirty


def test_dropping_the_tenant_drops_its_parts(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    part = client.post(parts, json={"name": "Screen"}).json()
    assert client.delete(f"/_mock/tenants/{tenant}").status_code == 204
    assert_problem(client.get(f"{parts}/{part['partUid']}"), 404)


def test_reset_drops_every_part(client, parts_app, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    client.post(parts, json={"name": "Screen"})
    assert parts_app.runtime.held.groups
    assert client.post("/_mock/reset", json={}).status_code == 200
    assert not parts_app.runtime.held.groups


def test_a_deleted_order_takes_its_parts_along(client, parts_app, tenant):
    order = create_order(client, tenant)
    parts = parts_of(tenant, order)
    client.post(parts, json={"name": "Screen"})
    path = f"{store_path(tenant)}/service-orders/{order['serviceOrderUid']}"
    assert client.delete(path).status_code == 204
    state = client.get("/_mock/state").json()  # before the parts are asked for again
    assert not [g for g in state["held"]["groups"] if g["scope"]["tenantId"] == tenant]
    assert client.put("/_mock/state", json=state).status_code == 200
    assert_problem(client.get(parts), 404, "Service order")
    assert not [k for k in parts_app.runtime.held.groups if (("tenantId", tenant) in k[2])]


def test_a_405_on_the_new_path_names_its_methods(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    response = client.raw.patch(parts, json={})
    assert_problem(response, 405)
    assert response.headers["Allow"] == "GET, POST"


def test_the_other_operations_answer_as_on_the_packaged_spec(client, module_client):
    """The same reads, from the app of the copy and from the usual app."""
    for path in (
        "/v1/tenants/same/stores/1/service-orders?perPage=3",
        "/v1/tenants/same/service-types",
        "/v1/tenants/same/hourly-rates",
        "/api/v4/Service/Paged?pageSize=2",
    ):
        ours, theirs = client.get(path), module_client.get(path)
        assert ours.status_code == theirs.status_code == 200, (path, ours.text, theirs.text)
        body, usual = ours.json(), theirs.json()
        body.pop("trackingId", None), usual.pop("trackingId", None)
        assert body == usual


def test_an_operation_id_that_is_no_collection_operation_still_fails_at_start(tmp_path):
    document = orders_with_parts()
    document["paths"]["/tenants/{tenantId}/ping"] = {
        "parameters": [{"$ref": "#/components/parameters/TenantId"}],
        "get": {"operationId": "parts.ping", "responses": {"204": {"description": "pong"}}},
    }
    app = create_app(Settings(spec_files=(("orders", write_spec(tmp_path, document)),)))
    refused = r"'parts\.ping' has no handler: write `async def ping\(`"
    with pytest.raises(ResolverError, match=refused), TestClient(app):
        pass


def test_a_collection_half_written_is_not_served_by_the_engine(tmp_path):
    """An operation added to a collection whose records written handlers keep
    (service types) is not taken by the engine, which would keep them elsewhere."""
    document = orders_with_parts()
    item = document["paths"]["/tenants/{tenantId}/service-types/{serviceTypeUid}"]
    item["delete"] = {
        "operationId": "service_types.delete_service_type",
        "responses": {"204": {"description": "gone"}},
    }
    app = create_app(Settings(spec_files=(("orders", write_spec(tmp_path, document)),)))
    refused = re.escape("other operations of /tenants/{tenantId}/service-types have handlers")
    with pytest.raises(ResolverError, match=refused), TestClient(app):
        pass


# -- snapshots -----------------------------------------------------------------


def test_a_snapshot_keeps_the_parts_and_a_fresh_server_serves_them_back(client, spec_file, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    seeded = all_parts(client, parts)
    made = [client.post(parts, json={"name": n}).json() for n in ("Screen", "Battery")]
    state = client.get("/_mock/state").json()
    assert state["version"] == 3
    (group,) = [g for g in state["held"]["groups"] if g["scope"]["tenantId"] == tenant]
    assert group["collection"].endswith("/parts")
    kept, added = group["records"][: len(seeded)], group["records"][len(seeded) :]
    assert sorted(kept, key=_uid) == sorted(seeded, key=_uid) and added == made
    fresh = create_app(Settings(spec_files=(("orders", spec_file),)))
    with TestClient(fresh) as other:
        assert other.put("/_mock/state", json=state).status_code == 200
        listed = other.get(parts, params={"perPage": 100}).json()["data"]
        assert listed == sorted([*seeded, *made], key=lambda p: (p["name"], p["partUid"]))
        assert other.get("/_mock/state").json() == state  # taken back unchanged
        # Ids go on from the orders counter: a new part's is new.
        assert other.post(parts, json={"name": "Cable"}).json()["partUid"] not in {
            p["partUid"] for p in made
        }


def _refused(client: CheckedClient, state: dict[str, Any], says: str) -> None:
    before = client.get("/_mock/state").json()
    assert_problem(client.put("/_mock/state", json=state), 400, says)
    assert client.get("/_mock/state").json() == before  # nothing changed


def test_a_snapshot_with_parts_the_server_cannot_serve_is_refused_and_changes_nothing(
    client, tenant
):
    order = create_order(client, tenant)
    client.post(parts_of(tenant, order), json={"name": "Screen"})
    state = client.get("/_mock/state").json()
    index = next(
        i for i, g in enumerate(state["held"]["groups"]) if g["scope"]["tenantId"] == tenant
    )
    group = state["held"]["groups"][index]
    where = f"held.groups[{index}]"

    def changed(**fields: Any) -> dict[str, Any]:
        groups = list(state["held"]["groups"])
        groups[index] = {**group, **fields}
        return {**state, "held": {**state["held"], "groups": groups}}

    _refused(client, changed(collection="/nowhere"), f"{where}.collection")
    _refused(client, changed(scope={"tenantId": tenant}), f"{where}.scope")
    gone = {**group["scope"], "serviceOrderUid": "00000000-0000-4000-8000-000000000000"}
    _refused(client, changed(scope=gone), "Service order '00000000-0000-4000-8000-000000000000'")
    twice = [group["records"][0], group["records"][0]]
    _refused(client, changed(records=twice), "must be unique")
    # An id the orders counter has not issued yet would be issued again.
    unissued = UidCodec(state["seed"]).uid(state["orders"]["idsIssued"] + 1)
    ahead = [{**group["records"][0], "partUid": unissued}]
    _refused(client, changed(records=ahead), f"{where}.records[0].partUid")


def test_a_version_2_snapshot_still_loads_with_no_parts(client):
    state = client.get("/_mock/state").json()
    older = {k: v for k, v in state.items() if k != "held"} | {"version": 2}
    assert client.put("/_mock/state", json=older).status_code == 200
    assert client.get("/_mock/state").json()["held"] == {"idsIssued": 0, "groups": []}


# -- seeded records ------------------------------------------------------------


def _reference_time(client: CheckedClient) -> str:
    return str(client.get("/_mock/health").json()["referenceTime"])


def test_a_clean_scope_reads_as_its_seeded_records_and_holds_nothing(client, parts_app):
    """Records that validate (the app validates responses, the client checks them
    with openapi-core), before the reference time, each readable by its id; read
    again identically; the read neither holds a group nor pins the tenant."""
    tenant = "seeded-by-a-read"
    order = client.get(f"{store_path(tenant)}/service-orders").json()["data"][0]
    parts = parts_of(tenant, order)
    seeded = all_parts(client, parts)
    assert len(seeded) == DEFAULT_SEED_COUNT
    assert len({p["partUid"] for p in seeded}) == len(seeded)
    assert all(p["createdAt"] < _reference_time(client) for p in seeded)
    for part in seeded:
        assert client.get(f"{parts}/{part['partUid']}").json() == part
    assert all_parts(client, parts) == seeded
    assert not [key for key in parts_app.runtime.held.groups if ("tenantId", tenant) in key[2]]
    held = {t.tenant_id: t.dirty for t in parts_app.runtime.orders.tenants()}
    assert held.get(tenant) is not True


def test_a_write_keeps_the_seeded_records_with_the_change(client, parts_app, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    first, *rest = all_parts(client, parts)
    changed = client.put(f"{parts}/{first['partUid']}", json={"quantity": 42}).json()
    assert changed == {**first, "quantity": 42}
    made = client.post(parts, json={"name": "Cable"}).json()
    assert made["partUid"] not in {p["partUid"] for p in rest}
    assert sorted(all_parts(client, parts), key=_uid) == sorted([changed, *rest, made], key=_uid)


def test_an_emptied_seeded_scope_stays_empty_and_its_snapshot_says_so(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    for part in all_parts(client, parts):
        assert client.delete(f"{parts}/{part['partUid']}").status_code == 204
    assert all_parts(client, parts) == []
    state = client.get("/_mock/state").json()
    (group,) = [g for g in state["held"]["groups"] if g["scope"]["tenantId"] == tenant]
    assert group["records"] == []
    assert client.put("/_mock/state", json=state).status_code == 200
    assert all_parts(client, parts) == []


def test_the_seeded_records_are_the_seeds_and_a_snapshot_brings_its_seed(spec_file):
    """The same seed and scope give the same records in another server; reset with
    another seed gives others; a snapshot's unwritten scopes read as its seed's."""

    def seeded_app(seed: int) -> App:
        return create_app(Settings(seed=seed, spec_files=(("orders", spec_file),)))

    tenant = "same-seed"
    with TestClient(seeded_app(1)) as one, TestClient(seeded_app(1)) as same:
        order = one.get(f"{store_path(tenant)}/service-orders").json()["data"][0]
        parts = parts_of(tenant, order)
        first = one.get(parts).json()["data"]
        assert same.get(parts).json()["data"] == first
        state = one.get("/_mock/state").json()
        assert not state["held"]["groups"]  # only written groups are exported
        assert one.post("/_mock/reset", json={"seed": 2}).status_code == 200
        other = one.get(f"{store_path(tenant)}/service-orders").json()["data"][0]
        assert one.get(parts_of(tenant, other)).json()["data"] != first
        with TestClient(seeded_app(3)) as third:
            assert third.put("/_mock/state", json=state).status_code == 200
            assert third.get(parts).json()["data"] == first


def _with_seed_count(**counts: Any) -> dict[str, Any]:
    """The spec copy with ``x-servicestub-seed-count`` on the list operation
    (``listed``) and/or the collection's path item (``path``)."""
    document = orders_with_parts()
    item = document["paths"][PARTS]
    for place, count in counts.items():
        (item if place == "path" else item["get"])[SEED_COUNT_EXTENSION] = count
    return document


@pytest.mark.parametrize(
    ("counts", "expected"),
    [({"listed": 0}, 0), ({"listed": 2}, 2), ({"path": 3}, 3), ({"listed": 1, "path": 4}, 1)],
)
def test_the_seed_count_extension_says_how_many(tmp_path, counts, expected):
    document = _with_seed_count(**counts)
    app = create_app(Settings(spec_files=(("orders", write_spec(tmp_path, document)),)))
    tenant = "counted"
    with TestClient(app) as client:
        order = client.get(f"{store_path(tenant)}/service-orders").json()["data"][0]
        assert client.get(parts_of(tenant, order)).json()["meta"]["totalItems"] == expected


@pytest.mark.parametrize("count", [-1, MAX_SEED_COUNT + 1, "5", True, 2.5])
def test_a_seed_count_that_is_no_count_fails_at_start_saying_so(tmp_path, count):
    document = _with_seed_count(path=count)
    app_settings = Settings(spec_files=(("orders", write_spec(tmp_path, document)),))
    with pytest.raises(ModelError, match=f"{SEED_COUNT_EXTENSION} is {re.escape(repr(count))}"):
        create_app(app_settings)


HOSTILE_SCHEMAS = {
    "huge array": {"type": "array", "minItems": 10**8, "items": {"type": "integer"}},
    "huge string": {"type": "string", "minLength": 10**9},
    "huge object": {"type": "object", "minProperties": 10**7},
    "huge repeat": {"type": "string", "pattern": "^a{100000000}$"},
    "huge nesting": {
        "type": "array",
        "minItems": 1000,
        "items": {"type": "array", "minItems": 1000, "items": {"type": "integer"}},
    },
    "past floats": {"type": "number", "minimum": 1e300, "multipleOf": 1e-300},
    "no integer": {"type": "integer", "minimum": 10, "maximum": 5},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SCHEMAS))
def test_a_part_schema_nothing_can_be_seeded_for_fails_at_start_naming_it(tmp_path, case):
    """A spec whose records cannot be drawn (or only beyond any sane size) stops the
    server at start-up naming the collection - it never hangs, nor fails a request."""
    document = orders_with_parts()
    part = document["components"]["schemas"]["Part"]
    part["properties"]["extra"] = HOSTILE_SCHEMAS[case]
    part["required"] = [*part["required"], "extra"]
    settings_ = Settings(spec_files=(("orders", write_spec(tmp_path, document)),))
    with pytest.raises(ModelError, match=f"{re.escape(PARTS)}: its records cannot be seeded"):
        create_app(settings_)


def test_seeded_records_that_break_their_schema_fail_at_start_naming_it(tmp_path):
    """Five seeded parts with an id of at most 2: the start-up check finds the
    records the schema refuses, rather than answering them as 500s."""
    document = orders_with_parts()
    part = document["components"]["schemas"]["Part"]
    part["properties"]["quantity"] = {"type": "integer", "minimum": 0, "maximum": 2}
    part["properties"]["code"] = {"type": "string", "not": {}}
    part["required"] = [*part["required"], "code"]
    settings_ = Settings(spec_files=(("orders", write_spec(tmp_path, document)),))
    with pytest.raises(ModelError, match=f"{re.escape(PARTS)}: a seeded record breaks its schema"):
        create_app(settings_)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=4,
)


@settings(max_examples=30, derandomize=True, deadline=None)
@given(
    field=st.sampled_from(["partUid", "name", "quantity", "note", "createdAt", "extra"]),
    value=st.none() | _JSON | st.sampled_from(["", "2025-13-01T00:00:00Z", "x y"]),
    drop=st.booleans(),
)
def test_a_snapshot_part_record_is_refused_or_served_whatever_its_fields(
    client, field, value, drop
):
    """A held record changed in any field (or without it) is either refused, changing
    nothing, or taken and then served like any other: listed by every sort and read
    by its id, every answer valid (the app validates responses; the client checks
    them against the spec)."""
    tenant = "held-fields"
    parts = parts_of(tenant, client.get(f"{store_path(tenant)}/service-orders").json()["data"][0])
    client.post(parts, json={"name": "Screen"})
    state = client.get("/_mock/state").json()
    (group,) = [g for g in state["held"]["groups"] if g["scope"]["tenantId"] == tenant]
    record = dict(group["records"][0])
    if drop:
        record.pop(field, None)
    else:
        record[field] = value
    group["records"][0] = record
    before = client.get("/_mock/state").json()
    answer = client.put("/_mock/state", json=state)
    if answer.status_code == 400:
        assert "held.groups[" in answer.json()["detail"]
        assert client.get("/_mock/state").json() == before
        return
    assert answer.status_code == 200, answer.text
    for sort in ("name", "quantity", "createdAt"):
        for order in ("ASC", "DESC"):
            listed = client.get(parts, params={"sort": sort, "order": order, "perPage": 100})
            assert listed.status_code == 200, listed.text
    for part in group["records"]:
        assert client.get(f"{parts}/{part['partUid']}").status_code == 200


def test_a_snapshot_holding_one_scope_in_two_groups_is_refused(client, tenant):
    parts = parts_of(tenant, create_order(client, tenant))
    client.post(parts, json={"name": "Screen"})
    state = client.get("/_mock/state").json()
    groups = state["held"]["groups"]
    index = next(i for i, g in enumerate(groups) if g["scope"]["tenantId"] == tenant)
    again = {**groups[index], "records": []}
    twice = {**state, "held": {**state["held"], "groups": [*groups, again]}}
    _refused(client, twice, f"held.groups[{len(groups)}].scope")
