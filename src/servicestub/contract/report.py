"""Reports of a contract run: console summary, JUnit XML and Markdown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from servicestub.contract.runner import Failure, Outcome


def _failures_by_case(outcome: Outcome) -> dict[tuple[str, str, str], list[Failure]]:
    found: dict[tuple[str, str, str], list[Failure]] = {}
    for failure in outcome.failures:
        found.setdefault((failure.api, failure.operation, failure.check), []).append(failure)
    return found


def summary(outcome: Outcome) -> str:
    """The closing text: every failure with operation, check, reason and curl."""
    lines = []
    for number, failure in enumerate(outcome.failures, start=1):
        lines += [
            f"{number}. [{failure.api}] {failure.operation} — {failure.check}: {failure.title}",
            f"   {failure.reason}",
            f"   reproduce: {failure.curl.strip()}",
        ]
    for error in outcome.errors:
        lines.append(f"error: {error}")
    operations = len(outcome.ran)
    checks = sum(len(names) for names in outcome.ran.values())
    verdict = "PASSED" if outcome.ok else "FAILED"
    sent = ", ".join(f"{api} {count}" for api, count in sorted(outcome.requests.items()))
    lines.append(f"requests sent: {sent or 'none'}")
    lines.append(
        f"{verdict}: {operations} operations, {checks} operation checks, "
        f"{len(outcome.failures)} failures, {len(outcome.errors)} errors"
    )
    return "\n".join(lines)


def write_junit(outcome: Outcome, path: Path) -> None:
    """One <testcase> per operation and check; failures carry reason and curl."""
    failures = _failures_by_case(outcome)
    cases = sorted(
        {(api, op, check) for (api, op), names in outcome.ran.items() for check in names}
        | set(failures)
    )
    suites = ET.Element("testsuites", name="servicestub contract")
    by_api: dict[str, ET.Element] = {}
    for api, operation, check in cases:
        suite = by_api.get(api)
        if suite is None:
            suite = by_api[api] = ET.SubElement(suites, "testsuite", name=api)
        case = ET.SubElement(suite, "testcase", classname=f"{api}.{operation}", name=check)
        for failure in failures.get((api, operation, check), []):
            node = ET.SubElement(
                case, "failure", message=f"{failure.title}: {failure.reason}"[:500]
            )
            node.text = f"{failure.reason}\n\nReproduce with:\n{failure.curl}"
    for suite in by_api.values():
        tests = suite.findall("testcase")
        suite.set("tests", str(len(tests)))
        suite.set("failures", str(sum(1 for t in tests if t.find("failure") is not None)))
    for error in outcome.errors:
        suite = ET.SubElement(suites, "testsuite", name="errors", tests="1", errors="1")
        ET.SubElement(ET.SubElement(suite, "testcase", name="run"), "error", message=error[:500])
    ET.indent(suites)
    path.write_bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True))


def write_markdown(outcome: Outcome, path: Path) -> None:
    verdict = "passed" if outcome.ok else "failed"
    lines = [f"# Contract run: {verdict}", ""]
    lines += ["| api | operation | check | result |", "|---|---|---|---|"]
    failures = _failures_by_case(outcome)
    for (api, operation), names in sorted(outcome.ran.items()):
        for check in sorted(names):
            result = "FAILED" if (api, operation, check) in failures else "passed"
            lines.append(f"| {api} | `{operation}` | {check} | {result} |")
    if outcome.failures:
        lines += ["", "## Failures", ""]
        for failure in outcome.failures:
            lines += [
                f"### {failure.operation} — {failure.check}",
                "",
                f"{failure.title}: {failure.reason}",
                "",
                "```sh",
                failure.curl.strip(),
                "```",
                "",
            ]
    for error in outcome.errors:
        lines.append(f"- error: {error}")
    path.write_text("\n".join(lines) + "\n")
