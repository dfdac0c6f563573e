"""Indexes over the records of one collection, so that a list costs what its
page costs rather than what the collection holds (100,000 records stay fast).

What is indexed is configured (:class:`IndexConfig`: which keys sort, which
fields filter, which texts search); nothing here knows a record's shape:

* one :class:`SortedIndex` per sort key keeps ``(key, uid)`` in order;
* :class:`ValueSets` map each filter field's values to the uids holding them,
  so list filters are set operations;
* :class:`TextIndex` keeps each record's searchable texts case-folded and
  joined in one string, so a text search is one tight substring test per record;
* ranges are answered by bisecting the sorted index of their key.

Each of these is built the first time a request needs it and kept up to date
from then on: a freshly seeded collection of 100,000 records pays only for the
indexes its clients use.
"""

from __future__ import annotations

import dataclasses
import functools
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

from servicestub.core.shapes import Record

SortKey = Callable[[Record], Any]

#: Below this many candidates, sorting them beats walking an index.
SORT_CANDIDATES_BELOW = 4096
#: Joins a record's texts into one; no text holds it, so no match spans two texts.
SEPARATOR = "\x00"


@dataclasses.dataclass(frozen=True)
class Criteria:
    """What a search asks of the indexes besides the value filters.

    ``texts``: ``(position, needle)`` pairs, the needle case-folded, the position
    that of the text it must occur in, or ``None`` for any text of the record.
    ``ranges``: ``(sort, low, high)`` - the record's key in that sorted index
    must be ``>= low`` and ``< high`` (either bound may be ``None``).
    """

    texts: tuple[tuple[int | None, str], ...] = ()
    ranges: tuple[tuple[str, Any, Any], ...] = ()


#: A plain list: no text or range criteria.
NO_CRITERIA = Criteria()


@dataclasses.dataclass(frozen=True)
class IndexConfig:
    """What a :class:`RecordIndex` indexes: ``sorts`` (name -> sort key),
    ``filter_fields`` (fields whose values filter) and ``text_of`` (a record's
    searchable texts, case-folded, always as many and in one order)."""

    sorts: Mapping[str, SortKey]
    filter_fields: tuple[str, ...] = ()
    text_of: Callable[[Record], tuple[str, ...]] = lambda record: ()


class Facet(Protocol):
    """One index over a collection's records, kept in step with every change."""

    def add_many(self, records: Iterable[tuple[str, Record]]) -> None: ...
    def add(self, uid: str, record: Record) -> None: ...
    def remove(self, uid: str) -> None: ...
    def update(self, uid: str, record: Record) -> None: ...


def _entry_key(sort_key: SortKey, record: Record, uid: str) -> tuple[Any, ...]:
    value = sort_key(record)
    return (value is None, value, uid)


class SortedIndex:
    """The uids of a collection in the order of one sort key, ties broken by uid."""

    def __init__(self, sort_key: SortKey) -> None:
        self.sort_key = sort_key
        self.entries: list[tuple[Any, ...]] = []
        self.keys: dict[str, tuple[Any, ...]] = {}

    def add(self, uid: str, record: Record) -> None:
        entry = _entry_key(self.sort_key, record, uid)
        insort(self.entries, entry)
        self.keys[uid] = entry

    def add_many(self, records: Iterable[tuple[str, Record]]) -> None:
        """Add many at once with one sort (100,000 ``insort`` calls would be quadratic)."""
        sort_key, keys = self.sort_key, self.keys
        for uid, record in records:
            keys[uid] = _entry_key(sort_key, record, uid)
        self.entries = sorted(keys.values())

    def remove(self, uid: str) -> None:
        entry = self.keys.pop(uid)
        del self.entries[bisect_left(self.entries, entry)]

    def update(self, uid: str, record: Record) -> None:
        if _entry_key(self.sort_key, record, uid) != self.keys[uid]:
            self.remove(uid)
            self.add(uid, record)

    def between(self, low: Any, high: Any) -> set[str]:
        """Uids whose (non-null) key is ``>= low`` and ``< high``; ``None`` = unbounded."""
        entries = self.entries
        start = 0 if low is None else bisect_left(entries, (False, low))
        stop = bisect_left(entries, (True,) if high is None else (False, high))
        return {entry[-1] for entry in entries[start:stop]}

    def uids(self, descending: bool) -> Iterator[str]:
        entries = reversed(self.entries) if descending else iter(self.entries)
        return (entry[-1] for entry in entries)

    def window(self, start: int, stop: int, descending: bool) -> list[str]:
        """Uids at positions ``start:stop`` of the whole ordering."""
        if descending:
            count = len(self.entries)
            chosen = self.entries[max(count - stop, 0) : max(count - start, 0)][::-1]
        else:
            chosen = self.entries[start:stop]
        return [entry[-1] for entry in chosen]


