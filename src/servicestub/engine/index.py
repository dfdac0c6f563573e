"""Indexes over the records of one collection, so that a list costs what its
page costs rather than what the collection holds (100,000 records stay fast).

What is indexed is configured (:class:`IndexConfig`: which keys sort, which
fields filter, which texts search); nothing here knows a record's shape:

* one :class:`SortedIndex` per sort key keeps ``(key, uid)`` in order, in blocks
  of about :data:`BLOCK` entries; each block holds, per filter field and value,
  a bit mask of its entries holding that value. A filtered list walks the blocks
  in order: a filter is a few integer ``&``/``|`` per block, the total the sum of
  the masks' bit counts, and the page the first set bits once ``start`` are
  skipped - nothing is sorted and no set of all matching records is made;
* :class:`TextIndex` keeps each record's searchable texts case-folded and
  joined in one string, and the rows holding each trigram of the needles
  searched so far: a text search intersects its trigrams' rows and tests only
  those (needles under three characters test every record);
* ranges are tested on the sort key of their index;
* :class:`IndexedRecords` is a group's dict of records that keeps a
  :class:`SortedIndex` (without filter masks) per sort a list asks of it: what the
  engine's generic collections list from (:class:`OrderView` pages it).

Each of these is built the first time a request needs it and kept up to date
from then on: a freshly seeded collection of 100,000 records pays only for the
indexes its clients use.
"""

from __future__ import annotations

import array
import copy
import dataclasses
import functools
import heapq
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, overload

from servicestub.core.shapes import Record

SortKey = Callable[[Record], Any]
#: A record's values of the filter fields, in :attr:`IndexConfig.filter_fields` order.
Values = tuple[Any, ...]
#: ``(key is None, key, uid, values)``: ordered by key then uid (uids are unique,
#: so two entries never compare their values).
Entry = tuple[bool, Any, str, Values]
#: Filters as the blocks test them: ``(field position, allowed values)``, ANDed.
Plan = tuple[tuple[int, tuple[Any, ...]], ...]

#: Below this many candidates (a search's), sorting them beats walking an index.
SORT_CANDIDATES_BELOW = 4096
#: Entries per block of a sorted index (a block is split at twice as many).
BLOCK = 1024
#: Joins a record's texts into one; no text holds it, so no match spans two texts.
SEPARATOR = "\x00"
#: The length of the substrings whose rows :class:`TextIndex` keeps.
GRAM = 3
#: The most trigrams whose rows are kept (least recently searched dropped first):
#: bounds what a client searching ever new texts can make the index hold.
GRAMS_KEPT = 8192


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
    """One index over a collection's records, kept in step with every change
    (``values``: the record's filter values, one tuple shared by every facet)."""

    def add_many(self, records: Iterable[tuple[str, Record, Values]]) -> None: ...
    def add(self, uid: str, record: Record, values: Values) -> None: ...
    def remove(self, uid: str) -> None: ...
    def update(self, uid: str, record: Record, values: Values) -> None: ...


def _in_range(entry: Entry, low: Any, high: Any) -> bool:
    """Whether ``entry``'s key is present, ``>= low`` and ``< high`` (``None``: unbounded)."""
    missing, key = entry[0], entry[1]
    return not missing and (low is None or key >= low) and (high is None or key < high)


def _shifted_in(mask: int, position: int) -> int:
    """``mask`` with a clear bit made at ``position`` (the bits from there move up)."""
    low = mask & ((1 << position) - 1)
    return low | ((mask ^ low) << 1)


def _shifted_out(mask: int, position: int) -> int:
    """``mask`` with the bit at ``position`` taken out (the bits above move down)."""
    low = mask & ((1 << position) - 1)
    return low | ((mask >> (position + 1)) << position)


