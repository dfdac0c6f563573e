"""The guard of live runs, rule by rule over all inputs: scope pinned in every path
and link, writes only to ids the run created, creates read from the specs' links,
and ``--cleanup`` idempotent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.app import create_app
from servicestub.contract import safety
from servicestub.contract.command import contract
from servicestub.contract.created import CreatedLog
from servicestub.contract.lifecycle import operations
from servicestub.contract.scope import RunScope
from servicestub.contract.server import serving
from servicestub.core.settings import Settings
from servicestub.specs import APIS, ORDERS, SERVICES

SCOPE = RunScope("r1", "ct-r1", "st-r1", Path("/dev/null"), True, "ct-r1-iso")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _guard(tmp_path: Path, *apis: Any) -> safety.Guard:
    scope = RunScope("r1", "ct-r1", "st-r1", tmp_path / "created.jsonl", True, "ct-r1-iso")
    guard = safety.Guard(scope, "http://127.0.0.1:1", {}, 1.0)
    for spec in apis:
        guard.adopt(spec.name, spec.document(), "http://127.0.0.1:1" + spec.base_path)
    return guard


def test_the_scope_is_pinned_in_every_path_operation_and_link():
    for spec in APIS:
        document = spec.document()
        templates = safety.pin_scope(document, SCOPE)
        text = json.dumps(document["paths"])
        assert "{tenantId}" not in text and "{storeId}" not in text
        for path, _method, operation in operations(document).values():
            assert (
                templates[path].replace("{tenantId}", "ct-r1").replace("{storeId}", "st-r1") == path
            )
            names = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
            assert not names & set(safety.SCOPE_PARAMETERS)
        for link in safety._all_links(document):
            assert not set(link.get("parameters") or {}) & set(safety.SCOPE_PARAMETERS)


def test_creates_are_exactly_the_posts_that_make_a_record(tmp_path):
    """Lists and searches never count as creates (their results are not the run's)."""
    guard = _guard(tmp_path, ORDERS, SERVICES)
    creates = set()
    for spec in (ORDERS, SERVICES):
        document = spec.document()
        safety.pin_scope(document, guard.scope)
        rules = guard.rules[spec.name]
        for operation_id, (path, method, _) in operations(document).items():
            if (method, path) in rules.creates:
                creates.add((spec.name, operation_id))
    assert creates == {
        ("orders", "orders.create_service_order"),
        ("orders", "items.create_item"),
        ("orders", "events.create_event"),
        ("orders", "hours.create_hours"),
        ("orders", "statuses.create_service_status"),
        ("orders", "hourly_rates.create_hourly_rate"),
        ("services", "services_v4.create_service"),
        ("services", "services_v4.create_service_slash"),
    }
    assert guard.rules["services"].guarded == {"id": "integer"}
    assert set(guard.rules["orders"].guarded) >= {
        "serviceOrderUid",
        "itemUid",
        "eventUid",
        "hoursUid",
    }


WRITES = st.sampled_from(["put", "patch", "delete", "post"])


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    method=WRITES,
    owned=st.lists(st.integers(1, 50), max_size=3, unique=True),
    asked=st.one_of(st.integers(-5, 60), st.text(max_size=6)),
    body=JSON,
)
def test_a_write_names_only_ids_the_run_created(tmp_path_factory, method, owned, asked, body):
    guard = _guard(tmp_path_factory.mktemp("g"), SERVICES)
    for identity in owned:
        guard._created(guard.rules["services"], {"id": identity}, None)
    params = {"id": asked}
    items = {"services": {"items": [{"patchType": "delete", "identity": asked}, body]}}
    guard.prepare("services", method, "/Service/{id}", params, items, positive_body=False)
    allowed = {str(i) for i in owned} or {"0"}
    assert str(params["id"]) in allowed
    for holder in safety._dicts(items):
        if "identity" in holder:
            assert str(holder["identity"]) in allowed


@settings(max_examples=100, derandomize=True, deadline=None)
@given(asked=st.one_of(st.integers(-5, 60), st.text(max_size=6)))
def test_reads_are_left_as_generated(tmp_path_factory, asked):
    guard = _guard(tmp_path_factory.mktemp("g"), SERVICES)
    params = {"id": asked}
    guard.prepare("services", "get", "/Service/{id}", params, None, positive_body=True)
    assert params == {"id": asked}


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    value=st.text(max_size=10), known=st.lists(st.text("abc", min_size=1), min_size=1, unique=True)
)
def test_a_positive_body_names_reference_data_the_target_has(tmp_path_factory, value, known):
    guard = _guard(tmp_path_factory.mktemp("g"), ORDERS)
    guard.found["serviceTypeUid"] = known
    body = {"title": "t", "serviceTypeUid": value}
    path = "/tenants/ct-r1/stores/st-r1/service-orders"
    guard.prepare("orders", "post", path, {}, body, positive_body=True)
    assert body["serviceTypeUid"] == "" if value == "" else body["serviceTypeUid"] in known
    negative = {"serviceTypeUid": value}
    guard.prepare("orders", "post", path, {}, negative, positive_body=False)
    assert negative == {"serviceTypeUid": value}  # negative tests keep what they test


def test_cleanup_removes_what_a_file_lists_once_and_is_idempotent(tmp_path):
    listed = tmp_path / "created.jsonl"
    with serving(create_app(Settings()), log_level="error") as origin:
        log = CreatedLog(listed)
        made = []
        for name in ("one", "two"):
            body = {"name": name, "serviceTypeId": 1}
            answer = httpx.post(origin + "/api/v4/Service", json=body).json()
            made.append(answer["results"]["items"][0]["identity"])
            log.add("services", "DELETE", f"{origin}/api/v4/Service/{made[-1]}")
        first = CliRunner().invoke(contract, ["--url", origin, "--cleanup", str(listed)])
        again = CliRunner().invoke(contract, ["--url", origin, "--cleanup", str(listed)])
        gone = [httpx.get(f"{origin}/api/v4/Service/{i}").status_code for i in made]
    assert first.exit_code == 0, first.output
    assert "2 removed, 0 already gone, 0 left" in first.output
    assert again.exit_code == 0 and "0 removed, 2 already gone, 0 left" in again.output
    assert gone == [404, 404]


def test_cleanup_leaves_records_of_another_target_alone(tmp_path):
    listed = tmp_path / "created.jsonl"
    CreatedLog(listed).add("services", "DELETE", "http://elsewhere.example:9/api/v4/Service/5")
    with serving(create_app(Settings()), log_level="error") as origin:
        result = CliRunner().invoke(contract, ["--url", origin, "--cleanup", str(listed)])
        still = httpx.get(f"{origin}/api/v4/Service/1001").status_code
    assert result.exit_code == 1
    assert "NOT REMOVED" in result.output and "left alone" in result.output
    assert still == 200


def test_cleanup_refuses_a_file_that_is_not_one(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"url": 1}\n')
    result = CliRunner().invoke(contract, ["--url", "http://127.0.0.1:1", "--cleanup", str(bad)])
    assert result.exit_code == 2 and "is not a created-records file" in result.output
