"""What every seeder shares: seed derivation and the timestamps of the reference clock.

Seeded timestamps are laid out before a reference time (``Settings.reference_time``,
``--now``), never read from the wall clock while seeding, so a seed and a reference
time give byte-identical data on every run and machine."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

_EPOCH_DAY = date(1970, 1, 1)
DAY = 86400


def epoch(moment: datetime) -> int:
    """``moment`` in whole seconds since the Unix epoch (how seeders count time)."""
    return int(moment.timestamp())


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


@functools.lru_cache(maxsize=8192)
def day_at(days: int) -> str:
    """``YYYY-MM-DD`` of the day ``days`` after 1970-01-01."""
    return (_EPOCH_DAY + timedelta(days=days)).isoformat()


def iso_at(epoch: int) -> str:
    """:func:`iso` of the second ``epoch`` (seconds since the Unix epoch).

    Seeding writes hundreds of thousands of timestamps: integer arithmetic and a
    cached day string are several times faster than ``datetime.strftime``.
    """
    days, seconds = divmod(epoch, DAY)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{day_at(days)}T{hours:02d}:{minutes:02d}:{seconds:02d}Z"


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Keep the cyclic garbage collector away from the long-lived objects seeding makes.

    Seeding 100,000 orders allocates millions of dicts that all stay alive: the
    collector would scan them again and again while they are made (a third of
    the time), and again in the first collections after (pauses of half a
    second at 100,000 orders). So it is paused while seeding and what was made
    is then frozen (:func:`gc.freeze`): never scanned again. Reference counting
    still frees it when dropped; seeded data holds no reference cycles (an
    order's link to its store is weak), so nothing frozen is ever lost to them.

    Wrap only the seeding work in it, wherever it runs (at start-up or lazily,
    in the request that first uses a store). :func:`gc.freeze` freezes every
    object alive, not only those seeding made (CPython has no narrower freeze),
    so garbage is collected first: no unreachable cycle of before - a request's
    exception and its frames, say - is frozen, and so kept, for good. What else
    is alive then (the live objects of the request that seeds) is frozen too,
    and freed by reference counting as usual when dropped.
    """
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
