"""The ``servicestub contract`` command: parse options, run, report, exit 0 only on a clean run."""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
import yaml

from servicestub.contract import console, junit, markdown
from servicestub.contract.created import read, remove_all
from servicestub.contract.model import PHASES, RULE_FAMILIES, Options, Outcome, chosen
from servicestub.contract.runner import run
from servicestub.contract.server import serving
from servicestub.specs import APIS, ApiSpec

API_NAMES = ("orders", "services", "admin")
#: Why ``--url --api all`` leaves the control plane out.
ADMIN_LEFT_OUT = (
    "its reset and state import would replace the target's data; --api admin or "
    "--include-admin tests it"
)


def parse_headers(values: tuple[str, ...]) -> dict[str, str]:
    """``('Name: value', ...)`` as a dict; a malformed one is a usage error."""
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            raise click.BadParameter(f"{value!r} is not 'Name: value'", param_hint="--header")
        headers[name.strip()] = content.strip()
    return headers


def parse_origin(url: str) -> str:
    """``scheme://host[:port]``, the only form BASE takes (base paths are added per API)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{url!r} is not http(s)://host[:port]", param_hint="--url")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise click.BadParameter(
            f"{url!r} has a path; give the origin only (each API's base path — /v1, "
            "/api/v4, /_mock — is added to it)",
            param_hint="--url",
        )
    return f"{parts.scheme}://{parts.netloc}"


def parse_phases(text: str) -> list[str]:
    try:
        return chosen(text, PHASES, "phase")
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--phases") from None


def parse_rules(rules: str | None, skip: str | None) -> list[str]:
    """The rule families chosen by ``--rules`` (default all) minus ``--skip-rules``."""
    try:
        picked = chosen(rules or ",".join(RULE_FAMILIES), RULE_FAMILIES, "rule family")
        skipped = chosen(skip, RULE_FAMILIES, "rule family") if skip else []
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--rules/--skip-rules") from None
    return [family for family in picked if family not in skipped]


def load_waivers(path: Path | None) -> dict[str, str]:
    """A waiver file (YAML or JSON): a list of ``{rule, reason}``; rule is a rule id
    (``lists.sort``) as the reports name it."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        message = f"{path} is not YAML or JSON: {exc}"
        raise click.BadParameter(message, param_hint="--waivers") from exc
    entries = data.get("waivers", data) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("rule"), str) and e.get("reason") for e in entries
    ):
        raise click.BadParameter(
            f"{path}: expected a list of {{rule: <rule id>, reason: <why>}}", param_hint="--waivers"
        )
    return {e["rule"]: str(e["reason"]) for e in entries}


