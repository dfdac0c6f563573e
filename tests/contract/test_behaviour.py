"""The behaviour phase: it passes on the mock and on an independent variant, and
catches each planted behaviour break, naming the rule (each run against its own
rule family only, with small example counts)."""

from __future__ import annotations

import pytest

from servicestub.app import create_app
from servicestub.contract.model import RULE_FAMILIES, Options
from servicestub.contract.runner import run
from servicestub.contract.server import serving
from servicestub.core.settings import Settings
from servicestub.specs import ORDERS, SERVICES
from tests.contract.broken import BEHAVIOUR_BROKEN, read_body

SPECS = {"orders": ORDERS, "services": SERVICES}


def behaviour(
    app: object, rules: list[str], apis: tuple[str, ...] = ("orders",), examples: int = 6
):
    with serving(app, log_level="error") as origin:
        options = Options(
            seed=1,
            phases=("behaviour",),
            rules=rules,
            run_id="t1",
            behaviour_examples=examples,
            shrink_seconds=3,
        )
        return run(origin, [SPECS[a] for a in apis], options)


@pytest.mark.parametrize("name", sorted(BEHAVIOUR_BROKEN))
def test_each_planted_behaviour_break_is_caught_by_its_rule(name):
    broken = BEHAVIOUR_BROKEN[name]
    outcome = behaviour(broken.app(), [broken.family], (broken.api,))
    assert not outcome.ok
    found = [(f.check, f.reason) for f in outcome.failures]
    assert [f for f in found if f[0] == broken.rule], (found, outcome.errors)
    failure = next(f for f in outcome.failures if f.check == broken.rule)
    assert failure.operation == f"behaviour {broken.family}"
    assert failure.curl and all(c.startswith("curl ") for c in failure.curl)
    assert "seed 1" in failure.reason


def test_every_family_passes_on_the_mock():
    outcome = behaviour(create_app(Settings()), list(RULE_FAMILIES), ("orders", "services"))
    assert outcome.ok, (outcome.failures[:2], outcome.errors[:2])
    assert {op for (_api, op) in outcome.ran} == {f"behaviour {f}" for f in RULE_FAMILIES}


def test_every_orders_family_passes_on_an_independent_variant():
    """Other ids (ord_000017), numbering (R-7), timestamps, currency and no seeded
    orders: nothing the contract leaves open may fail the run."""
    from tests.contract.variant import app

    outcome = behaviour(
        app(),
        ["lists", "writes", "deletes", "isolation", "search", "derived", "statuses", "reports"],
    )
    assert outcome.ok, (outcome.failures[:2], outcome.errors[:2])


def cli(origin: str, *args: object) -> object:
    from click.testing import CliRunner

    from servicestub.contract.command import contract

    base = ["--url", origin, "--api", "orders", "--phases", "behaviour", "--seed", "2"]
    return CliRunner().invoke(contract, [*base, "--behaviour-examples", "4", *map(str, args)])


def test_a_failure_reports_its_rule_in_console_junit_and_markdown_and_a_waiver_keeps_it(tmp_path):
    import xml.etree.ElementTree as ET

    from servicestub.contract.created import read

    junit, report = tmp_path / "c.xml", tmp_path / "c.md"
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- rule: statuses.positions\n  reason: our workflow keeps gaps\n")
    created = tmp_path / "created.jsonl"
    with serving(BEHAVIOUR_BROKEN["status-positions-gap"].app(), log_level="error") as origin:
        failed = cli(
            origin,
            "--rules",
            "statuses",
            "--junit-xml",
            junit,
            "--report",
            report,
            "--run-id",
            "w1",
            "--created-file",
            created,
        )
        waived = cli(origin, "--rules", "statuses", "--waivers", waivers, "--run-id", "w2")
    assert failed.exit_code == 1, failed.output[-2000:]
    assert "[orders] behaviour statuses — statuses.positions" in failed.output
    assert "reproduce, in order:" in failed.output and "curl -X POST" in failed.output
    assert "run id w1" in failed.output
    cases = {
        (c.get("classname"), c.get("name")): c for c in ET.parse(junit).getroot().iter("testcase")
    }
    assert cases[("orders.behaviour statuses", "statuses.positions")].find("failure") is not None
    assert "`behaviour statuses` — statuses.positions" in report.read_text()
    # Statuses have no DELETE: only the drops of the run's tenants (the target is a servicestub).
    drops = [f"{origin}/_mock/tenants/{t}" for t in ("ct2-w1", "ct2-w1-iso")]
    assert [r.url for r in read(created)] == drops
    assert waived.exit_code == 0, waived.output[-2000:]
    assert "waived: our workflow keeps gaps" in waived.output and "1 waived" in waived.output