class _Block:
    """A run of consecutive entries of a :class:`SortedIndex` and, per filter field,
    value -> the mask of the entries holding it (bit ``i``: ``entries[i]``)."""

    __slots__ = ("entries", "masks")

    def __init__(self, entries: list[Entry], width: int) -> None:
        self.entries = entries
        self.masks: list[dict[Any, int]] = [{} for _ in range(width)]
        for field, masks in enumerate(self.masks):
            for bit, entry in enumerate(entries):
                value = entry[3][field]
                masks[value] = masks.get(value, 0) | (1 << bit)

    def _tag(self, position: int, values: Values) -> None:
        for masks, value in zip(self.masks, values, strict=True):
            masks[value] = masks.get(value, 0) | (1 << position)

    def _untag(self, position: int, values: Values) -> None:
        bit = 1 << position
        for masks, value in zip(self.masks, values, strict=True):
            left = masks[value] & ~bit
            if left:
                masks[value] = left
            else:
                del masks[value]

    def insert(self, position: int, entry: Entry) -> None:
        self.entries.insert(position, entry)
        for masks in self.masks:
            for value, mask in masks.items():
                if mask >> position:
                    masks[value] = _shifted_in(mask, position)
        self._tag(position, entry[3])

    def delete(self, position: int) -> None:
        self._untag(position, self.entries.pop(position)[3])
        for masks in self.masks:
            for value, mask in masks.items():
                if mask >> position:
                    masks[value] = _shifted_out(mask, position)

    def retag(self, position: int, entry: Entry) -> None:
        """Put ``entry`` (same key, other values) in place of the one at ``position``."""
        self._untag(position, self.entries[position][3])
        self.entries[position] = entry
        self._tag(position, entry[3])

    def matching(self, plan: Plan) -> int:
        """The mask of the entries passing every filter of a non-empty ``plan``."""
        found = -1
        for field, allowed in plan:
            masks = self.masks[field]
            if len(allowed) == 1:
                found &= masks.get(allowed[0], 0)
            else:
                either = 0
                for value in allowed:
                    either |= masks.get(value, 0)
                found &= either
            if not found:
                return 0
        return found


def _bits(mask: int, skip: int, take: int, descending: bool) -> Iterator[int]:
    """Positions of the set bits of ``mask`` in order (highest first when
    ``descending``): ``take`` of them after the first ``skip``."""
    for _ in range(skip):
        mask ^= (1 << (mask.bit_length() - 1)) if descending else (mask & -mask)
    for _ in range(take):
        if not mask:
            return
        bit = (1 << (mask.bit_length() - 1)) if descending else (mask & -mask)
        mask ^= bit
        yield bit.bit_length() - 1


