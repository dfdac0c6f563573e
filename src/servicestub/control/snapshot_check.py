"""What a snapshot must hold beyond its JSON Schema for the server to serve it.

The schema (:mod:`servicestub.control.snapshot_schema`) checks each field on its
own; these are the invariants the APIs rely on across fields and records. Each
API's part checks its own (the Service Orders part in
:mod:`servicestub.apis.orders.snapshot`, the v4 part below) with the helpers of
:mod:`servicestub.engine.snapshot`; the whole document holds no NUL anywhere.

v4: ids unique in their scope (services, share plans, lookup rows);
``lastIdentity`` at least every service's identity; a service's lookup ids
resolve (or are null where the spec allows), a share plan's services too;
every lookup table present.

Duplicate keys inside one JSON object cannot be seen here (the parser keeps the
last); records therefore live in lists, where duplicates are found.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from servicestub.apis.orders import snapshot as orders_part
from servicestub.apis.services_v4.catalogue import NULLABLE, REFERENCES
from servicestub.core.shapes import Record
from servicestub.engine.snapshot import Refused, Where, no_nul, path_text
from servicestub.engine.snapshot import timestamp as _timestamp
from servicestub.engine.snapshot import unique as _unique

#: id field -> whether null is allowed (the spec's ReferenceId / OptionalReferenceId)
SERVICE_REFERENCES = {field: field in NULLABLE for field in REFERENCES}


def place(path: Iterable[str | int], data: Any = None) -> str:
    """``orders.tenants[0].stores[1].orders[3].order.createdAt``, followed by the
    ids of the tenant and store it lies in when ``data`` is given."""
    parts = list(path)
    names = []
    if data is not None and parts[:1] == ["orders"]:
        names = orders_part.names_at(parts[1:], data.get("orders"))
    return path_text(parts) + (f" ({', '.join(names)})" if names else "")


def invariant_problem(data: Record) -> str | None:
    """Where and how a schema-valid snapshot breaks an invariant; ``None`` if none."""
    try:
        no_nul(data)
        orders_part.check(data["orders"], data["seed"])
        _check_services(data["services"])
    except Refused as refused:
        return f"{place(refused.path, data)}: {refused.message}"
    return None


# -- Services v4 --------------------------------------------------------------


def _check_services(services: Record) -> None:
    root: Where = ("services",)
    tables = {table for table, _name, _key in REFERENCES.values()}
    lookups = services["lookups"]
    missing = sorted(tables - set(lookups))
    if missing:
        raise Refused(
            (*root, "lookups"), f"has no {', '.join(missing)} table; every lookup table is needed"
        )
    unknown = sorted(set(lookups) - tables)
    if unknown:
        raise Refused(
            (*root, "lookups"),
            f"{', '.join(unknown)} is not a lookup table (they are {', '.join(sorted(tables))})",
        )
    known = {
        table: _unique(rows, "identity", (*root, "lookups", table), id_like=False)
        for table, rows in lookups.items()
    }
    if services["ownerId"] not in known["owners"]:
        raise Refused((*root, "ownerId"), f"{services['ownerId']} is not in the owners table")
    by_identity = _unique(services["services"], "identity", (*root, "services"), id_like=False)
    last = services["lastIdentity"]
    for index, service in enumerate(services["services"]):
        at: Where = (*root, "services", index)
        if service["identity"] > last:
            raise Refused(
                (*at, "identity"),
                f"{service['identity']} is past services.lastIdentity ({last}): the counter "
                "must be at least every identity it gave, or a new service would get this one",
            )
        if service["id"] != service["identity"]:
            raise Refused(
                (*at, "id"), f"{service['id']} differs from identity {service['identity']}"
            )
        for field, nullable in SERVICE_REFERENCES.items():
            value = service.get(field)
            table = REFERENCES[field][0]
            if value is None and nullable:
                continue
            if value not in known[table]:
                allowed = " (or null)" if nullable else ""
                raise Refused(
                    (*at, field), f"{value} is not an identity of the {table} table{allowed}"
                )
        _timestamp(service["created"], (*at, "created"))
    _unique(services["sharePlans"], "identity", (*root, "sharePlans"), id_like=False)
    for index, plan in enumerate(services["sharePlans"]):
        for position, member in enumerate(plan["serviceIds"]):
            if member not in by_identity:
                raise Refused(
                    (*root, "sharePlans", index, "serviceIds", position),
                    f"{member} is not the identity of a service",
                )
