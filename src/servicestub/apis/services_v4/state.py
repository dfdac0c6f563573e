"""The Services v4 catalogue's data: services, lookup tables and share plans.

Services are stored with ids only; every ``*Name`` is resolved from its lookup
table when a service is read (:mod:`.views`), so renaming a lookup shows
everywhere. A new service's identity comes from
:attr:`CatalogueState.last_identity`, a high-water mark kept in snapshots: a
deleted service's identity is never given again (:mod:`.rules`).
"""

from __future__ import annotations

import dataclasses
from typing import Self, TypeAlias

from servicestub.apis.services_v4.spec import SERVICE
from servicestub.apis.services_v4.vocabulary import LOOKUPS
from servicestub.core.errors import NotFound
from servicestub.core.shapes import Record

#: lookup table -> identity -> name
Lookups: TypeAlias = dict[str, dict[int, str]]
#: id field -> (lookup table, name field, details key)
REFERENCES: dict[str, tuple[str, str, str]] = {
    "ownerId": ("owners", "ownerName", "owner"),
    **{
        id_field: (table, id_field.removesuffix("Id") + "Name", id_field.removesuffix("Id"))
        for table, (id_field, _values) in LOOKUPS.items()
    },
}
#: The fields a service is stored with (the spec's, in its order, less the
#: names resolved when it is read).
STORED_FIELDS: tuple[str, ...] = tuple(
    name for name in SERVICE if name not in {n for _t, n, _k in REFERENCES.values()}
)
#: Seeded services are numbered from 1001: the high-water mark before any.
FIRST_IDENTITY = 1001


def service_record(identity: int, owner_id: int, created: str, fields: Record) -> Record:
    """A stored service: ``fields`` (every other stored field) with its identity
    (also its ``id``), owner and creation time, in the spec's field order.

    The one place a service record is made, by seeding and by a create alike."""
    given = {
        **fields,
        "identity": identity,
        "id": identity,
        "ownerId": owner_id,
        "created": created,
    }
    return {name: given[name] for name in STORED_FIELDS}


def copied_plan(plan: Record) -> Record:
    """A share plan whose member list can change without touching ``plan``'s."""
    return {**plan, "serviceIds": list(plan["serviceIds"])}


@dataclasses.dataclass
class CatalogueState:
    """All data of the Services API v4."""

    lookups: Lookups
    services: dict[int, Record]
    share_plans: dict[int, Record]
    owner_id: int
    #: The largest identity ever given to a service, deleted ones included.
    last_identity: int

    @classmethod
    def adopting(cls, state: CatalogueState) -> Self:
        """This class holding ``state``'s data (shared, not copied: ``state`` is
        handed over)."""
        return cls(
            **{field.name: getattr(state, field.name) for field in dataclasses.fields(state)}
        )

    def copy(self) -> CatalogueState:
        """A copy whose services and share plans can change without touching this one.

        Service records hold scalars only, so copying each record is a deep copy;
        lookups are never changed by writes and stay shared."""
        return CatalogueState(
            lookups=self.lookups,
            services={i: dict(s) for i, s in self.services.items()},
            share_plans={i: copied_plan(p) for i, p in self.share_plans.items()},
            owner_id=self.owner_id,
            last_identity=self.last_identity,
        )

    def take(self, other: CatalogueState) -> None:
        """Hold ``other``'s services, share plans and high-water mark (a write
        worked out on a :meth:`copy`, now made)."""
        self.services, self.share_plans = other.services, other.share_plans
        self.last_identity = other.last_identity

    def count(self) -> int:
        return len(self.services)

    def get(self, identity: int) -> Record:
        found = self.services.get(identity)
        if found is None:
            raise NotFound(f"Service {identity} does not exist.")
        return found

    def listing(self, *, active_only: bool = False) -> list[Record]:
        """Services by identity."""
        return [s for _i, s in sorted(self.services.items()) if not active_only or s["isActive"]]

    def plans_of(self, identity: int) -> list[Record]:
        """The share plans service ``identity`` is on, by plan identity as stored."""
        return [p for p in self.share_plans.values() if identity in p["serviceIds"]]

    def lookup_name(self, id_field: str, value: int | None) -> str | None:
        """The name ``value`` of ``id_field`` stands for; ``None`` for none."""
        return None if value is None else self.lookups[REFERENCES[id_field][0]].get(value)

    def rename_lookup(self, table: str, names: list[str]) -> None:
        """Replace a lookup table with ``names`` (ids 1..n); services keep valid ids."""
        self.lookups[table] = dict(enumerate(names, start=1))
        id_field = next(f for f, (t, _n, _k) in REFERENCES.items() if t == table)
        for service in self.services.values():
            if service.get(id_field) is not None:
                service[id_field] = (service[id_field] - 1) % len(names) + 1
