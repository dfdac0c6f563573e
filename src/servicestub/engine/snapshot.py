"""What every state snapshot shares, whatever APIs it holds.

A snapshot is one JSON document: an envelope (``format``, ``version``, ``seed``,
``referenceTime``) around one part per API. This module knows the envelope, the
chain of migration steps that brings an older version to the current one, file
I/O, and the checks across records that every API's part uses (unique ids,
timestamps, counters that are high-water marks). What a part holds is its API's.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Container, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from servicestub.core import files
from servicestub.core.settings import DEFAULT_REFERENCE_TIME, parse_reference_time
from servicestub.core.shapes import Record
from servicestub.engine.ids import UidCodec

Snapshot = dict[str, Any]
#: Migrates a snapshot document in place from one version to the next.
Step = Callable[[Snapshot], None]


class SnapshotError(ValueError):
    """A snapshot that cannot be used; the message says why."""


@dataclasses.dataclass(frozen=True)
class SnapshotFormat:
    """A snapshot format: its name and the steps from each version to the next
    (``steps[0]`` takes version 1 to 2, ...); the current version is the last."""

    name: str
    steps: tuple[Step, ...] = ()

    @property
    def version(self) -> int:
        return len(self.steps) + 1

    @property
    def readable(self) -> tuple[int, ...]:
        """Versions this servicestub reads (older ones are migrated on import)."""
        return tuple(range(1, self.version + 1))

    def check_envelope(self, data: Any) -> None:
        """Refuse documents that are not a snapshot of a readable version."""
        if not isinstance(data, dict) or data.get("format") != self.name:
            raise SnapshotError(f'not a servicestub state snapshot (no "format": "{self.name}")')
        version = data.get("version")
        if version not in self.readable or isinstance(version, bool):
            raise SnapshotError(
                f"snapshot version {version!r} is not supported; this servicestub "
                f"reads versions {', '.join(map(str, self.readable))}"
            )
        if not isinstance(data.get("seed"), int):
            raise SnapshotError('snapshot has no integer "seed"')

    def envelope(self, seed: int, reference_time: str, **parts: Any) -> Snapshot:
        """A snapshot of the current version holding ``parts``."""
        return {
            "format": self.name,
            "version": self.version,
            "seed": seed,
            "referenceTime": reference_time,
            **parts,
        }

    def migrate(self, data: Snapshot) -> Snapshot:
        """``data`` (envelope checked) in the current version: a new document, the
        argument is left as it is. Each step from its version on runs in turn."""
        try:
            fresh: Snapshot = orjson.loads(orjson.dumps(data))
        except TypeError:  # an integer beyond 64 bits: the schema check names it
            fresh = copy.deepcopy(data)
        for version in range(fresh["version"], self.version):
            self.steps[version - 1](fresh)
            fresh["version"] = version + 1
        return fresh

    def read_file(self, path: Path) -> Snapshot:
        """Read a snapshot file; an unreadable, corrupt or foreign one raises
        :class:`SnapshotError`."""
        try:
            data = orjson.loads(path.read_bytes())
        except OSError as error:
            raise SnapshotError(f"{path}: cannot be read ({error.strerror or error})") from None
        except orjson.JSONDecodeError as error:
            raise SnapshotError(f"{path}: not valid JSON ({error})") from None
        try:
            self.check_envelope(data)
        except SnapshotError as error:
            raise SnapshotError(f"{path}: {error}") from None
        snapshot: Snapshot = data
        return snapshot


def reference_time_of(data: Snapshot) -> datetime:
    """The reference time a snapshot's seeded data was laid out before. A snapshot
    written before it was recorded was made at the default one."""
    text = data.get("referenceTime")
    if text is None:
        return DEFAULT_REFERENCE_TIME
    try:
        return parse_reference_time(text, allow_now=False)
    except ValueError as error:
        raise SnapshotError(f"referenceTime: {error}") from None


def dumps(snapshot: Snapshot) -> bytes:
    return orjson.dumps(snapshot)


def check_writable(path: Path) -> None:
    """Refuse a state file the server could not write back later."""
    try:
        files.check_writable(path, "--state")
    except ValueError as error:
        raise SnapshotError(str(error)) from None


# -- checks across records ------------------------------------------------------

#: Where in a snapshot: keys and list indexes from the top.
Where = tuple[str | int, ...]

ID = re.compile(r"[A-Za-z0-9_-]+")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Refused(ValueError):
    """A broken invariant: where (a path into the snapshot) and what."""

    def __init__(self, path: Where, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def path_text(path: Iterable[str | int]) -> str:
    """``orders.tenants[0].stores[1].orders[3].order.createdAt``."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text or "(top level)"


