"""The ``servicestub contract`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from servicestub.contract import PHASES
from servicestub.specs import APIS

API_CHOICES = [*(api.name for api in APIS), "all"]


def _headers(values: tuple[str, ...]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{value}' is not 'Name: value'", param_hint="--header")
        headers[name.strip()] = content.strip()
    return headers


@click.command()
@click.option(
    "--url", "origin", metavar="BASE", help="Origin of the implementation (scheme://host:port)."
)
@click.option(
    "--self", "self_test", is_flag=True, help="Start the mock in process, test it, stop it."
)
@click.option("--api", type=click.Choice(API_CHOICES), default="all", show_default=True)
@click.option(
    "--spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this spec file instead (with a single --api).",
)
@click.option("--max-examples", default=20, show_default=True, type=click.IntRange(1, 100000))
@click.option(
    "--seed", default=0, show_default=True, type=int, help="Same seed, same server: same requests."
)
@click.option(
    "--phases",
    default=",".join(PHASES),
    show_default=True,
    help="Comma-separated subset of phases.",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="'Name: value'",
    help="Send with every request (repeatable).",
)
@click.option(
    "--junit-xml", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit report."
)
@click.option(
    "--report", type=click.Path(dir_okay=False, path_type=Path), help="Write a Markdown report."
)
def contract(
    origin: str | None,
    self_test: bool,
    api: str,
    spec: Path | None,
    max_examples: int,
    seed: int,
    phases: str,
    workers: int,
    headers: tuple[str, ...],
    junit_xml: Path | None,
    report: Path | None,
) -> None:
    """Contract-test an implementation against the specs; exit 1 on any failure."""
    from servicestub.contract import report as reports
    from servicestub.contract.runner import Options, run

    if bool(origin) == self_test:
        raise click.UsageError("Give exactly one of --url BASE or --self.")
    chosen = [a for a in APIS if api in ("all", a.name)]
    if spec is not None and len(chosen) != 1:
        raise click.UsageError("--spec needs a single --api (orders, services or admin).")
    wanted = [p.strip() for p in phases.split(",") if p.strip()]
    unknown = sorted(set(wanted) - set(PHASES))
    if unknown:
        raise click.BadParameter(
            f"unknown phase(s) {', '.join(unknown)}; use {', '.join(PHASES)}", param_hint="--phases"
        )
    options = Options(
        max_examples=max_examples,
        seed=seed,
        phases=wanted,
        workers=workers,
        headers=_headers(headers),
    )

    def go(base: str) -> object:
        return run(base, chosen, options, lambda line: click.echo(line), spec_override=spec)

    if self_test:
        from servicestub.app import create_app
        from servicestub.contract.server import serving
        from servicestub.settings import Settings

        # The mock keeps its default data seed: the specs' examples name its records.
        with serving(create_app(Settings())) as base:
            outcome = go(base)
    else:
        outcome = go(str(origin))
    click.echo("")
    click.echo(reports.summary(outcome))
    if junit_xml:
        reports.write_junit(outcome, junit_xml)
    if report:
        reports.write_markdown(outcome, report)
    sys.exit(0 if outcome.ok else 1)