class ValueSets:
    """For each filter field, value -> the uids of the records holding it."""

    def __init__(self, fields: Iterable[str]) -> None:
        self.fields = tuple(fields)
        self.by_field: dict[str, dict[Any, set[str]]] = {field: {} for field in self.fields}
        #: uid -> its values of :attr:`fields`, in order (what to take out on a change).
        self.values: dict[str, tuple[Any, ...]] = {}

    def add_many(self, records: Iterable[tuple[str, Record]]) -> None:
        for uid, record in records:
            self.add(uid, record)

    def add(self, uid: str, record: Record) -> None:
        values = tuple(record[field] for field in self.fields)
        self.values[uid] = values
        for field, value in zip(self.fields, values, strict=True):
            self.by_field[field].setdefault(value, set()).add(uid)

    def remove(self, uid: str) -> None:
        for field, value in zip(self.fields, self.values.pop(uid), strict=True):
            self._drop(field, value, uid)

    def update(self, uid: str, record: Record) -> None:
        old = self.values[uid]
        new = tuple(record[field] for field in self.fields)
        if new == old:
            return
        for field, before, after in zip(self.fields, old, new, strict=True):
            if before != after:
                self._drop(field, before, uid)
                self.by_field[field].setdefault(after, set()).add(uid)
        self.values[uid] = new

    def _drop(self, field: str, value: Any, uid: str) -> None:
        bucket = self.by_field[field][value]
        bucket.discard(uid)
        if not bucket:
            del self.by_field[field][value]

    def matching(self, filters: dict[str, frozenset[Any]]) -> set[str] | None:
        """Uids passing every filter (values OR within, filters AND); ``None`` = all."""
        result: set[str] | None = None
        for field, allowed in filters.items():
            by_value = self.by_field[field]
            union: set[str] = set().union(*(by_value.get(v, ()) for v in allowed))
            result = union if result is None else result & union
            if not result:
                return set()
        return result


class TextIndex:
    """Each record's searchable texts, case-folded and joined by :data:`SEPARATOR`
    (one string per record: a third of the memory of keeping them apart).

    No text holds the separator (the APIs refuse NUL; any that slipped in is
    dropped here), so a needle never matches across two texts, and a needle
    holding it matches nothing.
    """

    def __init__(self, text_of: Callable[[Record], tuple[str, ...]]) -> None:
        self.text_of = text_of
        self.joined: dict[str, str] = {}

    def add_many(self, records: Iterable[tuple[str, Record]]) -> None:
        for uid, record in records:
            self.add(uid, record)

    def add(self, uid: str, record: Record) -> None:
        texts = self.text_of(record)
        self.joined[uid] = SEPARATOR.join(text.replace(SEPARATOR, "") for text in texts)

    def remove(self, uid: str) -> None:
        del self.joined[uid]

    update = add

    def containing(self, needle: str, position: int | None, pool: set[str] | None) -> set[str]:
        """Uids (of ``pool``, ``None`` = all) with ``needle`` in text ``position``
        (``None`` = any of their texts)."""
        if SEPARATOR in needle:
            return set()
        joined = self.joined
        items = joined.items() if pool is None else ((uid, joined[uid]) for uid in pool)
        if position is None:
            return {uid for uid, text in items if needle in text}
        return {uid for uid, text in items if needle in text.split(SEPARATOR)[position]}


class RecordIndex:
    """All indexes of one collection's records, each built on first use."""

    def __init__(self, config: IndexConfig) -> None:
        self.config = config
        #: uid -> the live record (the facets are built from it).
        self.records: dict[str, Record] = {}
        self._makers: dict[str, Callable[[], Facet]] = {
            f"sort:{name}": functools.partial(SortedIndex, key)
            for name, key in config.sorts.items()
        }
        self._makers["values"] = lambda: ValueSets(config.filter_fields)
        self._makers["texts"] = lambda: TextIndex(config.text_of)
        self._built: dict[str, Facet] = {}

    def _facet(self, name: str) -> Facet:
        facet = self._built.get(name)
        if facet is None:
            facet = self._makers[name]()
            facet.add_many(self.records.items())
            self._built[name] = facet
        return facet

    def sorted_by(self, sort: str) -> SortedIndex:
        """The sorted index of ``sort`` (a key of the ``sorts`` given)."""
        facet = self._facet(f"sort:{sort}")
        assert isinstance(facet, SortedIndex)
        return facet

    def _values(self) -> ValueSets:
        facet = self._facet("values")
        assert isinstance(facet, ValueSets)
        return facet

    def _texts(self) -> TextIndex:
        facet = self._facet("texts")
        assert isinstance(facet, TextIndex)
        return facet

    def add(self, uid: str, record: Record) -> None:
        self.records[uid] = record
        for facet in self._built.values():
            facet.add(uid, record)

    def add_many(self, records: list[tuple[str, Record]]) -> None:
        """Index many records at once (seeding, snapshots, scenarios)."""
        self.records.update(records)
        for facet in self._built.values():
            facet.add_many(records)

    def remove(self, uid: str) -> None:
        del self.records[uid]
        for facet in self._built.values():
            facet.remove(uid)

    def update(self, uid: str, record: Record) -> None:
        for facet in self._built.values():
            facet.update(uid, record)

    def select(self, filters: dict[str, frozenset[Any]], criteria: Criteria) -> set[str] | None:
        """Uids passing the value ``filters`` and the ``criteria``; ``None`` = all.

        Set operations first (filters, then ranges), then the text tests on what
        is left, so each text test runs over the smallest pool.
        """
        result = self._values().matching(filters) if filters else None
        for sort, low, high in criteria.ranges:
            within = self.sorted_by(sort).between(low, high)
            result = within if result is None else result & within
        for position, needle in criteria.texts:
            result = self._texts().containing(needle, position, result)
        return result

    def page(
        self,
        candidates: set[str] | None,
        sort: str,
        descending: bool,
        start: int,
        stop: int,
    ) -> list[str]:
        """Uids at ``start:stop`` of the candidates in sort order."""
        index = self.sorted_by(sort)
        if candidates is None:
            return index.window(start, stop, descending)
        if len(candidates) < SORT_CANDIDATES_BELOW:
            ordered = sorted(candidates, key=index.keys.__getitem__, reverse=descending)
            return ordered[start:stop]
        found: list[str] = []
        seen = 0
        for uid in index.uids(descending):
            if uid in candidates:
                if seen >= start:
                    found.append(uid)
                    if len(found) == stop - start:
                        break
                seen += 1
        return found
