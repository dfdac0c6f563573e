"""Ids the mock issues: counters kept as high-water marks, and uids that say
which count they were issued for.

A counter is never rebuilt from the data: a deleted record's id would come
back. It only grows, is kept in snapshots, and a snapshot is refused when it
holds an id past its counter (see :mod:`servicestub.control.snapshot_check`).

The uid of a client's record is the count it was issued for, put through a
keyed permutation of the 122 free bits of a UUID4 (a Feistel network keyed by
the seed): reproducible for a seed, distinct for distinct counts, and
:meth:`UidCodec.count_of` reads the count back, so an import can tell whether
a uid was issued past the counter it comes with.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
from collections.abc import Callable, Container

from servicestub.core.errors import Conflict
from servicestub.core.shapes import Json
from servicestub.engine.fabricate import FabricateError, Fabricator
from servicestub.engine.model import CollectionModel

#: The largest value of a counter: the largest integer every JSON reader
#: (JavaScript's included) holds exactly.
COUNTER_MAX = 2**53 - 1

_HALF = 61  # 122 free bits of a UUID4, in two halves
_HALF_MASK = (1 << _HALF) - 1
_ROUNDS = 3  # the fewest that make a Feistel network look random
#: Where a UUID4's version (4 bits) and variant (2 bits) sit among its 128 bits.
_VERSION_SHIFT, _VARIANT_SHIFT = 76, 62
#: How many ids a new record's id is drawn from before its item path is taken to
#: accept none that is free (a path taking ``train|test``, both held).
FREE_ID_ATTEMPTS = 64
#: What the id of a seeded record meets beside its schema where clients choose keys.
_SEEDED_KEY: Json = {"minLength": 3}
#: What an id drawn for a text shape that says little (lengths only) meets too: a
#: path segment of letters, digits and dashes, never words with spaces.
SEGMENT: Json = {"pattern": "^[a-z0-9][a-z0-9-]*$"}
#: How long the engine's uids (UUIDs) are.
UUID_LENGTH = 36


def next_count(last: int, limit: int, what: str) -> int:
    """The value after ``last``, or 409 when it would pass ``limit``."""
    if last >= limit:
        raise Conflict(
            f"Every {what} up to {limit} has been issued; nothing more can be created. "
            "Reset the mock (POST /_mock/reset) or import a state with room left."
        )
    return last + 1


def _spread(bits: int) -> int:
    """122 free bits -> the 128 bits of a UUID4 (version 4, RFC 4122 variant)."""
    low = bits & ((1 << _VARIANT_SHIFT) - 1)
    middle = (bits >> _VARIANT_SHIFT) & 0xFFF
    high = bits >> (_VARIANT_SHIFT + 12)
    return (high << 80) | (0x4 << _VERSION_SHIFT) | (middle << 64) | (0b10 << 62) | low


def _gather(value: int) -> int | None:
    """:func:`_spread` undone; ``None`` for an integer that is not a UUID4."""
    if (value >> _VERSION_SHIFT) & 0xF != 0x4 or (value >> 62) & 0b11 != 0b10:
        return None
    low = value & ((1 << _VARIANT_SHIFT) - 1)
    middle = (value >> 64) & 0xFFF
    high = value >> 80
    return (high << (_VARIANT_SHIFT + 12)) | (middle << _VARIANT_SHIFT) | low


class UidCodec:
    """Counts <-> lowercase UUID4 strings, under a key derived from the seed."""

    def __init__(self, seed: int) -> None:
        key = hashlib.blake2b(f"servicestub-uid\x1f{seed}".encode(), digest_size=32).digest()
        self._rounds = [
            hashlib.blake2b(bytes((number,)), key=key, digest_size=8) for number in range(_ROUNDS)
        ]

    def _round(self, number: int, half: int) -> int:
        state = self._rounds[number].copy()
        state.update(half.to_bytes(8, "big"))
        return int.from_bytes(state.digest(), "big") & _HALF_MASK

    def uid(self, count: int) -> str:
        """The uid of ``count`` (1 <= count <= :data:`COUNTER_MAX`)."""
        left, right = 0, count
        for number in range(_ROUNDS):
            left, right = right, left ^ self._round(number, right)
        bits = _spread((left << _HALF) | right)
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def count_of(self, uid: str) -> int | None:
        """The count ``uid`` was issued for, or ``None`` for a uid this codec
        did not make (seeded records, ids of another seed, anything else)."""
        text = uid.replace("-", "")
        if len(text) != 32 or len(uid) != 36:
            return None
        try:
            bits = _gather(int(text, 16))
        except ValueError:
            return None
        if bits is None:
            return None
        left, right = bits >> _HALF, bits & _HALF_MASK
        for number in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(number, left), left
        return right if left == 0 and right >= 1 else None


def shaped_id(uid: Json, model: CollectionModel) -> Json:
    """``uid`` (an id the engine issued for ``model``) as one its item path accepts
    (:attr:`CollectionModel.id_shape`): itself where it does, else a value drawn for
    the shape with ``uid`` as the seed (the same for the same uid; the caller draws
    again, from the next uid, while one is taken): a :data:`SEGMENT` where the shape
    allows one."""
    if fits_path(uid, model) or model.id_shape is None:
        return uid
    fabricator = Fabricator({"components": model.components})
    segment: Json = {"allOf": [model.id_shape, SEGMENT]}
    with contextlib.suppress(FabricateError):
        drawn = fabricator.value(segment, random.Random(str(uid)))
        if fabricator.valid(drawn, segment):
            return drawn
    return fabricator.value(model.id_shape, random.Random(str(uid)))


def free_id(draw: Callable[[], Json], taken: Container[str], where: str) -> Json:
    """An id ``draw`` gives that ``taken`` does not hold; 409 where none of
    :data:`FREE_ID_ATTEMPTS` draws is free (every id the item path accepts is held)."""
    for _ in range(FREE_ID_ATTEMPTS):
        uid = draw()
        if str(uid) not in taken:
            return uid
    raise Conflict(
        f"Every id the item path accepts seems held {where} already; delete a record "
        "to make room, or reset the mock (POST /_mock/reset)."
    )


def fits_path(uid: Json, model: CollectionModel) -> bool:
    """Whether ``uid`` is an id ``model``'s item path accepts (:attr:`CollectionModel.id_shape`)."""
    if model.id_shape is None:
        return True
    return Fabricator({"components": model.components}).valid(uid, model.id_shape)


def seeded_key(model: CollectionModel) -> Json | None:
    """What a seeded record's text id meets beside its schema where the client chooses
    ids (:attr:`CollectionModel.keyed_by_client`): three characters or more, where its
    schema allows them. A client's first key is often the shortest its schema takes
    (``a``, ``-``); a seeded record holding it would answer that create 409 though the
    client made nothing yet. A client that sends a seeded key still meets a 409."""
    if not model.keyed_by_client or model.id_type != "string":
        return None
    raw = (model.item_schema.get("properties") or {}).get(model.id_field)
    if raw is None:
        return None
    keyed: Json = {"allOf": [raw, _SEEDED_KEY]}
    fabricator = Fabricator({"components": model.components})
    try:
        drawn = fabricator.value(keyed, random.Random(model.path))
    except FabricateError:
        return None
    return _SEEDED_KEY if fabricator.valid(drawn, keyed) else None
