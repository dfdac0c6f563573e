"""The Services v4 catalogue: services, lookup tables and share plans.

Services are stored with ids only; every ``*Name`` is resolved from its lookup
table when the service is read, so renaming a lookup shows everywhere. A new
service's identity comes from :attr:`Catalogue.last_identity`, a high-water mark
kept in snapshots: a deleted service's identity is never given again.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from datetime import UTC, datetime, timedelta

from faker import Faker

from servicestub.apis.services_v4.search import search
from servicestub.apis.services_v4.vocabulary import (
    LOOKUPS,
    QUALIFIERS,
    SERVICES,
    SHARE_PLANS,
    USUAL_FREQUENCIES,
)
from servicestub.core.errors import BadRequest, NotFound
from servicestub.core.settings import DEFAULT_REFERENCE_TIME
from servicestub.core.shapes import Record
from servicestub.engine.ids import next_count
from servicestub.engine.paging import page_slice
from servicestub.engine.seeding import derive_seed, iso, rng_for

#: id field -> (lookup table, name field, details key)
REFERENCES: dict[str, tuple[str, str, str]] = {
    "ownerId": ("owners", "ownerName", "owner"),
    **{
        id_field: (table, id_field.removesuffix("Id") + "Name", id_field.removesuffix("Id"))
        for table, (id_field, _values) in LOOKUPS.items()
    },
}
WRITABLE = (
    "name",
    "serviceTypeId",
    "usageFrequency",
    "usageFrequencyTypeId",
    "isActive",
    "isTaxExempt",
    "isInclusiveTaxes",
    "generalLedgerId",
    "taxCodeId",
    "serviceTaxCategoryId",
    "defaultServiceStatusTypeId",
    "serviceCategoryId",
    "description",
)
DEFAULTS: Record = {
    "usageFrequency": None,
    "usageFrequencyTypeId": None,
    "isActive": True,
    "isTaxExempt": False,
    "isInclusiveTaxes": False,
    "generalLedgerId": None,
    "taxCodeId": None,
    "serviceTaxCategoryId": None,
    "defaultServiceStatusTypeId": None,
    "serviceCategoryId": None,
    "description": None,
}
SEEDED_SERVICES = 200
OWNERS = 8
#: Seeded services are numbered from 1001: the high-water mark before any.
FIRST_IDENTITY = 1001
#: The spec's largest ``identity`` (a 32-bit integer).
IDENTITY_MAX = 2**31 - 1


@functools.lru_cache(maxsize=4)
def _owner_names(seed: int) -> tuple[str, ...]:
    """The owners' names for ``seed``: Faker runs once per seed, not per catalogue."""
    fake = Faker("en_US")
    fake.seed_instance(derive_seed(seed, "catalogue-people"))
    return tuple(fake.name() for _ in range(OWNERS))


def _id_of(lookups: dict[str, dict[int, str]], table: str, name: str) -> int:
    return next(i for i, known in lookups[table].items() if known == name)


def _seeded_service(
    rng: random.Random,
    identity: int,
    lookups: dict[str, dict[int, str]],
    inactive_share: float,
    reference_time: datetime,
    qualifier: str,
    service: str,
    suffix: str,
) -> Record:
    """One seeded service: "<qualifier> <service>", in the service's category and
    at the frequency its qualifier names (any other lookup drawn at random),
    created up to two years before ``reference_time``."""
    name = f"{qualifier} {service}{suffix}"
    implied = QUALIFIERS[qualifier]
    frequency = implied or rng.choice(USUAL_FREQUENCIES)
    category = SERVICES[service]
    created = reference_time - timedelta(minutes=rng.randint(60, 720 * 24 * 60))
    return {
        "identity": identity,
        "name": name,
        "ownerId": rng.randint(1, OWNERS),
        "serviceTypeId": rng.choice(list(lookups["serviceTypes"])),
        "usageFrequency": rng.choice((1, 1, 1, 2, 4)),
        "usageFrequencyTypeId": _id_of(lookups, "usageFrequencyTypes", frequency),
        "created": iso(created),
        "isActive": rng.random() >= inactive_share,
        "isTaxExempt": rng.random() < 0.1,
        "isInclusiveTaxes": rng.random() < 0.3,
        "generalLedgerId": rng.choice(list(lookups["generalLedgers"])),
        "taxCodeId": rng.choice(list(lookups["taxCodes"])),
        "serviceTaxCategoryId": rng.choice(list(lookups["serviceTaxCategories"])),
        "defaultServiceStatusTypeId": rng.choice(list(lookups["serviceStatusTypes"])),
        "serviceCategoryId": _id_of(lookups, "serviceCategories", category),
        "description": f"{name} ({category.lower()}), billed {frequency.lower()}.",
        "id": identity,
    }


