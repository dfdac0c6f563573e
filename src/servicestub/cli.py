"""The ``servicestub`` command line. It only builds things and runs them."""

from __future__ import annotations

import importlib
import ipaddress
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import click

import servicestub._quiet  # noqa: F401 - before anything imports connexion
from servicestub import __version__
from servicestub.core.settings import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REFERENCE_TIME,
    DEFAULT_SEED,
    Settings,
    format_reference_time,
    parse_reference_time,
)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origins(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--admin-origin`` values, each checked to be ``scheme://host[:port]``."""
    from servicestub.middleware.origins import parse_origin

    for value in values:
        if parse_origin(value) is None:
            raise click.BadParameter(
                f"{value!r} is not an origin; give scheme://host[:port], "
                "e.g. http://localhost:5173 (no path).",
                param_hint="--admin-origin",
            )
    return values


def _spec_values(values: tuple[str, ...]) -> tuple[tuple[Path, str | None], ...]:
    """``--spec PATH[=MOUNT]`` values as ``(file, mount or None)``: a ``PATH`` that
    exists as given is taken whole (even with an ``=`` in its name); otherwise the
    text after the last ``=`` is the mount, a URL path such as ``/petstore``."""
    found: list[tuple[Path, str | None]] = []
    for value in values:
        file, equals, mount = value.rpartition("=")
        if Path(value).exists() or not equals:
            found.append((Path(value), None))
            continue
        if not re.fullmatch(r"/[A-Za-z0-9._~!$&'()*+,;:@%/-]*", mount):
            raise click.BadParameter(
                f"{mount!r} is not a mount; give a URL path such as /petstore (or / for the "
                "root), e.g. --spec petstore.yaml=/petstore.",
                param_hint="--spec",
            )
        found.append((Path(file), mount))
    return tuple(found)


#: Dropped operations the start-up banner names per spec (the log names them all).
BANNER_DROPPED = 10


def banner(app: Any, base: str) -> list[str]:
    """The start-up lines naming each API served, its mount and its docs (for a
    third-party spec also its title and how many operations are served how)."""
    runtime = app.runtime
    lines = []
    for api in runtime.apis:
        mount = f"{base}{api.base_path}"
        if api.third_party:
            parts = runtime.parts[api.name]
            title = str((api.parsed().get("info") or {}).get("title") or api.name)
            lines.append(f"  {title}  {mount or base}/  docs {mount}/ui/")
            lines.append(
                f"    {api.file}: {parts.stateful} operations stateful, {parts.answered} "
                f"answered from the spec, {len(parts.dropped)} dropped"
            )
            lines += [f"      dropped {part}" for part in parts.dropped[:BANNER_DROPPED]]
            if len(parts.dropped) > BANNER_DROPPED:
                lines.append(f"      ... and {len(parts.dropped) - BANNER_DROPPED} more dropped")
        elif api.name == "admin":
            lines.append(f"  Control plane       {mount}   docs {mount}/ui/")
        elif api.name == "orders":
            lines.append(f"  Service Orders API  {mount}      docs {mount}/ui/")
        else:
            lines.append(f"  Services API v4     {mount}  docs {mount}/ui/")
    return [*lines[1:], lines[0]] if lines and runtime.apis[0].name == "admin" else lines


def _mock_app() -> Any:
    """The mock as ``contract --self`` tests it: its default data seed, which the
    specs' examples name records of."""
    from servicestub.app import create_app

    return create_app(Settings())


class _Commands(click.Group):
    """The commands; ``contract`` is imported only when it is run or listed, so
    that ``serve`` starts without loading the contract-testing set-up."""

    lazy: ClassVar[dict[str, str]] = {"contract": "servicestub.contract.command"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module = importlib.import_module(self.lazy[name])
            if name == "contract":  # what `contract --self` serves: the mock
                ctx.meta[module.SELF_APP_FACTORY] = _mock_app
            command: click.Command = getattr(module, name)
            return command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="servicestub")
def main() -> None:
    """servicestub: a stateful mock of the Service Orders API (/v1) and the
    Services API v4 (/api/v4), with Swagger UI for each and a control plane
    under /_mock."""


seed_option = click.option(
    "--seed",
    default=DEFAULT_SEED,
    show_default=True,
    type=click.IntRange(0, 2**32 - 1),
    help="Seed of the generated data: the same seed gives the same data.",
)


class _ReferenceTime(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.3 on
    """``--now``: an RFC 3339 instant, or ``now`` (the wall clock at start, to the minute)."""

    name = "reference-time"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_reference_time(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


now_option = click.option(
    "--now",
    "reference_time",
    default=format_reference_time(DEFAULT_REFERENCE_TIME),
    show_default=True,
    type=_ReferenceTime(),
    metavar="INSTANT|now",
    help="Reference time the seeded data is laid out before (orders created in the days "
    "before it, open ones due around it): an RFC 3339 instant, or 'now' for the wall clock "
    "at start, truncated to the minute. Same seed and reference time, same data.",
)
scenario_option = click.option(
    "--scenario",
    default=None,
    metavar="NAME|PATH",
    help="Start from a scenario: a name under fixtures/ (see `servicestub scenarios list`) "
    "or a YAML file.",
)


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port to listen on."
)
@seed_option
@now_option
@scenario_option
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Snapshot file: loaded at start when it exists, written on shutdown "
    "(SIGTERM, Ctrl-C, SIGHUP) and on POST /_mock/state/save; its folder must be writable.",
)
@click.option(
    "--secret",
    envvar="SERVICESTUB_SECRET",
    default=None,
    help="Secret that seals public order links [env SERVICESTUB_SECRET]; without it they "
    "are derived from the (public) seed, so anyone can compute them.",
)
@click.option(
    "--admin-token",
    envvar="SERVICESTUB_ADMIN_TOKEN",
    default=None,
    help="Token the control plane (/_mock) requires as 'Authorization: Bearer <token>' "
    "[env SERVICESTUB_ADMIN_TOKEN]; mandatory when listening beyond loopback.",
)
@click.option(
    "--admin-origin",
    "admin_origins",
    multiple=True,
    envvar="SERVICESTUB_ADMIN_ORIGINS",
    metavar="ORIGIN",
    callback=lambda _ctx, _param, values: _origins(values),
    help="An origin besides the server's own whose pages may use /_mock, e.g. the "
    "http://localhost:5173 of a dev proxy that forwards it; repeatable "
    "[env SERVICESTUB_ADMIN_ORIGINS, space-separated].",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    envvar="SERVICESTUB_ALLOW_HOSTS",
    metavar="NAME",
    help="A Host name besides the loopback ones that /_mock answers while listening on "
    "loopback ('*.example.test' for its subdomains); repeatable "
    "[env SERVICESTUB_ALLOW_HOSTS, space-separated].",
)
@click.option(
    "--validate-responses/--no-validate-responses",
    default=False,
    show_default=True,
    help="Check every answer against the spec before sending it (slower).",
)
@click.option(
    "--orders-per-store",
    default=Settings.orders_per_store,
    show_default=True,
    type=click.IntRange(0, 1_000_000),
    help="Service orders seeded in each store on first use.",
)
@click.option(
    "--spec",
    "spec_values",
    multiple=True,
    metavar="PATH[=MOUNT]",
    help="Serve this OpenAPI 3.0 file (YAML or JSON) statefully instead of the built-in APIs, "
    "under MOUNT or the path of its first servers URL (else /); repeatable. Its Swagger UI is "
    "MOUNT/ui/, the control plane /_mock as always.",
)
@click.option(
    "--watch/--no-watch",
    default=False,
    show_default=True,
    help="Reload a --spec file when it changes, keeping the data when it still fits.",
)
def serve(
    host: str,
    port: int,
    seed: int,
    reference_time: datetime,
    scenario: str | None,
    state_file: Path | None,
    secret: str | None,
    admin_token: str | None,
    admin_origins: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
    validate_responses: bool,
    orders_per_store: int,
    spec_values: tuple[str, ...],
    watch: bool,
) -> None:
    """Serve the mock until Ctrl-C, SIGTERM or SIGHUP (each saves --state)."""
    from servicestub import server
    from servicestub.app import create_app
    from servicestub.app.reloading import Reloading
    from servicestub.core.errors import ApiError
    from servicestub.engine.snapshot import SnapshotError
    from servicestub.specs.loading import SpecRefused

    specs = _spec_values(spec_values)
    if watch and not specs:
        raise click.UsageError("--watch reloads --spec files; give at least one --spec.")

    if not _loopback(host) and not admin_token:
        raise click.UsageError(
            f"Listening on {host} exposes the control plane; set --admin-token "
            "or SERVICESTUB_ADMIN_TOKEN (or listen on 127.0.0.1)."
        )
    settings = Settings(
        seed=seed,
        reference_time=reference_time,
        secret=secret,
        validate_responses=validate_responses,
        orders_per_store=orders_per_store,
        scenario=scenario,
        state_file=state_file,
        admin_token=admin_token,
        admin_origins=admin_origins,
        allowed_hosts=allowed_hosts,
        specs=specs,
    )
    try:
        app = create_app(settings)
    except (SnapshotError, ApiError, SpecRefused) as error:
        raise click.ClickException(str(getattr(error, "detail", error))) from None
    runtime = app.runtime
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    origin = f"scenario {runtime.scenario}" if runtime.scenario else f"seed {runtime.seed}"
    origin += f", now {format_reference_time(runtime.reference_time)}"
    click.echo(f"servicestub {__version__} on {base} ({origin})")
    for line in banner(app, base):
        click.echo(line)
    if not specs:
        click.echo(f"  try: curl -s '{base}/v1/tenants/demo/stores/main/service-orders?perPage=5'")
    if not secret and not specs:
        click.echo(
            "  public links (publicHash) are derived from the seed: anyone can compute them; "
            "set --secret or SERVICESTUB_SECRET to seal them"
        )
    if watch:
        reloading = Reloading(app, settings)
        click.echo(f"  watching {', '.join(str(file) for file, _ in specs)} for changes")
        with reloading.watching():
            server.run(reloading, host, port)
        return
    server.run(app, host, port)


@main.group()
def scenarios() -> None:
    """List and check the scenarios under fixtures/."""


@scenarios.command("list")
def scenarios_list() -> None:
    """Name and description of every scenario."""
    from servicestub.control.scenarios import catalog

    for scenario in catalog():
        click.echo(f"{scenario['name']:<22} {scenario['description']}")


@scenarios.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def scenarios_validate(paths: tuple[Path, ...]) -> None:
    """Check scenario files; each problem names the file, the place and what is wrong."""
    from servicestub.control.scenarios import ScenarioError, build

    failed = False
    for path in paths:
        try:
            build(path, Settings(), DEFAULT_SEED)
        except ScenarioError as error:
            click.echo(str(error), err=True)
            failed = True
        else:
            click.echo(f"{path}: ok")
    if failed:
        sys.exit(1)


@main.command()
@seed_option
@now_option
@scenario_option
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def snapshot(seed: int, reference_time: datetime, scenario: str | None, out: Path) -> None:
    """Write the state a start would produce, without serving."""
    from servicestub.core.errors import ApiError
    from servicestub.core.files import write_atomic
    from servicestub.engine.snapshot import dumps
    from servicestub.runtime import Runtime

    try:
        runtime = Runtime(Settings(seed=seed, reference_time=reference_time, scenario=scenario))
    except ApiError as error:
        raise click.ClickException(error.detail) from None
    payload = dumps(runtime.export_state())
    write_atomic(out, payload)
    click.echo(f"{out}: {len(payload)} bytes")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def inspect(path: Path, as_json: bool) -> None:
    """Show how each operation of the spec at PATH would be served, and why."""
    import orjson

    from servicestub.app.inspection import inspect_spec

    report = inspect_spec(path)
    if as_json:
        click.echo(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        for served in report.operations:
            click.echo(served.line())
        click.echo(report.summary())
    if report.refused is not None:
        sys.exit(2)