class SortedIndex:
    """The uids of a collection in the order of one sort key, ties broken by uid,
    in blocks that also answer the value filters (see the module's docstring)."""

    def __init__(self, sort_key: SortKey, width: int) -> None:
        self.sort_key = sort_key
        self.width = width
        self.blocks: list[_Block] = []
        #: The last entry of each block (where an entry goes, by bisection).
        self.maxes: list[Entry] = []
        #: uid -> its entry.
        self.keys: dict[str, Entry] = {}

    def _entry(self, uid: str, record: Record, values: Values) -> Entry:
        key = self.sort_key(record)
        return (key is None, key, uid, values)

    def __len__(self) -> int:
        return len(self.keys)

    def add_many(self, records: Iterable[tuple[str, Record, Values]]) -> None:
        """Add many at once with one sort (100,000 insertions would cost far more)."""
        keys = self.keys
        for uid, record, values in records:
            keys[uid] = self._entry(uid, record, values)
        entries = sorted(keys.values())
        self.blocks = [
            _Block(entries[start : start + BLOCK], self.width)
            for start in range(0, len(entries), BLOCK)
        ]
        self.maxes = [block.entries[-1] for block in self.blocks]

    def add(self, uid: str, record: Record, values: Values) -> None:
        self._insert(self._entry(uid, record, values))

    def _insert(self, entry: Entry) -> None:
        self.keys[entry[2]] = entry
        if not self.blocks:
            self.blocks.append(_Block([entry], self.width))
            self.maxes.append(entry)
            return
        number = min(bisect_left(self.maxes, entry), len(self.blocks) - 1)
        block = self.blocks[number]
        block.insert(bisect_left(block.entries, entry), entry)
        self.maxes[number] = block.entries[-1]
        if len(block.entries) >= 2 * BLOCK:
            halves = [block.entries[:BLOCK], block.entries[BLOCK:]]
            self.blocks[number : number + 1] = [_Block(half, self.width) for half in halves]
            self.maxes[number : number + 1] = [half[-1] for half in halves]

    def _find(self, entry: Entry) -> tuple[int, int]:
        """The block and position of ``entry`` (held)."""
        number = bisect_left(self.maxes, entry)
        return number, bisect_left(self.blocks[number].entries, entry)

    def remove(self, uid: str) -> None:
        number, position = self._find(self.keys.pop(uid))
        block = self.blocks[number]
        block.delete(position)
        if block.entries:
            self.maxes[number] = block.entries[-1]
        else:
            del self.blocks[number], self.maxes[number]

    def update(self, uid: str, record: Record, values: Values) -> None:
        entry, before = self._entry(uid, record, values), self.keys[uid]
        if entry[:2] != before[:2]:
            self.remove(uid)
            self._insert(entry)
        elif values is not before[3]:
            number, position = self._find(before)
            self.blocks[number].retag(position, entry)
            self.keys[uid] = entry
            if position == len(self.blocks[number].entries) - 1:
                self.maxes[number] = entry

    def between(self, low: Any, high: Any) -> set[str]:
        """Uids whose (non-null) key is ``>= low`` and ``< high``; ``None`` = unbounded."""
        start = (0, 0) if low is None else self._position((False, low))
        stop = self._position((True,) if high is None else (False, high))
        found: set[str] = set()
        for number in range(start[0], min(stop[0] + 1, len(self.blocks))):
            entries = self.blocks[number].entries
            first = start[1] if number == start[0] else 0
            last = stop[1] if number == stop[0] else len(entries)
            found.update(entry[2] for entry in entries[first:last])
        return found

    def _position(self, probe: tuple[Any, ...]) -> tuple[int, int]:
        """Block and position where ``probe`` would go (past the end: one past the last)."""
        number = bisect_left(self.maxes, probe)
        if number == len(self.blocks):
            return number, 0
        return number, bisect_left(self.blocks[number].entries, probe)

    def rank(self, uid: str, descending: bool) -> int:
        """How many entries come before ``uid``'s (held) in order."""
        number, position = self._find(self.keys[uid])
        before = sum(len(block.entries) for block in self.blocks[:number]) + position
        return len(self.keys) - 1 - before if descending else before

    def uids(self, descending: bool) -> Iterator[str]:
        """Every uid in order."""
        blocks = reversed(self.blocks) if descending else self.blocks
        for block in blocks:
            entries = reversed(block.entries) if descending else block.entries
            yield from (entry[2] for entry in entries)

    def page(self, plan: Plan, descending: bool, start: int, stop: int) -> tuple[list[str], int]:
        """Uids at ``start:stop`` of those passing ``plan``, in order, and how many pass."""
        found: list[str] = []
        wanted = max(stop - start, 0)
        total = 0
        for block in reversed(self.blocks) if descending else self.blocks:
            entries = block.entries
            mask = block.matching(plan) if plan else None
            count = len(entries) if mask is None else mask.bit_count()
            if count and len(found) < wanted and total + count > start:
                skip = max(start - total, 0)
                take = wanted - len(found)
                if mask is not None:
                    found.extend(entries[bit][2] for bit in _bits(mask, skip, take, descending))
                elif descending:  # every entry passes: the page is a slice
                    found.extend(entry[2] for entry in entries[count - 1 - skip :: -1][:take])
                else:
                    found.extend(entry[2] for entry in entries[skip : skip + take])
            total += count
        return found, total


def _grams(text: str) -> set[str]:
    return {text[at : at + GRAM] for at in range(len(text) - GRAM + 1)}


