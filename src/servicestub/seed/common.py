"""What every seeder shares: the reference clock and seed derivation."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime

#: Seeded timestamps are laid out before this instant, never from the wall clock,
#: so that a seed gives byte-identical data on every run and machine.
REFERENCE_TIME = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)


def derive_seed(seed: int, *parts: str) -> int:
    """A stable 64-bit seed for ``parts`` under the global ``seed``.

    Python's ``hash()`` is salted per process, so a digest is used instead.
    """
    text = "\x1f".join((str(seed), *parts)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def rng_for(seed: int, *parts: str) -> random.Random:
    """A private random generator for ``parts`` under the global ``seed``."""
    return random.Random(derive_seed(seed, *parts))


def iso(moment: datetime) -> str:
    """RFC 3339 UTC timestamp with a ``Z``, as every API of the mock writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