def no_nul(data: Any) -> None:
    """No NUL anywhere: the APIs refuse it in every input, so no answer may hold one."""
    if b"\\u0000" not in orjson.dumps(data):  # the fast path: one scan of the text
        return

    def walk(node: Any, path: Where) -> None:
        if isinstance(node, str) and "\x00" in node:
            raise Refused(path, "holds a NUL character (\\u0000), which no API field may")
        if isinstance(node, dict):
            for key, value in node.items():
                if "\x00" in key:
                    raise Refused(path, f"has a key with a NUL character ({key!r})")
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(data, ())


def unique(
    records: list[Record],
    key: str,
    path: Where,
    *,
    id_like: bool = True,
    exempt: Container[Any] = (),
) -> dict[Any, Record]:
    """``records`` by ``key``; refused when a key repeats or cannot be a path segment
    (unless it is in ``exempt``: ids the server made itself, as its spec shapes them)."""
    seen: dict[Any, int] = {}
    for index, record in enumerate(records):
        value = record[key]
        made = isinstance(value, str | int) and value in exempt
        if id_like and not made and (not isinstance(value, str) or not ID.fullmatch(value)):
            raise Refused(
                (*path, index, key),
                f"{value!r} cannot be an id: ids are 1 or more of A-Z a-z 0-9 _ - "
                "(they are path segments)",
            )
        if value in seen:
            raise Refused(
                (*path, index, key),
                f"{orjson.dumps(value).decode()} is already the {key} of "
                f"{path_text((*path, seen[value]))}; each must be unique",
            )
        seen[value] = index
    return {record[key]: record for record in records}


def timestamp(value: Any, path: Where) -> None:
    """A UTC instant as the APIs write it (or null)."""
    if value is None:
        return
    try:
        if not TIMESTAMP.fullmatch(value):
            raise ValueError(value)
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise Refused(
            path,
            f"'{value}' is not a UTC timestamp as the API writes it "
            "(YYYY-MM-DDTHH:MM:SSZ, a real instant: no second 60, no year 0000)",
        ) from None


def day(value: Any, path: Where) -> None:
    """A real calendar day (or null)."""
    if value is None:
        return
    try:
        if not DAY.fullmatch(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise Refused(
            path, f"'{value}' is not a calendar date (YYYY-MM-DD, year 0001 on)"
        ) from None


def issued(codec: UidCodec, uid: str, ids_issued: int, counter: str, path: Where) -> None:
    """A uid the mock made for a count past ``ids_issued`` (the snapshot's field
    ``counter``) would be made again."""
    count = codec.count_of(uid)
    if count is not None and count > ids_issued:
        raise Refused(
            path,
            f"'{uid}' is the id issued as number {count}, past {counter} "
            f"({ids_issued}): the counter must be at least every id it issued, or "
            "a new record would get this id again",
        )


def numbered(value: str, pattern: re.Pattern[str], path: Where, seen: dict[int, Where]) -> None:
    """Record the number of ``value`` (``pattern``'s one group, e.g. ``SO-(\\d+)``)
    in ``seen``; refused when it is not so numbered or repeats a number in ``seen``."""
    found = pattern.fullmatch(value)
    if found is None:
        raise Refused(path, f"'{value}' is not {pattern.pattern.split('(')[0]}<digits>")
    number = int(found[1])
    if number in seen:
        raise Refused(
            path,
            f"'{value}' repeats the number of {path_text(seen[number])}; "
            f"each {path[-1]} of a store is unique",
        )
    seen[number] = path


def counter_covers(numbers: dict[int, Where], counter: int, path: Where) -> None:
    """A "next" counter is past every number it issued."""
    if numbers and max(numbers) >= counter:
        top = max(numbers)
        raise Refused(
            path,
            f"{counter} is not past {path_text(numbers[top])} (number {top}); the counter "
            "must be past every number it issued, or the next would repeat it",
        )