class TextIndex:
    """Each record's searchable texts, case-folded and joined by :data:`SEPARATOR`
    (one string per record), at a row of its own; and, for each trigram searched
    so far, the rows whose joined text holds it (ascending), kept up to date.

    No text holds the separator (the APIs refuse NUL; any that slipped in is
    dropped here), so a needle never matches across two texts, and a needle
    holding it matches nothing.
    """

    def __init__(self, text_of: Callable[[Record], tuple[str, ...]]) -> None:
        self.text_of = text_of
        #: row -> the joined texts ("" for a deleted record's row).
        self.texts: list[str] = []
        #: row -> its uid (``None``: deleted).
        self.uids: list[str | None] = []
        self.rows: dict[str, int] = {}
        #: trigram -> the rows holding it (least recently searched first).
        self.postings: OrderedDict[str, array.array[int]] = OrderedDict()

    def _joined(self, record: Record) -> str:
        return SEPARATOR.join(text.replace(SEPARATOR, "") for text in self.text_of(record))

    def add_many(self, records: Iterable[tuple[str, Record, Values]]) -> None:
        for uid, record, values in records:
            self.add(uid, record, values)

    def add(self, uid: str, record: Record, values: Values = ()) -> None:
        if uid in self.rows:
            self.update(uid, record, values)
            return
        row = len(self.texts)
        text = self._joined(record)
        self.rows[uid] = row
        self.texts.append(text)
        self.uids.append(uid)
        for gram in self._kept(lambda: _grams(text)):
            self.postings[gram].append(row)

    def _kept(self, grams: Callable[[], set[str]]) -> list[str]:
        """Those of the trigrams ``grams`` makes whose rows are kept (none made when
        no rows are kept, as while the index is built)."""
        postings = self.postings
        return [gram for gram in grams() if gram in postings] if postings else []

    def remove(self, uid: str) -> None:
        row = self.rows.pop(uid)
        for gram in self._kept(lambda: _grams(self.texts[row])):
            posting = self.postings[gram]
            del posting[bisect_left(posting, row)]
        self.texts[row], self.uids[row] = "", None
        if len(self.texts) > 2 * len(self.rows) + BLOCK:
            self._compact()

    def update(self, uid: str, record: Record, values: Values = ()) -> None:
        row = self.rows[uid]
        before, text = self.texts[row], self._joined(record)
        if text == before:
            return
        old, new = self._kept(lambda: _grams(before)), self._kept(lambda: _grams(text))
        for gram in set(old) - set(new):
            posting = self.postings[gram]
            del posting[bisect_left(posting, row)]
        for gram in set(new) - set(old):
            posting = self.postings[gram]
            posting.insert(bisect_left(posting, row), row)
        self.texts[row] = text

    def _compact(self) -> None:
        """Rows again for the live records only (once deleted rows outnumber them)."""
        live = [(uid, self.texts[row]) for uid, row in self.rows.items()]
        self.texts = [text for _, text in live]
        self.uids = [uid for uid, _ in live]
        self.rows = {uid: row for row, (uid, _) in enumerate(live)}
        self.postings.clear()

    def _posting(self, gram: str) -> array.array[int]:
        """The rows holding ``gram``, found by one pass over every text the first time."""
        posting = self.postings.get(gram)
        if posting is None:
            posting = array.array("I", (row for row, text in enumerate(self.texts) if gram in text))
            self.postings[gram] = posting
            if len(self.postings) > GRAMS_KEPT:
                self.postings.popitem(last=False)
        else:
            self.postings.move_to_end(gram)
        return posting

    def containing(self, needle: str, position: int | None, pool: set[str] | None) -> set[str]:
        """Uids (of ``pool``, ``None`` = all) with ``needle`` in text ``position``
        (``None`` = any of their texts)."""
        if SEPARATOR in needle:
            return set()
        texts, uids = self.texts, self.uids
        rows: Iterable[int]
        if (pool is not None and len(pool) < SORT_CANDIDATES_BELOW) or len(needle) < GRAM:
            rows = range(len(texts)) if pool is None else [self.rows[uid] for uid in pool]
        else:
            # Every trigram's rows hold each match: the fewest are tested, which costs
            # less than intersecting them with the others first.
            postings = [self._posting(gram) for gram in _grams(needle)]
            fewest: array.array[int] = min(postings, key=len)
            rows = fewest
        found = {
            uid
            for row in rows
            if needle in (text := texts[row])
            and (position is None or needle in text.split(SEPARATOR)[position])
            and (uid := uids[row]) is not None
        }
        return found if pool is None else found & pool


