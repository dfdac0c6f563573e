"""The scope a contract run against a live target works in: its run id, the tenant
and store it writes under, and the file that lists what it created.

By default the tenant and store are fresh ones named after the seed and the run
id, so a run never shares data with anyone and ``--run-id`` with ``--seed``
repeats it exactly; ``--tenant`` / ``--store`` name existing ones for backends
where tenants must be provisioned first."""

from __future__ import annotations

import dataclasses
import secrets
import tempfile
from pathlib import Path

from servicestub.contract.model import Options


def new_run_id() -> str:
    """A short random run id (printed at the start, so a run can be repeated)."""
    return secrets.token_hex(4)


def default_created_file(run_id: str) -> Path:
    """Where a run's list of created records goes when ``--created-file`` is not given."""
    return Path(tempfile.gettempdir()) / "servicestub-contract" / f"{run_id}.created.jsonl"


@dataclasses.dataclass(frozen=True)
class RunScope:
    run_id: str
    tenant: str
    store: str
    created_file: Path
    #: True when the tenant is the run's own (not named with ``--tenant``): only then may
    #: the run change tenant-wide records it did not create (types, statuses, rates).
    fresh_tenant: bool
    #: Another tenant of the run's own, which it only reads: isolation checks ask it for
    #: the run's records. Fresh even with ``--tenant`` (on a servicestub it is dropped too).
    other_tenant: str

    @classmethod
    def of(cls, options: Options) -> RunScope:
        """The scope ``options`` ask for: given names, or fresh ones from seed and run id."""
        run_id = options.run_id or new_run_id()
        created = Path(options.created_file) if options.created_file else None
        fresh = f"ct{options.seed % 100000}-{run_id}"
        return cls(
            run_id=run_id,
            tenant=options.tenant or fresh,
            store=options.store or f"st-{run_id}",
            created_file=created or default_created_file(run_id),
            fresh_tenant=options.tenant is None,
            other_tenant=f"{fresh}-iso",
        )
