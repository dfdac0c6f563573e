"""The `servicestub contract` command line: its options and how it fails."""

from __future__ import annotations

import re

import click
import pytest
import yaml
from click.testing import CliRunner

from servicestub.app import create_app
from servicestub.cli import main
from servicestub.contract.command import SELF_APP_FACTORY, contract
from servicestub.contract.server import free_port, serving
from servicestub.specs import SERVICES
from tests.contract.helpers import Seen, recording

QUICK = ["--api", "services", "--max-examples", "1", "--seed", "3", "--phases", "examples"]


def invoke(*args: object) -> object:
    """``servicestub contract ARGS``: the CLI gives the command the mock ``--self`` serves."""
    return CliRunner().invoke(main, ["contract", *(str(a) for a in args)])


def test_the_contract_command_alone_serves_no_mock_with_self():
    """The contract runner imports nothing of the mock: run without the CLI that
    names one, ``--self`` says so rather than failing or importing it."""
    result = CliRunner().invoke(contract, ["--self", *QUICK])
    assert result.exit_code == 2
    assert "--self has no implementation to start here" in result.output


def test_self_serves_the_app_factory_it_is_given():
    """``--self`` serves and tests what the factory in the context builds (here the
    mock, recording each request it gets), not an app of its own."""
    seen: list[Seen] = []
    parent = click.Context(click.Group())
    parent.meta[SELF_APP_FACTORY] = lambda: recording(create_app(), seen)
    result = CliRunner().invoke(contract, ["--self", *QUICK], parent=parent)
    assert result.exit_code == 0, result.output[-2000:]
    assert any(request.path.startswith(SERVICES.base_path) for request in seen)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "http://127.0.0.1:1/v1"], "give the origin only"),
        (["--url", "ftp://127.0.0.1:1"], "is not http(s)://host[:port]"),
        (["--url", "http://127.0.0.1:1", "--self"], "exactly one of --url BASE or --self"),
        ([], "exactly one of --url BASE or --self"),
        (["--self", "--header", "no colon"], "is not 'Name: value'"),
        (["--self", "--phases", "examples,typo"], "unknown phase(s) typo"),
        (["--self", "--spec", SERVICES.path], "--spec needs a single --api"),
    ],
)
def test_a_usage_error_is_refused_before_anything_runs(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_nothing_listening_fails_fast_with_a_clear_error():
    origin = f"http://127.0.0.1:{free_port()}"
    result = invoke("--url", origin, *QUICK)
    assert result.exit_code == 1
    assert f"nothing answers at {origin}" in result.output
    assert "FAILED (nothing was tested)" in result.output


def test_without_a_seed_one_is_chosen_and_printed():
    result = invoke("--self", *[a for a in QUICK if a not in ("--seed", "3")])
    assert result.exit_code == 0, result.output[-2000:]
    assert re.search(r"^seed: \d+ ", result.output, re.MULTILINE)


def test_every_request_carries_the_given_headers():
    seen: list[Seen] = []
    with serving(recording(create_app(), seen), log_level="error") as origin:
        result = invoke(
            "--url", origin, *QUICK, "--phases", "examples,stateful", "--header", "X-Team: qa"
        )
    assert result.exit_code == 0, result.output[-2000:]
    tested = [s for s in seen if s.path.startswith("/api/v4")]
    assert tested and all((b"x-team", b"qa") in s.headers for s in tested)


def test_a_spec_file_given_with_spec_is_the_contract(tmp_path):
    document = SERVICES.document()
    document["components"]["schemas"]["Service"]["properties"]["name"]["maxLength"] = 1
    stricter = tmp_path / "services-strict.yaml"
    stricter.write_text(yaml.safe_dump(document))
    result = invoke("--self", *QUICK, "--spec", stricter)
    assert result.exit_code == 1
    assert "response_schema_conformance" in result.output and "is longer than 1" in result.output


def test_several_workers_run_the_suite_too():
    result = invoke("--self", *QUICK, "--workers", "2")
    assert result.exit_code == 0, result.output[-2000:]
    assert "PASSED" in result.output


def test_progress_is_shown_operation_by_operation():
    result = invoke("--self", *QUICK)
    assert "  [ ok ] examples  GET /Service/{id}\n" in result.output


def test_an_unreadable_spec_is_an_error_not_a_crash(tmp_path):
    spec = tmp_path / "not-openapi.yaml"
    spec.write_text("title: not an OpenAPI document\n")
    result = invoke("--self", *QUICK, "--spec", spec)
    assert result.exit_code == 1
    assert (
        f"services: cannot load {spec}: Unable to determine the Open API version" in result.output
    )