class _ValueTable:
    """uid -> its filter values (the tuple every other facet shares)."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.values: dict[str, Values] = {}

    def of(self, record: Record) -> Values:
        return tuple(record[field] for field in self.fields)


class RecordIndex:
    """All indexes of one collection's records, each built on first use."""

    def __init__(self, config: IndexConfig) -> None:
        self.config = config
        #: uid -> the live record (the facets are built from it).
        self.records: dict[str, Record] = {}
        #: Filter field -> its position in a record's values.
        self.positions = {field: at for at, field in enumerate(config.filter_fields)}
        width = len(config.filter_fields)
        self._makers: dict[str, Callable[[], Facet]] = {
            f"sort:{name}": functools.partial(SortedIndex, key, width)
            for name, key in config.sorts.items()
        }
        self._makers["texts"] = lambda: TextIndex(config.text_of)
        self._built: dict[str, Facet] = {}
        #: Built with the first facet (which shares its tuples), then kept.
        self._table: _ValueTable | None = None

    def _values(self) -> _ValueTable:
        if self._table is None:
            table = _ValueTable(self.config.filter_fields)
            table.values = {uid: table.of(record) for uid, record in self.records.items()}
            self._table = table
        return self._table

    def _facet(self, name: str) -> Facet:
        facet = self._built.get(name)
        if facet is None:
            facet = self._makers[name]()
            values = self._values().values
            facet.add_many((uid, record, values[uid]) for uid, record in self.records.items())
            self._built[name] = facet
        return facet

    def sorted_by(self, sort: str) -> SortedIndex:
        """The sorted index of ``sort`` (a key of the ``sorts`` given)."""
        facet = self._facet(f"sort:{sort}")
        assert isinstance(facet, SortedIndex)
        return facet

    def _texts(self) -> TextIndex:
        facet = self._facet("texts")
        assert isinstance(facet, TextIndex)
        return facet

    def add(self, uid: str, record: Record) -> None:
        if uid in self.records:  # added again: the record it now is
            self.records[uid] = record
            self.update(uid, record)
            return
        self.records[uid] = record
        if self._table is not None:
            values = self._table.values[uid] = self._table.of(record)
            for facet in self._built.values():
                facet.add(uid, record, values)

    def add_many(self, records: list[tuple[str, Record]]) -> None:
        """Index many records at once (seeding, snapshots, scenarios)."""
        self.records.update(records)
        if self._table is not None:
            table = self._table
            rows = [(uid, record, table.of(record)) for uid, record in records]
            table.values.update((uid, values) for uid, _, values in rows)
            for facet in self._built.values():
                facet.add_many(rows)

    def remove(self, uid: str) -> None:
        del self.records[uid]
        if self._table is not None:
            for facet in self._built.values():
                facet.remove(uid)
            del self._table.values[uid]

    def update(self, uid: str, record: Record) -> None:
        if self._table is None:
            return
        table = self._table
        values = table.of(record)
        if values == table.values[uid]:
            values = table.values[uid]  # unchanged: the facets keep the tuple they hold
        table.values[uid] = values
        for facet in self._built.values():
            facet.update(uid, record, values)

    def _plan(self, filters: Mapping[str, frozenset[Any]]) -> Plan:
        """The filters as field positions, fewest allowed values first."""
        plan = [(self.positions[field], tuple(allowed)) for field, allowed in filters.items()]
        return tuple(sorted(plan, key=lambda step: len(step[1])))

    def query(
        self,
        filters: Mapping[str, frozenset[Any]],
        criteria: Criteria,
        *,
        sort: str,
        descending: bool,
        start: int,
        stop: int,
    ) -> tuple[list[str], int]:
        """Uids at ``start:stop``, in ``sort`` order, of the records passing the value
        ``filters`` (values OR within, filters AND) and the ``criteria``; and how many
        pass.

        Without criteria the blocks of the sorted index answer it all. With texts,
        their matches are found first (trigram rows, then tested), then tested
        against the ranges and filters; with ranges alone, the range is read from
        its sorted index.
        """
        index = self.sorted_by(sort)
        if any(not allowed for allowed in filters.values()):
            return [], 0
        plan = self._plan(filters)
        if not criteria.texts and not criteria.ranges:
            return index.page(plan, descending, start, stop)
        pool: set[str] | None = None
        for position, needle in criteria.texts:
            pool = self._texts().containing(needle, position, pool)
        for sort_name, low, high in criteria.ranges:
            if pool is None:
                pool = self.sorted_by(sort_name).between(low, high)
            else:
                keys = self.sorted_by(sort_name).keys
                pool = {uid for uid in pool if _in_range(keys[uid], low, high)}
        assert pool is not None
        if plan:
            values = self._values().values
            sets = tuple((field, frozenset(allowed)) for field, allowed in plan)
            pool = {
                uid for uid in pool if all(values[uid][field] in allowed for field, allowed in sets)
            }
        return self._ordered(index, pool, descending, start, stop), len(pool)

    @staticmethod
    def _ordered(
        index: SortedIndex, pool: set[str], descending: bool, start: int, stop: int
    ) -> list[str]:
        """Uids at ``start:stop`` of ``pool`` in the order of ``index``."""
        if start >= len(pool) or stop <= start:
            return []
        if len(pool) < SORT_CANDIDATES_BELOW:
            key = index.keys.__getitem__
            if stop < len(pool) // 4:
                chosen = (heapq.nlargest if descending else heapq.nsmallest)(stop, pool, key=key)
                return chosen[start:stop]
            return sorted(pool, key=key, reverse=descending)[start:stop]
        found: list[str] = []
        seen = 0
        for uid in index.uids(descending):
            if uid in pool:
                if seen >= start:
                    found.append(uid)
                    if len(found) == stop - start:
                        break
                seen += 1
        return found


