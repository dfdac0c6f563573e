"""Pools of fake people and addresses, made with Faker once per seed.

Drawing from a pool with :class:`random.Random` is far faster than calling
Faker per record, and just as deterministic.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata

from faker import Faker

from servicestub.seed.common import derive_seed

POOL_SIZE = 400
STAFF_SIZE = 40


@dataclasses.dataclass(frozen=True)
class People:
    customers: tuple[dict[str, str], ...]
    addresses: tuple[dict[str, str], ...]
    staff: tuple[str, ...]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in "-")).lower()


@functools.lru_cache(maxsize=4)
def people(seed: int) -> People:
    """The pools for ``seed`` (cached: seeding many stores reuses them)."""
    fake = Faker("de_DE")
    fake.seed_instance(derive_seed(seed, "people"))
    customers = []
    for _ in range(POOL_SIZE):
        first, last = fake.first_name(), fake.last_name()
        customers.append(
            {
                "name": f"{first} {last}",
                "email": f"{_ascii(first)}.{_ascii(last)}@{fake.free_email_domain()}",
                "phone": fake.phone_number(),
            }
        )
    addresses = tuple(
        {
            "street": fake.street_address(),
            "postalCode": fake.postcode(),
            "city": fake.city(),
            "countryCode": "DE",
        }
        for _ in range(POOL_SIZE)
    )
    staff = []
    while len(staff) < STAFF_SIZE:
        username = f"{_ascii(fake.first_name())}-{_ascii(fake.last_name())[:1]}"
        if username not in staff:
            staff.append(username)
    return People(tuple(customers), addresses, tuple(staff))
