"""JUnit XML of a contract run: a suite per API, a test case per operation and check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from servicestub.contract.model import Outcome

MESSAGE_LIMIT = 500


def to_xml(outcome: Outcome) -> ET.Element:
    """``<testsuites>`` with one ``<testsuite>`` per API (plus ``run`` for errors)."""
    failures = outcome.failures_by_case()
    root = ET.Element("testsuites", name="servicestub contract")
    suites: dict[str, ET.Element] = {}

    def suite(name: str) -> ET.Element:
        if name not in suites:
            suites[name] = ET.SubElement(root, "testsuite", name=name)
            if outcome.seed is not None:
                properties = ET.SubElement(suites[name], "properties")
                ET.SubElement(properties, "property", name="seed", value=str(outcome.seed))
        return suites[name]

    for api, operation, check in outcome.cases():
        case = ET.SubElement(suite(api), "testcase", classname=f"{api}.{operation}", name=check)
        found = failures.get((api, operation, check), [])
        if found and all(f.waiver for f in found):  # a known deviation: reported, not failed
            message = f"waived: {found[0].waiver} ({found[0].title}: {found[0].reason})"
            node = ET.SubElement(case, "skipped", message=message[:MESSAGE_LIMIT])
            node.text = "\n".join(found[0].curl)
        elif found:  # one <failure> per case, however many ways it failed
            found = [f for f in found if not f.waiver]
            first = found[0]
            node = ET.SubElement(
                case,
                "failure",
                message=f"{first.title}: {first.reason}"[:MESSAGE_LIMIT],
                type=check,
            )
            node.text = "\n\n".join(
                "\n".join([f"{f.title}: {f.reason}", "Reproduce with:", *f.curl]) for f in found
            )
    for api, reason in sorted(outcome.skipped.items()):
        case = ET.SubElement(suite(api), "testcase", classname=api, name="spec")
        ET.SubElement(case, "skipped", message=reason)
    for number, error in enumerate(outcome.errors, start=1):
        case = ET.SubElement(suite("run"), "testcase", classname="run", name=f"error {number}")
        ET.SubElement(case, "error", message=error[:MESSAGE_LIMIT]).text = error
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for element in suites.values():
        cases = element.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for key, value in counts.items():
            element.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return root


def write(outcome: Outcome, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ET.tostring(to_xml(outcome), encoding="utf-8", xml_declaration=True))
