"""The catalogue as plain JSON-able data in a state snapshot, and back."""

from __future__ import annotations

from servicestub.apis.services_v4.state import CatalogueState, copied_plan
from servicestub.core.shapes import Record


def to_snapshot(state: CatalogueState) -> Record:
    """Plain JSON-able data, shared with nothing the catalogue goes on changing;
    :func:`from_snapshot` restores it exactly."""
    detached = state.copy()
    return {
        "ownerId": state.owner_id,
        "lastIdentity": state.last_identity,
        "lookups": {
            table: [{"identity": k, "name": v} for k, v in values.items()]
            for table, values in state.lookups.items()
        },
        "services": list(detached.services.values()),
        "sharePlans": list(detached.share_plans.values()),
    }


def from_snapshot(data: Record) -> CatalogueState:
    """The catalogue ``data`` (a checked snapshot's ``services``) holds; it shares
    nothing with ``data``."""
    return CatalogueState(
        lookups={
            table: {row["identity"]: row["name"] for row in rows}
            for table, rows in data["lookups"].items()
        },
        services={s["identity"]: dict(s) for s in data["services"]},
        share_plans={p["identity"]: copied_plan(p) for p in data["sharePlans"]},
        owner_id=data["ownerId"],
        last_identity=data["lastIdentity"],
    )
