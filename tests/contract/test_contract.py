"""`servicestub contract` passes on the mock, catches each deliberate break and
repeats itself under the same seed."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from servicestub.app import create_app
from servicestub.cli import main
from servicestub.contract.model import PHASES, Options
from servicestub.contract.runner import run
from servicestub.contract.server import serving
from servicestub.core.settings import Settings
from servicestub.specs import SERVICES
from tests.contract.broken import BROKEN
from tests.contract.helpers import Seen, recording

SMALL = ["--max-examples", "3", "--seed", "1"]
# Coverage is the slowest phase; every break below is caught without it.
BREAK_PHASES = ["--phases", "examples,fuzzing,stateful"]
#: A live run works in a tenant of its own; a break bound to one tenant's paths is
#: reached only when the run is told to work in that tenant.
IN_TENANT = {"server-error-on-one-input": ["--tenant", "demo"]}


def failing_cases(junit_path) -> set[tuple[str, str]]:
    root = ET.parse(junit_path).getroot()
    return {
        (case.get("classname"), case.get("name"))
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }


def test_contract_self_passes_on_every_api_with_every_phase(tmp_path):
    junit, report = tmp_path / "contract.xml", tmp_path / "contract.md"
    result = CliRunner().invoke(
        main,
        ["contract", "--self", "--api", "all", *SMALL, "--junit-xml", junit, "--report", report],
    )
    assert result.exit_code == 0, result.output[-3000:]
    assert "PASSED" in result.output
    root = ET.parse(junit).getroot()
    assert {suite.get("name") for suite in root} == {"orders", "services", "admin"}
    assert root.get("failures") == "0" and int(root.get("tests")) > 300
    assert report.read_text().startswith("# Contract run: passed")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_contract_fails_against_a_broken_implementation_and_names_the_break(name, tmp_path):
    broken = BROKEN[name]
    junit, report = tmp_path / "contract.xml", tmp_path / "contract.md"
    options = [*SMALL, *BREAK_PHASES, *IN_TENANT.get(name, []), "--junit-xml", junit]
    options += ["--report", report]
    with serving(broken.app(), log_level="error") as origin:
        result = CliRunner().invoke(
            main, ["contract", "--url", origin, "--api", broken.api, *options]
        )
    assert result.exit_code == 1, result.output[-3000:]
    headline = f"[{broken.api}] {broken.operation} — {broken.check}"
    assert headline in result.output, result.output[-3000:]
    after = result.output.split(headline, 1)[1].splitlines()
    assert after[2].strip().startswith("reproduce") and "curl" in "\n".join(after[2:5])
    assert (f"{broken.api}.{broken.operation}", broken.check) in failing_cases(junit)
    markdown = report.read_text()
    assert markdown.startswith("# Contract run: failed")
    assert f"`{broken.operation}` — {broken.check}" in markdown


TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def requests_sent(seed: int, phases: tuple[str, ...]) -> list[Seen]:
    """Every request one run over the Services API sends to a fresh mock."""
    seen: list[Seen] = []
    app = recording(create_app(Settings()), seen)
    with serving(app, log_level="error") as origin:
        outcome = run(
            origin, [SERVICES], Options(max_examples=3, seed=seed, phases=phases, run_id="r1")
        )
    assert outcome.ok, outcome.failures[:3] or outcome.errors[:3]
    # Each server has its own port, and its clock: the Host header and the timestamps
    # it answered (which the behaviour phase's date criteria echo) are all that may differ.
    return [
        dataclasses.replace(
            s,
            headers=tuple(h for h in s.headers if h[0] != b"host"),
            body=TIMESTAMP.sub(b"<timestamp>", s.body),
        )
        for s in seen
    ]


def test_the_same_seed_sends_the_same_requests_in_every_phase():
    first = requests_sent(5, PHASES)
    assert len(first) > 500
    assert requests_sent(5, PHASES) == first


def test_another_seed_sends_other_requests():
    assert requests_sent(5, ("fuzzing",)) != requests_sent(6, ("fuzzing",))