#: What :meth:`IndexedRecords.pop` is given when no default is.
_MISSING: Any = object()


class IndexedRecords(dict[str, Record]):
    """A group's records by id - to every reader the plain dict they are - that
    keep, for each sort a list has asked of them, a :class:`SortedIndex` of their
    ids in step with every change, so that a page costs what it holds rather than
    a sort of the group.

    Every change made through the dict (setting, deleting, popping, clearing,
    updating) keeps the orders; a record changed in place is not seen by the dict,
    so whoever changes one passes its id to :meth:`changed`. A copy (``copy``,
    ``deepcopy``, pickling) holds the records only: its orders are built again
    when first asked for.
    """

    __slots__ = ("_orders",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Sort name -> the ids in that order.
        self._orders: dict[str, SortedIndex] = {}

    def order(self, name: str, key: SortKey) -> SortedIndex:
        """The ids in the order of ``key`` (the sort ``name``; one group is always
        ordered by the same key for one name); built on first asking, then kept."""
        index = self._orders.get(name)
        if index is None:
            index = self._orders[name] = SortedIndex(key, 0)
            index.add_many((uid, record, ()) for uid, record in self.items())
        return index

    def reorder(self) -> None:
        """Any record may have changed in place: the orders are made again when next
        asked for."""
        self._orders.clear()

    def changed(self, uid: str) -> None:
        """The record ``uid`` was changed in place: reorder it."""
        record = self[uid]
        for index in self._orders.values():
            index.update(uid, record, ())

    def __setitem__(self, uid: str, record: Record) -> None:
        held = uid in self
        super().__setitem__(uid, record)
        for index in self._orders.values():
            if held:
                index.update(uid, record, ())
            else:
                index.add(uid, record, ())

    def __delitem__(self, uid: str) -> None:
        super().__delitem__(uid)
        for index in self._orders.values():
            index.remove(uid)

    def pop(self, uid: str, default: Any = _MISSING) -> Any:
        if uid not in self:
            if default is _MISSING:
                raise KeyError(uid)
            return default
        record = self[uid]
        del self[uid]
        return record

    def popitem(self) -> tuple[str, Record]:
        uid, record = super().popitem()
        for index in self._orders.values():
            index.remove(uid)
        return uid, record

    def setdefault(self, uid: str, default: Any = None) -> Any:
        if uid not in self:
            self[uid] = default
        return self[uid]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for uid, record in dict(*args, **kwargs).items():
            self[uid] = record

    def __ior__(self, other: Any) -> IndexedRecords:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self._orders.clear()

    def copy(self) -> IndexedRecords:
        return IndexedRecords(self)

    __copy__ = copy

    def __deepcopy__(self, memo: dict[int, Any]) -> IndexedRecords:
        return IndexedRecords({uid: copy.deepcopy(record, memo) for uid, record in self.items()})

    def __reduce__(self) -> tuple[Any, ...]:
        return (IndexedRecords, (dict(self),))


class OrderView(Sequence[Record]):
    """The records of an :class:`IndexedRecords` in one of its orders, as a sequence
    a page is sliced from: a slice reads the index at that place only."""

    def __init__(self, records: Mapping[str, Record], index: SortedIndex, descending: bool):
        self._records = records
        self._index = index
        self._descending = descending

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, at: int) -> Record: ...
    @overload
    def __getitem__(self, at: slice) -> list[Record]: ...
    def __getitem__(self, at: int | slice) -> Record | list[Record]:
        if isinstance(at, int):
            found = self[at : at + 1] if at >= 0 else self[len(self) + at :][:1]
            if not found:
                raise IndexError(at)
            return found[0]
        start, stop, step = at.indices(len(self))
        if step != 1:
            return list(self)[at]
        uids, _ = self._index.page((), self._descending, start, stop)
        return [self._records[uid] for uid in uids]

    def __iter__(self) -> Iterator[Record]:
        return (self._records[uid] for uid in self._index.uids(self._descending))

    def position(self, uid: str) -> int | None:
        """Where the record ``uid`` is in this order (``None``: not held)."""
        if uid not in self._index.keys:
            return None
        return self._index.rank(uid, self._descending)
