"""Pools of fake people and addresses, made with Faker once per seed.

Drawing from a pool with :class:`random.Random` is far faster than calling
Faker per record, and just as deterministic. The pools of a seed are also kept
in the user's cache directory, so a server start need not import Faker at all
(a fifth of a second): the file is named after this module's source and the
installed Faker, so a change to either makes a new one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import os
import unicodedata
from pathlib import Path

import orjson

from servicestub.core.files import write_atomic
from servicestub.engine.seeding import derive_seed

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
    place = _cache_file(seed)
    found = _read(place) if place is not None else None
    if found is None:
        found = make_people(seed)
        if place is not None:
            _write(place, found)
    return found


def _cache_file(seed: int) -> Path | None:
    spec = importlib.util.find_spec("faker")
    if spec is None or spec.origin is None:
        return None
    installed = os.stat(spec.origin)
    key = hashlib.blake2b(
        Path(__file__).read_bytes()
        + f"{spec.origin}:{installed.st_size}:{installed.st_mtime_ns}".encode(),
        digest_size=8,
    ).hexdigest()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "servicestub" / f"people-{seed}-{key}.json"


def _read(place: Path) -> People | None:
    try:
        data = orjson.loads(place.read_bytes())
        return People(tuple(data["customers"]), tuple(data["addresses"]), tuple(data["staff"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not there yet, or unreadable: made anew


def _write(place: Path, pools: People) -> None:
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(place, orjson.dumps(dataclasses.asdict(pools)))
    except OSError:
        pass  # a read-only home only costs the next start its Faker run


def make_people(seed: int) -> People:
    """The pools for ``seed``, made with Faker."""
    from faker import Faker

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
    staff: list[str] = []
    while len(staff) < STAFF_SIZE:
        username = f"{_ascii(fake.first_name())}-{_ascii(fake.last_name())[:1]}"
        if username not in staff:
            staff.append(username)
    return People(tuple(customers), addresses, tuple(staff))