def test_unknown_rule_families_and_bad_waivers_are_usage_errors(tmp_path):
    bad = tmp_path / "w.json"
    bad.write_text('{"rule": "lists.sort"}')
    for args, message in (
        (["--rules", "lists,typo"], "unknown rule family(s) typo"),
        (["--skip-rules", "nope"], "unknown rule family(s) nope"),
        (["--waivers", bad], "expected a list of {rule: <rule id>, reason: <why>}"),
        (["--run-id", "a/b"], "use 1-40 letters"),
    ):
        result = cli("http://127.0.0.1:1", *args)
        assert result.exit_code == 2 and message in result.output, result.output


def test_the_created_file_lists_what_to_remove_and_the_run_removes_it(tmp_path):
    import httpx

    from servicestub.contract.created import read

    created = tmp_path / "created.jsonl"
    with serving(create_app(Settings()), log_level="error") as origin:
        result = cli(origin, "--rules", "writes", "--created-file", created, "--run-id", "c1")
        drops, records = read(created)[:2], read(created)[2:]
        state = httpx.get(f"{origin}/_mock/state").json()["orders"]["tenants"]
        left = [httpx.get(r.url).status_code for r in records]
    assert result.exit_code == 0, result.output[-2000:]
    # On a servicestub the run's own tenants are listed first (so dropped last).
    tenants = [f"{origin}/_mock/tenants/{t}" for t in ("ct2-c1", "ct2-c1-iso")]
    assert [(d.method, d.url) for d in drops] == [("DELETE", t) for t in tenants]
    assert records and all(r.method == "DELETE" and r.url.startswith(origin) for r in records)
    assert all("/tenants/ct2-c1/stores/st-c1/service-orders/" in r.url for r in records)
    assert set(left) == {404}
    assert not {"ct2-c1", "ct2-c1-iso"} & {t["tenantId"] for t in state}  # dropped at the end
    assert result.output.count("clean-up: removed ") == 1


def _prism() -> str | None:
    """Prism's binary: $PRISM, tests/benchmarks/.prism (``make bench`` installs it), or PATH."""
    import os
    import shutil
    from pathlib import Path

    local = Path(__file__).parent.parent / "benchmarks" / ".prism" / "node_modules" / ".bin"
    for candidate in (os.environ.get("PRISM"), str(local / "prism"), shutil.which("prism")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _under_base(upstream: str, base: str) -> object:
    """An ASGI app serving ``upstream``'s root under ``base`` (Prism ignores ``servers``)."""
    import httpx

    async def app(scope: dict, receive: object, send: object) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        path = scope["path"].removeprefix(base) or "/"
        url = f"{upstream}{path}" + (
            f"?{scope['query_string'].decode()}" if scope["query_string"] else ""
        )
        headers = [(k.decode(), v.decode()) for k, v in scope["headers"] if k != b"host"]
        async with httpx.AsyncClient() as client:
            answer = await client.request(scope["method"], url, headers=headers, content=body)
        drop = {"content-length", "transfer-encoding", "content-encoding", "connection"}
        out = [(k.encode(), v.encode()) for k, v in answer.headers.items() if k not in drop]
        out.append((b"content-length", str(len(answer.content)).encode()))
        await send({"type": "http.response.start", "status": answer.status_code, "headers": out})
        await send({"type": "http.response.body", "body": answer.content})

    return app


@pytest.mark.skipif(_prism() is None, reason="Stoplight Prism is not installed (make bench)")
def test_stoplight_prism_serving_the_spec_statically_fails_writes():
    """A real stateless peer: every answer fits the schema, nothing created reads back."""
    import subprocess
    import time

    import httpx

    from servicestub.contract.server import free_port

    port = free_port()
    process = subprocess.Popen(
        [_prism(), "mock", str(ORDERS.path), "-p", str(port), "-h", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        upstream = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(upstream + "/tenants/a/service-types", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        outcome = behaviour(_under_base(upstream, "/v1"), ["writes"], examples=3)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert {f.check for f in outcome.failures} & {"writes.create", "writes.read", "writes.update"}


SCENARIOS = sorted(p.stem for p in (ORDERS.path.parent.parent / "fixtures").glob("*.yaml"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_family_passes_on_the_mock_at_another_seed_under_each_scenario(scenario):
    import httpx

    with serving(create_app(Settings(seed=7)), log_level="error") as origin:
        loaded = httpx.post(f"{origin}/_mock/scenarios/{scenario}")
        assert loaded.status_code == 200, loaded.text
        # The first scenario also in an existing scope (--tenant/--store) of its own data.
        scope = {"tenant": "acme", "store": "main"} if scenario == SCENARIOS[0] else {}
        options = Options(
            seed=7,
            phases=("behaviour",),
            run_id=f"s{scenario[:8]}",
            behaviour_examples=2,
            shrink_seconds=3,
            **scope,
        )
        outcome = run(origin, [ORDERS, SERVICES], options)
    assert outcome.ok, (outcome.failures[:2], outcome.errors[:2])
    if scope:
        assert "behaviour statuses" in outcome.skipped
