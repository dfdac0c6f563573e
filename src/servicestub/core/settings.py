"""Start-up settings of a servicestub server, shared by the CLI, tests and the app."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_SEED = 42
#: Seeded records are laid out before this instant unless ``--now`` says otherwise,
#: never from the wall clock, so a seed gives byte-identical data on every run.
DEFAULT_REFERENCE_TIME = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)
#: The reference times accepted: seeded dates (up to two years before it and a
#: few weeks after) then stay four-digit years after the Unix epoch.
EARLIEST_REFERENCE_TIME = datetime(1972, 1, 1, tzinfo=UTC)
LATEST_REFERENCE_TIME = datetime(9997, 12, 31, 23, 59, 59, tzinfo=UTC)
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that shapes a server's behaviour, fixed at start-up."""

    seed: int = DEFAULT_SEED
    #: Seeded timestamps and due dates are laid out relative to this instant (UTC,
    #: whole seconds); see :func:`parse_reference_time`.
    reference_time: datetime = DEFAULT_REFERENCE_TIME
    #: Secret for public hashes; derived from ``seed`` when not given.
    secret: str | None = None
    #: Validate every response against the spec (slower; on in tests).
    validate_responses: bool = False
    #: Serve routed requests through the lean dispatch (``app/lean.py``) rather
    #: than connexion's whole middleware chain (``False``: connexion's chain for all).
    lean_dispatch: bool = True
    #: Largest request body accepted, in bytes (413 past it).
    max_body_bytes: int = 1 << 20
    #: Largest snapshot accepted by ``PUT /_mock/state``.
    max_state_bytes: int = 256 << 20
    #: Service orders seeded in each store on first use.
    orders_per_store: int = 50
    #: Tenants only ever read are kept up to this many, then regenerated on demand.
    max_clean_tenants: int = 64
    #: Requests kept in the journal (oldest dropped first).
    journal_size: int = 1000
    #: Fault rules held at once.
    max_fault_rules: int = 100
    #: Root of the project's ``fixtures/`` directory (scenarios).
    fixtures_dir: Path | None = None
    #: Snapshot file loaded at start and written on save / clean shutdown.
    state_file: Path | None = None
    #: Scenario (name under fixtures/ or a path) loaded at start.
    scenario: str | None = None
    #: When set, ``/_mock`` requires ``Authorization: Bearer <token>``.
    admin_token: str | None = None
    #: Origins besides the server's own that may use ``/_mock`` (a dev proxy's).
    admin_origins: tuple[str, ...] = ()
    #: Host names besides the loopback ones that ``/_mock`` answers while on loopback.
    allowed_hosts: tuple[str, ...] = ()
    #: ``(api name, file)`` pairs: serve that OpenAPI file instead of the packaged spec
    #: of the API (``orders``, ``services``, ``admin``). Internal for now: how the tests
    #: serve a copy of a spec with a collection added; its operations without a
    #: handler function are served by the engine.
    spec_files: tuple[tuple[str, Path], ...] = ()
    #: ``(file, mount or None)``: third-party OpenAPI specs to serve (``serve --spec``),
    #: instead of the built-in APIs; the mount defaults to the spec's first server path.
    specs: tuple[tuple[Path, str | None], ...] = ()


def parse_reference_time(
    text: str, *, allow_now: bool = True, clock: Callable[[], datetime] | None = None
) -> datetime:
    """The reference time ``text`` names: an RFC 3339 instant (``2026-12-01T09:00:00Z``,
    any offset; fractions of a second are dropped), or ``now`` (when ``allow_now``):
    the wall clock truncated to the minute, so that servers started within the same
    minute seed the same data. Raises :class:`ValueError` saying what is accepted."""
    text = text.strip()
    if allow_now and text.lower() == "now":
        moment = (clock or (lambda: datetime.now(UTC)))().astimezone(UTC)
        return moment.replace(second=0, microsecond=0)
    accepted = "an RFC 3339 instant such as 2026-12-01T09:00:00Z" + (
        " or 'now'" if allow_now else ""
    )
    if not _RFC3339.fullmatch(text):
        raise ValueError(f"{text!r} is not {accepted}")
    try:
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        moment = moment.astimezone(UTC).replace(microsecond=0)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"{text!r} is not a valid instant ({error}); give {accepted}") from None
    if not EARLIEST_REFERENCE_TIME <= moment <= LATEST_REFERENCE_TIME:
        raise ValueError(
            f"{text!r} is out of range: the reference time must lie between "
            f"{format_reference_time(EARLIEST_REFERENCE_TIME)} and "
            f"{format_reference_time(LATEST_REFERENCE_TIME)}"
        )
    return moment


def format_reference_time(moment: datetime) -> str:
    """``moment`` as RFC 3339 UTC with a ``Z``, as the API writes timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
