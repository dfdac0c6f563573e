"""The seeded catalogue: the same services, lookups and share plans for a seed
and a reference time, whatever else the server did before."""

from __future__ import annotations

import functools
import random
from datetime import datetime, timedelta

from faker import Faker

from servicestub.apis.services_v4.state import (
    FIRST_IDENTITY,
    CatalogueState,
    Lookups,
    service_record,
)
from servicestub.apis.services_v4.vocabulary import (
    LOOKUPS,
    QUALIFIERS,
    SERVICES,
    SHARE_PLANS,
    USUAL_FREQUENCIES,
)
from servicestub.core.settings import DEFAULT_REFERENCE_TIME
from servicestub.core.shapes import Record
from servicestub.engine.seeding import derive_seed, iso, rng_for

SEEDED_SERVICES = 200
OWNERS = 8
#: Share plans are numbered from 501.
FIRST_PLAN = 501


@functools.lru_cache(maxsize=4)
def _owner_names(seed: int) -> tuple[str, ...]:
    """The owners' names for ``seed``: Faker runs once per seed, not per catalogue."""
    fake = Faker("en_US")
    fake.seed_instance(derive_seed(seed, "catalogue-people"))
    return tuple(fake.name() for _ in range(OWNERS))


def _id_of(lookups: Lookups, table: str, name: str) -> int:
    return next(i for i, known in lookups[table].items() if known == name)


def _seeded_service(
    rng: random.Random,
    identity: int,
    lookups: Lookups,
    inactive_share: float,
    reference_time: datetime,
    qualifier: str,
    service: str,
    suffix: str,
) -> Record:
    """One seeded service: "<qualifier> <service>", in the service's category and
    at the frequency its qualifier names (any other lookup drawn at random),
    created up to two years before ``reference_time``.

    The draws are made in this order whatever the record's field order: the
    seeded data of a seed never changes."""
    name = f"{qualifier} {service}{suffix}"
    implied = QUALIFIERS[qualifier]
    frequency = implied or rng.choice(USUAL_FREQUENCIES)
    category = SERVICES[service]
    created = reference_time - timedelta(minutes=rng.randint(60, 720 * 24 * 60))
    owner_id = rng.randint(1, OWNERS)
    fields: Record = {
        "name": name,
        "serviceTypeId": rng.choice(list(lookups["serviceTypes"])),
        "usageFrequency": rng.choice((1, 1, 1, 2, 4)),
        "usageFrequencyTypeId": _id_of(lookups, "usageFrequencyTypes", frequency),
        "isActive": rng.random() >= inactive_share,
        "isTaxExempt": rng.random() < 0.1,
        "isInclusiveTaxes": rng.random() < 0.3,
        "generalLedgerId": rng.choice(list(lookups["generalLedgers"])),
        "taxCodeId": rng.choice(list(lookups["taxCodes"])),
        "serviceTaxCategoryId": rng.choice(list(lookups["serviceTaxCategories"])),
        "defaultServiceStatusTypeId": rng.choice(list(lookups["serviceStatusTypes"])),
        "serviceCategoryId": _id_of(lookups, "serviceCategories", category),
        "description": f"{name} ({category.lower()}), billed {frequency.lower()}.",
    }
    return service_record(identity, owner_id, iso(created), fields)


def seed_catalogue(
    seed: int,
    *,
    count: int = SEEDED_SERVICES,
    inactive_share: float = 0.15,
    share_plans: list[tuple[str, int | None]] | None = None,
    reference_time: datetime = DEFAULT_REFERENCE_TIME,
) -> CatalogueState:
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
        (*base[i % len(base)], f" (Zone {i // len(base) + 2})") for i in range(count - len(picked))
    ]
    services = {
        identity: _seeded_service(rng, identity, lookups, inactive_share, reference_time, *words)
        for identity, words in enumerate(picked, start=FIRST_IDENTITY)
    }
    plans: dict[int, Record] = {}
    wanted = share_plans if share_plans is not None else [(n, None) for n in SHARE_PLANS]
    for identity, (name, size) in enumerate(wanted, start=FIRST_PLAN):
        size = min(rng.randint(5, 25) if size is None else size, len(services))
        members = sorted(rng.sample(sorted(services), size))
        plans[identity] = {"identity": identity, "name": name, "serviceIds": members}
    return CatalogueState(
        lookups=lookups,
        services=services,
        share_plans=plans,
        owner_id=1,
        last_identity=max(services, default=FIRST_IDENTITY - 1),
    )
