"""The ``servicestub`` command line. It only builds things and runs them."""

from __future__ import annotations

import click

from servicestub import __version__
from servicestub.settings import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED, Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="servicestub")
def main() -> None:
    """servicestub: a stateful mock of the Service Orders API (/v1) and the
    Services API v4 (/api/v4), with Swagger UI for each."""


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port to listen on."
)
@click.option(
    "--seed",
    default=DEFAULT_SEED,
    show_default=True,
    type=int,
    help="Seed of the generated data: the same seed gives the same data.",
)
@click.option(
    "--secret",
    envvar="SERVICESTUB_SECRET",
    default=None,
    help="Secret that signs public order links [env SERVICESTUB_SECRET]; "
    "derived from the seed when not set.",
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
def serve(
    host: str,
    port: int,
    seed: int,
    secret: str | None,
    validate_responses: bool,
    orders_per_store: int,
) -> None:
    """Serve the mock until Ctrl-C or SIGTERM."""
    import uvicorn

    from servicestub.app import create_app

    settings = Settings(
        seed=seed,
        secret=secret,
        validate_responses=validate_responses,
        orders_per_store=orders_per_store,
    )
    app = create_app(settings)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    click.echo(f"servicestub {__version__} on {base} (seed {seed})")
    click.echo(f"  Service Orders API  {base}/v1     docs {base}/v1/ui/")
    click.echo(f"  Services API v4     {base}/api/v4 docs {base}/api/v4/ui/")
    click.echo(f"  try: curl -s '{base}/v1/tenants/demo/stores/main/service-orders?perPage=5'")
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)
