"""`servicestub contract` passes on the mock and catches each deliberate break."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from servicestub.cli import main
from servicestub.contract.server import serving
from tests.contract.broken import BROKEN

QUICK = ["--max-examples", "3", "--seed", "1", "--phases", "examples,stateful"]


def test_contract_self_passes_on_every_api(tmp_path):
    junit = tmp_path / "report.xml"
    result = CliRunner().invoke(
        main, ["contract", "--self", "--api", "all", *QUICK, "--junit-xml", str(junit)]
    )
    assert result.exit_code == 0, result.output[-3000:]
    assert "PASSED" in result.output
    suites = {s.get("name") for s in ET.parse(junit).getroot()}
    assert suites == {"orders", "services", "admin"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_contract_fails_and_names_the_break(name, tmp_path):
    factory, api, check = BROKEN[name]
    junit, report = tmp_path / "report.xml", tmp_path / "report.md"
    with serving(factory()) as origin:
        result = CliRunner().invoke(
            main,
            [
                "contract",
                "--url",
                origin,
                "--api",
                api,
                *QUICK,
                "--junit-xml",
                str(junit),
                "--report",
                str(report),
            ],
        )
    assert result.exit_code == 1, result.output[-3000:]
    assert check in result.output and "reproduce: curl" in result.output
    failing = [
        case.get("name")
        for case in ET.parse(junit).getroot().iter("testcase")
        if case.find("failure") is not None
    ]
    assert check in failing
    assert "FAILED" in report.read_text()


def test_same_seed_sends_the_same_requests():
    from servicestub.app import create_app
    from servicestub.contract.runner import Options, run
    from servicestub.settings import Settings
    from servicestub.specs import ORDERS

    def requests_seen() -> list[tuple[str, str, str]]:
        app = create_app(Settings(seed=3))
        with serving(app) as origin:
            run(origin, [ORDERS], Options(max_examples=3, seed=5, phases=["examples", "coverage"]))
        return [
            (e["method"], e["path"], e["query"]) for e in app.runtime.journal.entries(limit=1000)
        ]

    first = requests_seen()
    assert first and first == requests_seen()