@dataclasses.dataclass
class Catalogue:
    """All data of the Services API v4."""

    lookups: dict[str, dict[int, str]]
    services: dict[int, Record]
    share_plans: dict[int, Record]
    owner_id: int
    #: The largest identity ever given to a service, deleted ones included.
    last_identity: int

    # -- construction --------------------------------------------------------

    @classmethod
    def seeded(
        cls,
        seed: int,
        *,
        count: int = SEEDED_SERVICES,
        inactive_share: float = 0.15,
        share_plans: list[tuple[str, int | None]] | None = None,
        reference_time: datetime = DEFAULT_REFERENCE_TIME,
    ) -> Catalogue:
        """``count`` services with lookups and share plans, identical for a seed and
        ``reference_time`` (the services were created before it).

        ``share_plans`` lists (name, size); a size of ``None`` picks 5-25 services."""
        rng = rng_for(seed, "catalogue")
        lookups = {"owners": dict(enumerate(_owner_names(seed), start=1))}
        for table, (_field, values) in LOOKUPS.items():
            lookups[table] = dict(enumerate(values, start=1))
        base = [(q, s) for q in QUALIFIERS for s in SERVICES]
        picked = [(q, s, "") for q, s in rng.sample(base, min(count, len(base)))]
        picked += [
            (*base[i % len(base)], f" (Zone {i // len(base) + 2})")
            for i in range(count - len(picked))
        ]
        services = {
            identity: _seeded_service(
                rng, identity, lookups, inactive_share, reference_time, *words
            )
            for identity, words in enumerate(picked, start=FIRST_IDENTITY)
        }
        plans: dict[int, Record] = {}
        wanted = share_plans if share_plans is not None else [(n, None) for n in SHARE_PLANS]
        for identity, (name, size) in enumerate(wanted, start=501):
            size = min(rng.randint(5, 25) if size is None else size, len(services))
            members = sorted(rng.sample(sorted(services), size))
            plans[identity] = {"identity": identity, "name": name, "serviceIds": members}
        return cls(
            lookups=lookups,
            services=services,
            share_plans=plans,
            owner_id=1,
            last_identity=max(services, default=FIRST_IDENTITY - 1),
        )

    def to_snapshot(self) -> Record:
        """Plain JSON-able data, shared with nothing the catalogue goes on changing;
        :meth:`from_snapshot` restores it exactly."""
        detached = self._copy()
        return {
            "ownerId": self.owner_id,
            "lastIdentity": self.last_identity,
            "lookups": {
                table: [{"identity": k, "name": v} for k, v in values.items()]
                for table, values in self.lookups.items()
            },
            "services": list(detached.services.values()),
            "sharePlans": list(detached.share_plans.values()),
        }

    @classmethod
    def from_snapshot(cls, data: Record) -> Catalogue:
        return cls(
            lookups={
                table: {row["identity"]: row["name"] for row in rows}
                for table, rows in data["lookups"].items()
            },
            services={s["identity"]: dict(s) for s in data["services"]},
            share_plans={
                p["identity"]: {**p, "serviceIds": list(p["serviceIds"])}
                for p in data["sharePlans"]
            },
            owner_id=data["ownerId"],
            last_identity=data["lastIdentity"],
        )

    def _copy(self) -> Catalogue:
        """A copy whose services and share plans can change without touching this one.

        Service records hold scalars only, so copying each record is a deep copy;
        lookups are never changed by writes and stay shared."""
        return Catalogue(
            lookups=self.lookups,
            services={i: dict(s) for i, s in self.services.items()},
            share_plans={
                i: {**p, "serviceIds": list(p["serviceIds"])} for i, p in self.share_plans.items()
            },
            owner_id=self.owner_id,
            last_identity=self.last_identity,
        )

    def rename_lookup(self, table: str, names: list[str]) -> None:
        """Replace a lookup table with ``names`` (ids 1..n); services keep valid ids."""
        self.lookups[table] = dict(enumerate(names, start=1))
        id_field = next(f for f, (t, _n, _k) in REFERENCES.items() if t == table)
        for service in self.services.values():
            if service.get(id_field) is not None:
                service[id_field] = (service[id_field] - 1) % len(names) + 1

    def count(self) -> int:
        return len(self.services)

    # -- reading -------------------------------------------------------------

    def get(self, identity: int) -> Record:
        found = self.services.get(identity)
        if found is None:
            raise NotFound(f"Service {identity} does not exist.")
        return found

    def render(self, service: Record) -> Record:
        """The API view: stored fields plus every ``*Name`` from its lookup."""
        view = dict(service)
        for id_field, (table, name_field, _key) in REFERENCES.items():
            value = service.get(id_field)
            view[name_field] = self.lookups[table].get(value) if value is not None else None
        return view

    def details(self, service: Record) -> Record:
        detail: Record = {}
        for id_field, (table, _name, key) in REFERENCES.items():
            value = service.get(id_field)
            name = self.lookups[table].get(value) if value is not None else None
            detail[key] = {"identity": value, "name": name} if name is not None else None
        plans = [
            {"identity": p["identity"], "name": p["name"]}
            for p in self.share_plans.values()
            if service["identity"] in p["serviceIds"]
        ]
        detail["sharePlans"] = {"totalCount": len(plans), "items": plans}
        return detail

    def render_detail(self, service: Record) -> Record:
        return {**self.render(service), "details": self.details(service)}

    def listing(self, *, active_only: bool = False) -> list[Record]:
        """Services by identity."""
        return [s for _i, s in sorted(self.services.items()) if not active_only or s["isActive"]]

    def page(self, number: int, size: int, *, detail: bool = False) -> tuple[list[Record], int]:
        """The rendered services of 1-based page ``number`` and the total count."""
        services = self.listing()
        render = self.render_detail if detail else self.render
        return [render(s) for s in page_slice(services, number, size)], len(services)

    def find(self, criteria: list[Record], top: int) -> list[Record]:
        """The first ``top`` rendered services meeting every search criterion."""
        return search([self.render(s) for s in self.listing()], criteria, top)

    # -- writing -------------------------------------------------------------

    def _checked(self, fields: Record) -> Record:
        for id_field, (table, _name, _key) in REFERENCES.items():
            value = fields.get(id_field)
            if id_field != "ownerId" and value is not None and value not in self.lookups[table]:
                known = ", ".join(str(k) for k in sorted(self.lookups[table]))
                raise BadRequest(
                    f"{id_field} {value} is not in the {table} table (known ids: {known})."
                )
        return fields

    def create(self, body: Record, *, now: datetime | None = None) -> Record:
        fields = {k: body[k] for k in WRITABLE if k in body}
        for required in ("name", "serviceTypeId"):
            if fields.get(required) is None:
                raise BadRequest(f"{required} is required to create a service.")
        self._checked(fields)
        identity = next_count(self.last_identity, IDENTITY_MAX, "service identity")
        service = {
            "identity": identity,
            "ownerId": self.owner_id,
            "created": iso(now or datetime.now(UTC)),
            **DEFAULTS,
            **fields,
            "id": identity,
        }
        self.services[identity] = service
        self.last_identity = identity
        return service

    def update(self, identity: int, body: Record) -> Record:
        service = self.get(identity)
        fields = {k: body[k] for k in WRITABLE if k in body}
        for required in ("name", "serviceTypeId"):
            if required in fields and fields[required] is None:
                raise BadRequest(f"{required} cannot be null.")
        service.update(self._checked(fields))
        return service

    def delete(self, identity: int) -> list[Record]:
        """Remove the service; the report of everything it touched."""
        self.get(identity)
        del self.services[identity]
        report: list[Record] = [
            {"identity": identity, "action": "deleted", "dtoTypeKey": "service"}
        ]
        for plan in self.share_plans.values():
            if identity in plan["serviceIds"]:
                plan["serviceIds"].remove(identity)
                report.append(
                    {
                        "lhsId": plan["identity"],
                        "rhsId": identity,
                        "action": "detached",
                        "dtoTypeKey": "sharePlanService",
                    }
                )
        return report

    def patch(self, path_identity: int, items: list[Record]) -> list[Record]:
        """Apply a DataFlow batch all or nothing: work on a copy, swap on success."""
        self.get(path_identity)
        trial = self._copy()
        results = []
        for item in items:
            client_id = item.get("patchClientId")
            try:
                results.append(trial._patch_one(path_identity, item))
            except (BadRequest, NotFound) as error:
                raise BadRequest(
                    f"PATCH item with patchClientId {client_id} ({item.get('patchType')}) "
                    f"failed: {error.detail} Nothing was changed.",
                    patchClientId=client_id,
                ) from None
        self.services, self.share_plans = trial.services, trial.share_plans
        self.last_identity = trial.last_identity
        return [{**r, "instance": self.render(r["instance"])} for r in results]

    def _patch_one(self, path_identity: int, item: Record) -> Record:
        kind = item["patchType"]
        identity = item.get("identity") or path_identity
        if kind == "create":
            service = self.create(item)
            action = "created"
        elif kind == "update":
            service = self.update(identity, item)
            action = "updated"
        else:
            service = self.get(identity)
            self.delete(identity)
            action = "deleted"
        return {
            "identity": service["identity"],
            "action": action,
            "dtoTypeKey": "service",
            "patchClientId": item.get("patchClientId"),
            "instance": service,
        }
