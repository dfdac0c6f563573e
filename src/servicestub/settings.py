"""Start-up settings of a servicestub server, shared by the CLI, tests and the app."""

from __future__ import annotations

import dataclasses
from pathlib import Path

DEFAULT_SEED = 42
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that shapes a server's behaviour, fixed at start-up."""

    seed: int = DEFAULT_SEED
    #: Secret for public hashes; derived from ``seed`` when not given.
    secret: str | None = None
    #: Validate every response against the spec (slower; on in tests).
    validate_responses: bool = False
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
