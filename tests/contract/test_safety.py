"""`servicestub contract --url` against a live target touches only what it created:
every record that was there before is byte-identical afterwards, its own tenant is
gone, and what it created is listed as it goes and can be removed again."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from servicestub.app import create_app
from servicestub.cli import main
from servicestub.contract.created import read
from servicestub.contract.server import serving
from servicestub.core.settings import Settings

#: Not the default seed (42) the spec examples were written from: ids differ.
OTHER_SEED = 7
TENANT_RECORDS = {
    "serviceTypes": "serviceTypeUid",
    "statuses": "statusUid",
    "hourlyRates": "hourlyRateUid",
}
CREATE_ORDER = {"title": "Kept as it is", "customer": {"name": "Pre Existing"}}


def _contract(origin: str, *args: str) -> Any:
    return CliRunner().invoke(main, ["contract", "--url", origin, *args])


def _state(origin: str) -> dict[str, Any]:
    return httpx.get(origin + "/_mock/state").json()


def _existing(state: dict[str, Any]) -> dict[str, str]:
    """Every record of a snapshot (an order with all under it, a type, status, rate,
    v4 service, share plan, lookup table), by a key naming it, as canonical JSON.
    Numbering counters are not records: creating anything advances them."""
    found: dict[str, str] = {}
    for tenant in state["orders"]["tenants"]:
        name = tenant["tenantId"]
        for kind, uid in TENANT_RECORDS.items():
            for record in tenant[kind]:
                found[f"{name} {kind} {record[uid]}"] = json.dumps(record, sort_keys=True)
        for store in tenant["stores"]:
            for bundle in store["orders"]:
                key = f"{name}/{store['storeId']} order {bundle['order']['serviceOrderUid']}"
                found[key] = json.dumps(bundle, sort_keys=True)
    services = state["services"]
    for service in services["services"]:
        found[f"service {service['identity']}"] = json.dumps(service, sort_keys=True)
    for kind in ("lookups", "sharePlans"):
        found[kind] = json.dumps(services[kind], sort_keys=True)
    return found


def _write_to_demo(origin: str) -> None:
    """Make demo/main a written tenant (so the snapshot holds all its records)."""
    base = origin + "/v1/tenants/demo"
    kind = httpx.get(base + "/service-types").json()["data"][0]["serviceTypeUid"]
    answer = httpx.post(
        base + "/stores/main/service-orders", json=CREATE_ORDER | {"serviceTypeUid": kind}
    )
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize(
    "scope",
    [(), ("--tenant", "demo", "--store", "main")],
    ids=["fresh-tenant", "given-tenant-demo-main"],
)
def test_a_live_run_leaves_every_record_it_did_not_create_byte_identical(scope, tmp_path):
    created = tmp_path / "created.jsonl"
    with serving(create_app(Settings(seed=OTHER_SEED)), log_level="error") as origin:
        _write_to_demo(origin)
        before = _existing(_state(origin))
        tenants_before = httpx.get(origin + "/_mock/health").json()["counts"]["tenants"]
        result = _contract(
            origin,
            "--api", "all", "--max-examples", "2", "--seed", "3", "--run-id", "safe",
            "--created-file", str(created), *scope,
        )  # fmt: skip
        assert result.exit_code == 0, result.output[-3000:]
        after = _existing(_state(origin))
        counts = httpx.get(origin + "/_mock/health").json()["counts"]
    changed = sorted(key for key in before if after.get(key) != before[key])
    assert not changed, f"changed or removed by the run: {changed}"
    # Nothing of the run is left: its tenant is dropped, its v4 services deleted.
    assert sorted(set(after) - set(before)) == []
    assert counts["tenants"] == tenants_before
    records = read(created)
    assert any("/v1/" in r.url for r in records) and any("/api/v4/" in r.url for r in records)
    # One scope for every phase, one clean-up at the end of the run.
    tenant, store = scope[1::2] or ("ct3-safe", "st-safe")
    assert f"behaviour: scope {tenant}/{store}" in result.output
    assert result.output.count("run id safe") == result.output.count("clean-up: removed ") == 1
    # The control plane is used only to drop the run's own tenants.
    own = ["ct3-safe-iso"] if scope else ["ct3-safe", "ct3-safe-iso"]
    assert f"servicestub: tenant {' and '.join(own)} is dropped at the end" in result.output
    assert [r.url for r in records[: len(own)]] == [f"{origin}/_mock/tenants/{t}" for t in own]
    assert all("/_mock/" not in r.url for r in records[len(own) :])
    if scope:
        assert "service_types.update_service_type" in result.output  # listed as left out


def _journal(origin: str) -> list[dict[str, Any]]:
    journal = httpx.get(origin + "/_mock/requests", params={"limit": 1000}).json()["data"]
    assert len(journal) < 1000, "the journal overflowed: the test would miss requests"
    return journal


def test_creates_succeed_on_a_target_whose_ids_differ_and_each_is_listed(tmp_path):
    """The spec examples name seed-42 ids; at another seed the run still creates
    orders, their items, events and hours, and v4 services, all in its own scope,
    and lists every one it created in the file."""
    created = tmp_path / "created.jsonl"
    with serving(create_app(Settings(seed=OTHER_SEED)), log_level="error") as origin:
        result = _contract(
            origin,
            "--api", "all", "--phases", "examples,stateful", "--max-examples", "3",
            "--seed", "4", "--run-id", "ids", "--created-file", str(created),
        )  # fmt: skip
        assert result.exit_code == 0, result.output[-3000:]
        journal = _journal(origin)
    scope = "/v1/tenants/ct4-ids/stores/st-ids/service-orders"
    made = [e for e in journal if e["method"] == "POST" and 200 <= e["status"] < 300]
    orders = [e for e in made if e["path"] == scope]
    assert len(orders) >= 2, "no service order was created"
    for child in ("items", "events", "hours"):
        assert any(e["path"].startswith(scope + "/") and e["path"].endswith(child) for e in made)
    services = [e for e in made if e["path"].rstrip("/") == "/api/v4/Service"]
    assert services, "no v4 service was created"
    # No write anywhere but the run's tenant (and the v4 catalogue).
    writes = [e for e in journal if e["method"] not in ("GET", "HEAD", "OPTIONS")]
    outside = [
        f"{e['method']} {e['path']}"
        for e in writes
        if not e["path"].startswith(("/v1/tenants/ct4-ids/", "/api/v4/", "/_mock/tenants/ct4-ids"))
        and not e["path"].endswith("/Search")
    ]
    assert outside == []
    listed = [r.url.removeprefix(origin) for r in read(created)]
    listed_orders = [url for url in listed if url.rsplit("/", 1)[0] == scope]
    listed_services = [url for url in listed if url.startswith("/api/v4/Service/")]
    assert len(set(listed_orders)) == len(orders)
    assert len(set(listed_services)) >= len(services)