@click.command()
@click.option(
    "--url",
    "origin",
    metavar="BASE",
    help="Origin of the implementation, scheme://host:port; each API's base path is added.",
)
@click.option(
    "--self",
    "self_test",
    is_flag=True,
    help="Start the mock in process on a free loopback port, test it, stop it.",
)
@click.option(
    "--api",
    type=click.Choice([*API_NAMES, "all"]),
    default="all",
    show_default=True,
    help="Which spec to test.",
)
@click.option(
    "--spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Test against this spec file instead of the bundled one (needs a single --api).",
)
@click.option(
    "--max-examples",
    default=20,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Generated examples per operation and phase.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=None,
    help="Seed of the generated requests; the same seed against the same server sends "
    "the same requests. Random (and printed) when not given.",
)
@click.option(
    "--phases",
    default=",".join(PHASES),
    show_default=True,
    help="Comma-separated phases to run.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Concurrent workers (more than 1 gives up repeatability).",
)
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="'Name: value'",
    help="Header sent with every request (repeatable), e.g. an Authorization.",
)
@click.option(
    "--request-timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds to wait for each response.",
)
@click.option("--run-id", help="Repeat a run: its id (printed at the start), with its --seed.")
@click.option(
    "--tenant",
    help="Work in this existing tenant instead of a fresh one of the run's own (the "
    "behaviour phase always; the schema phases with --url).",
)
@click.option("--store", help="Work in this existing store instead of a fresh one (as --tenant).")
@click.option(
    "--created-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the records the run creates are listed as it goes (default: a temp file, printed).",
)
@click.option(
    "--include-admin",
    is_flag=True,
    help="With --url and --api all: test the control plane too (it resets the target's data).",
)
@click.option(
    "--allow-shared-writes",
    is_flag=True,
    help="With --tenant: also run writes that change tenant-wide records the run did not "
    "create (service types, statuses, rates).",
)
@click.option(
    "--cleanup",
    "cleanup_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Test nothing: remove the records a (interrupted) run listed in this file, at --url.",
)
@click.option(
    "--rules",
    metavar="FAMILIES",
    help="Comma-separated behaviour rule families to run (default all: "
    f"{', '.join(RULE_FAMILIES)}).",
)
@click.option("--skip-rules", metavar="FAMILIES", help="Behaviour rule families to leave out.")
@click.option(
    "--waivers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON list of {rule, reason}: known deviations, reported but not failed.",
)
@click.option(
    "--behaviour-examples",
    default=8,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Call sequences per behaviour rule family.",
)
@click.option(
    "--junit-xml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JUnit XML report (a case per operation and check).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the same report as Markdown.",
)
def contract(
    origin: str | None,
    self_test: bool,
    api: str,
    spec: Path | None,
    max_examples: int,
    seed: int | None,
    phases: str,
    workers: int,
    headers: tuple[str, ...],
    request_timeout: float,
    run_id: str | None,
    tenant: str | None,
    store: str | None,
    created_file: Path | None,
    include_admin: bool,
    allow_shared_writes: bool,
    cleanup_file: Path | None,
    rules: str | None,
    skip_rules: str | None,
    waivers: Path | None,
    behaviour_examples: int,
    junit_xml: Path | None,
    report: Path | None,
) -> None:
    """Contract-test an implementation of the specs: every operation, schemathesis's
    checks plus servicestub's own, the stateful phase over the specs' links.
    Exits 1 when anything failed."""
    if bool(origin) == self_test:
        raise click.UsageError("Give exactly one of --url BASE or --self.")
    app_factory = self_app_factory() if self_test else None
    if cleanup_file is not None:
        if self_test:
            raise click.UsageError("--cleanup needs --url BASE (the target the run wrote to).")
        _cleanup(cleanup_file, parse_origin(str(origin)), parse_headers(headers), request_timeout)
    for hint, value in (("--run-id", run_id), ("--tenant", tenant), ("--store", store)):
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", value):
            raise click.BadParameter(
                f"{value!r}: use 1-40 letters, digits, '_' or '-'", param_hint=hint
            )
    names: tuple[str, ...] = API_NAMES if api == "all" else (api,)
    if origin and api == "all" and not include_admin:
        names = tuple(name for name in names if name != "admin")
    if spec is not None and len(names) != 1:
        raise click.UsageError("--spec needs a single --api (orders, services or admin).")
    chosen = [s for s in APIS if s.name in names]
    absent = [name for name in names if name not in {s.name for s in chosen}]
    for name in absent:
        click.echo(f"{name}: skipped, this servicestub has no {name} spec yet")
    if not chosen:
        raise click.UsageError(f"No spec to test for --api {api}.")

    options = Options(
        max_examples=max_examples,
        seed=random.SystemRandom().randrange(2**32) if seed is None else seed,
        phases=parse_phases(phases),
        workers=workers,
        headers=parse_headers(headers),
        request_timeout=request_timeout,
        run_id=run_id,
        tenant=tenant,
        store=store,
        created_file=str(created_file) if created_file else None,
        include_admin=include_admin or api == "admin",
        allow_shared_writes=allow_shared_writes,
        rules=parse_rules(rules, skip_rules),
        waivers=load_waivers(waivers),
        behaviour_examples=behaviour_examples,
    )
    target = None if self_test else parse_origin(str(origin))
    if target is not None and "admin" not in names:
        click.echo(f"admin: left out against a live target ({ADMIN_LEFT_OUT})")
    run_against: str | AppFactory | None = target if app_factory is None else app_factory
    assert run_against is not None  # --url gave an origin, or --self a factory
    outcome = _run(run_against, chosen, options, spec)
    for name in absent:
        outcome.skipped[name] = f"this servicestub has no {name} spec yet"
    if target is not None and "admin" not in names:
        outcome.skipped["admin"] = f"left out against a live target ({ADMIN_LEFT_OUT})"

    click.echo("")
    click.echo(console.summary(outcome))
    if junit_xml:
        junit.write(outcome, junit_xml)
        click.echo(f"JUnit XML: {junit_xml}")
    if report:
        markdown.write(outcome, report)
        click.echo(f"Markdown report: {report}")
    sys.exit(0 if outcome.ok else 1)


#: The ``click`` context ``meta`` key of what ``--self`` serves and tests: a
#: ``() -> ASGI app`` factory. The ``servicestub`` CLI puts the mock's there (this
#: package imports nothing of the mock, so it cannot build one itself).
SELF_APP_FACTORY = "servicestub.contract.self_app_factory"
AppFactory = Callable[[], Any]


def self_app_factory() -> AppFactory:
    """The app factory ``--self`` serves, as the CLI running this command gave it."""
    factory = click.get_current_context().meta.get(SELF_APP_FACTORY)
    if factory is None:
        raise click.UsageError(
            "--self has no implementation to start here; run it as `servicestub contract --self`, "
            "or start the implementation and give --url BASE."
        )
    return factory  # type: ignore[no-any-return]


def _run(
    target: str | AppFactory, chosen: list[ApiSpec], options: Options, spec: Path | None
) -> Outcome:
    """Run against the origin ``target``, or serve ``target()`` on loopback and run
    against that."""

    def echo(line: str) -> None:
        click.echo(line)

    if isinstance(target, str):
        return run(target, chosen, options, echo, spec_override=spec, live=True)

    with serving(target(), log_level="error") as base:
        echo(f"mock serving at {base}")
        return run(base, chosen, options, echo, spec_override=spec)


def _cleanup(path: Path, origin: str, headers: dict[str, str], timeout: float) -> None:
    """Remove what a run listed in ``path`` at ``origin``, print what happened, exit
    0 when nothing is left (records already gone count as removed)."""
    try:
        records = read(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise click.BadParameter(
            f"{path} is not a created-records file (JSON lines of api, method, url, "
            f"createdAt): {exc!r}",
            param_hint="--cleanup",
        ) from None
    with httpx.Client(headers=headers, timeout=timeout) as client:
        removal = remove_all(records, client.request, origin)
    for label in removal.removed:
        click.echo(f"removed       {label}")
    for label in removal.already_gone:
        click.echo(f"already gone  {label}")
    for left in removal.left:
        click.echo(f"NOT REMOVED   {left}")
    click.echo(
        f"clean-up of {path}: {len(removal.removed)} removed, "
        f"{len(removal.already_gone)} already gone, {len(removal.left)} left"
    )
    sys.exit(1 if removal.left else 0)
