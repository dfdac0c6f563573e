"""The writes of the Services API v4: create, update and delete a service.

What a write may set, what a create needs and defaults and which fields may be
null are the spec's (:mod:`.spec`); every lookup id a write sets must be in its
table; a new service takes the identity past the high-water mark. A write that
fails raises before it changes anything.
"""

from __future__ import annotations

from datetime import UTC, datetime

from servicestub.apis.services_v4 import reports
from servicestub.apis.services_v4.spec import (
    CREATE_REQUIRED,
    DEFAULTS,
    IDENTITY_MAX,
    NULLABLE,
    WRITABLE,
)
from servicestub.apis.services_v4.state import REFERENCES, CatalogueState, service_record
from servicestub.core.errors import BadRequest
from servicestub.core.shapes import Record
from servicestub.engine.ids import next_count
from servicestub.engine.seeding import iso


def writable(body: Record) -> Record:
    """The fields of ``body`` a write sets (anything else in it is ignored)."""
    return {name: body[name] for name in WRITABLE if name in body}


def _refuse_nulls(fields: Record) -> None:
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise BadRequest(f"{name} cannot be null.")


def check_lookups(state: CatalogueState, fields: Record) -> Record:
    """``fields``, once every lookup id in them is known to its table; 400 naming
    the field and the ids known otherwise (the owner is set by the server)."""
    for id_field, (table, _name, _key) in REFERENCES.items():
        value = fields.get(id_field)
        if id_field != "ownerId" and value is not None and value not in state.lookups[table]:
            known = ", ".join(str(k) for k in sorted(state.lookups[table]))
            raise BadRequest(
                f"{id_field} {value} is not in the {table} table (known ids: {known})."
            )
    return fields


def next_identity(state: CatalogueState) -> int:
    """The identity a new service gets: one past every identity ever given;
    409 once the spec's largest is taken."""
    return next_count(state.last_identity, IDENTITY_MAX, "service identity")


def create(state: CatalogueState, body: Record, *, now: datetime | None = None) -> Record:
    """Add a service from ``body``'s writable fields (the spec's defaults for the
    others), owned by the catalogue's owner, created ``now``."""
    fields = writable(body)
    for required in CREATE_REQUIRED:
        if fields.get(required) is None:
            raise BadRequest(f"{required} is required to create a service.")
    _refuse_nulls(fields)
    check_lookups(state, fields)
    identity = next_identity(state)
    created = iso(now or datetime.now(UTC))
    service = service_record(identity, state.owner_id, created, {**DEFAULTS, **fields})
    state.services[identity] = service
    state.last_identity = identity
    return service


def update(state: CatalogueState, identity: int, body: Record) -> Record:
    """Replace the writable fields ``body`` holds on service ``identity``; the others are kept."""
    service = state.get(identity)
    fields = writable(body)
    _refuse_nulls(fields)
    service.update(check_lookups(state, fields))
    return service


def delete(state: CatalogueState, identity: int) -> list[Record]:
    """Remove service ``identity`` and detach it from its share plans; the report
    of everything it touched (the service, then each plan)."""
    state.get(identity)
    del state.services[identity]
    report = [reports.deleted(identity)]
    for plan in state.plans_of(identity):
        plan["serviceIds"].remove(identity)
        report.append(reports.detached(plan["identity"], identity))
    return report
