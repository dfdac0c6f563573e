"""Reports of a contract outcome: console summary, JUnit XML, Markdown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace

from servicestub.contract import console, junit, markdown
from servicestub.contract.model import Failure, Outcome
from servicestub.contract.recording import one_line

CREATE = "POST /tenants/{tenantId}/stores/{storeId}/service-orders"
CURL = 'curl -X POST -d \'{"title": "x"}\' http://127.0.0.1:9/v1/tenants/t/stores/s/service-orders'


def failed_outcome() -> Outcome:
    outcome = Outcome(seed=7)
    for check in ("not_a_server_error", "status_code_conformance"):
        outcome.mark_ran("orders", CREATE, check)
    outcome.mark_ran("orders", "GET /tenants/{tenantId}/service-types", "not_a_server_error")
    outcome.failures.append(
        Failure(
            "orders",
            CREATE,
            "status_code_conformance",
            "Undocumented status code",
            "Received: 200; Documented: 201, 400",
            (CURL,),
        )
    )
    return outcome


def test_summary_names_operation_check_reason_and_curl():
    text = console.summary(failed_outcome())
    assert f"1. [orders] {CREATE} — status_code_conformance" in text
    assert "   Undocumented status code: Received: 200; Documented: 201, 400" in text
    assert f"   reproduce: {CURL}" in text
    assert text.splitlines()[-1].startswith("FAILED: 2 operations, 3 operation checks, 1 failures")


def test_summary_lists_the_steps_of_a_stateful_failure_in_order():
    outcome = failed_outcome()
    outcome.failures[0] = Failure(
        "orders", CREATE, "use_after_free", "t", "r", ("curl a", "curl b")
    )
    lines = console.summary(outcome).splitlines()
    start = lines.index("   reproduce, in order:")
    assert lines[start + 1 : start + 3] == ["     curl a", "     curl b"]


def test_summary_prints_the_seed():
    assert "seed: 7 " in console.summary(failed_outcome())


def test_a_run_that_tested_nothing_does_not_pass():
    outcome = Outcome(seed=1)
    assert not outcome.ok
    assert console.verdict(outcome).startswith("FAILED (nothing was tested)")


def test_junit_has_one_case_per_operation_and_check(tmp_path):
    path = tmp_path / "out" / "contract.xml"
    junit.write(failed_outcome(), path)
    root = ET.parse(path).getroot()
    cases = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert sorted(cases) == sorted(
        [
            (f"orders.{CREATE}", "not_a_server_error"),
            (f"orders.{CREATE}", "status_code_conformance"),
            ("orders.GET /tenants/{tenantId}/service-types", "not_a_server_error"),
        ]
    )
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")


def test_junit_failure_carries_the_reason_and_the_curl(tmp_path):
    path = tmp_path / "contract.xml"
    junit.write(failed_outcome(), path)
    failure = ET.parse(path).getroot().find(".//failure")
    assert failure is not None
    assert failure.get("message") == "Undocumented status code: Received: 200; Documented: 201, 400"
    assert failure.get("type") == "status_code_conformance"
    assert CURL in (failure.text or "")


def test_junit_reports_run_errors_as_errored_cases():
    outcome = failed_outcome()
    outcome.errors.append("nothing answers at http://127.0.0.1:9")
    root = junit.to_xml(outcome)
    assert root.get("errors") == "1"
    assert root.find("./testsuite[@name='run']/testcase/error") is not None


def test_markdown_shows_failures_with_curl_and_every_operation():
    text = markdown.render(failed_outcome())
    assert text.startswith("# Contract run: failed")
    assert f"### 1. `{CREATE}` — status_code_conformance (orders)" in text
    assert f"```sh\n{CURL}\n```" in text
    assert (
        f"| orders | `{CREATE}` | FAILED | status_code_conformance | not_a_server_error |" in text
    )
    assert (
        "| orders | `GET /tenants/{tenantId}/service-types` | passed |  | not_a_server_error |"
        in text
    )


def test_one_line_reason_of_a_schema_violation_names_the_value_and_where():
    failure = SimpleNamespace(
        validation_message='"ORDER_1" does not match "^SO-[0-9]+$"',
        instance_path=["data", 0, "serviceNumber"],
    )
    assert one_line(failure) == '"ORDER_1" does not match "^SO-[0-9]+$" (at /data/0/serviceNumber)'


def test_one_line_reason_joins_a_short_multi_line_message():
    failure = SimpleNamespace(message="Received: 200\nDocumented: 201, 400", title="Undocumented")
    assert one_line(failure) == "Received: 200; Documented: 201, 400"


def test_one_line_reason_of_a_bare_server_error_says_the_status():
    failure = SimpleNamespace(message="", title="Server error", status_code=500)
    assert one_line(failure) == "the server answered 500"
