"""The indexes of a collection answer exactly what a plain scan of its records answers:
the same records, in the same order (ties by uid), the same total, for any filters,
texts, ranges, sort and page - after any sequence of adds, bulk adds, in-place updates
and removes, whether the indexes were built before or after them.

Blocks are made tiny (so that they split, empty and are dropped), few trigrams are kept
(so that they are evicted and made again) and candidates are sorted or walked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicestub.core.shapes import Record
from servicestub.engine import index as engine_index
from servicestub.engine.index import SEPARATOR, Criteria, IndexConfig, RecordIndex

COLOURS = ("red", "green", "blue", None)
SIZES = (1, 2, 3)


def _rank(record: Record) -> Any:
    return record["rank"]


def _name(record: Record) -> Any:
    return record["name"].casefold()


def _texts(record: Record) -> tuple[str, ...]:
    return (record["name"].casefold(), record["note"].casefold())


SORTS = {"rank": _rank, "name": _name}
CONFIG = IndexConfig(SORTS, ("colour", "size"), _texts)

fields = st.fixed_dictionaries(
    {
        "colour": st.sampled_from(COLOURS),
        "size": st.sampled_from(SIZES),
        "rank": st.one_of(st.none(), st.integers(0, 6)),
        "name": st.text(alphabet="abAB", max_size=8),
        "note": st.text(alphabet="ab-", max_size=8),
    }
)
needle = st.text(alphabet="abA-", min_size=1, max_size=4) | st.just(f"a{SEPARATOR}b")
#: Every trigram of the texts' letters (what the final check searches).
TRIGRAMS = [a + b + c for a in "ab-" for b in "ab-" for c in "ab-"]


def _range(sort: str, low: int | None, high: int | None) -> tuple[str, Any, Any]:
    """A range of ``sort``'s keys: ranks as they are, names as prefixes of ``"ab"``."""
    if sort == "rank":
        return (sort, low, high)
    return (sort, *(None if bound is None else "ab"[: bound % 3] for bound in (low, high)))


bound = st.one_of(st.none(), st.integers(0, 7))
criteria = st.one_of(
    st.just(Criteria()),
    st.builds(
        Criteria,
        texts=st.lists(
            st.tuples(st.sampled_from([None, 0, 1]), needle.map(str.casefold)), max_size=2
        ).map(tuple),
        ranges=st.lists(
            st.builds(_range, st.sampled_from(sorted(SORTS)), bound, bound), max_size=1
        ).map(tuple),
    ),
)
filters = st.dictionaries(
    st.sampled_from(CONFIG.filter_fields),
    st.frozensets(st.sampled_from((*COLOURS, *SIZES)), min_size=1, max_size=3),
    max_size=2,
)
query = st.tuples(
    st.just("query"),
    filters,
    criteria,
    st.sampled_from(sorted(SORTS)),
    st.booleans(),
    st.integers(0, 30),
    st.integers(0, 12),
)
operation = st.one_of(
    st.tuples(st.just("add"), fields),
    st.tuples(st.just("add_many"), st.lists(fields, max_size=12)),
    st.tuples(st.just("update"), st.integers(0, 99), fields),
    st.tuples(st.just("remove"), st.integers(0, 99)),
    query,
)


def _passes(
    config: IndexConfig, record: Record, wanted: dict[str, frozenset[Any]], asked: Criteria
) -> bool:
    if not all(record[field] in allowed for field, allowed in wanted.items()):
        return False
    texts = config.text_of(record)
    for position, text in asked.texts:
        within = texts if position is None else (texts[position],)
        if SEPARATOR in text or not any(text in each for each in within):
            return False
    for sort, low, high in asked.ranges:
        key = config.sorts[sort](record)
        if key is None or (low is not None and key < low) or (high is not None and key >= high):
            return False
    return True


def scan(
    records: dict[str, Record],
    config: IndexConfig,
    wanted: dict[str, frozenset[Any]],
    asked: Criteria,
    sort: str,
    descending: bool,
    start: int,
    stop: int,
) -> tuple[list[str], int]:
    """What a query answers, by testing every record and sorting what passes."""
    chosen = [uid for uid, record in records.items() if _passes(config, record, wanted, asked)]
    key = config.sorts[sort]
    chosen.sort(key=lambda uid: (key(records[uid]) is None, key(records[uid]), uid))
    if descending:
        chosen.reverse()
    return chosen[start:stop], len(chosen)


@contextmanager
def small_blocks(sorted_below: int, grams_kept: int) -> Iterator[None]:
    with (
        mock.patch.object(engine_index, "BLOCK", 2),
        mock.patch.object(engine_index, "GRAMS_KEPT", grams_kept),
        mock.patch.object(engine_index, "SORT_CANDIDATES_BELOW", sorted_below),
    ):
        yield


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(fields, max_size=20),
    st.lists(operation, min_size=5, max_size=40),
    st.sampled_from([0, 3, 4096]),
    st.sampled_from([2, 64]),
)
def test_every_query_answers_what_a_scan_answers_after_any_writes(
    seeded: list[Record], operations: list[tuple[Any, ...]], sorted_below: int, grams_kept: int
) -> None:
    index = RecordIndex(CONFIG)
    records: dict[str, Record] = {}
    issued = 0

    def new(values: Record) -> tuple[str, Record]:
        nonlocal issued
        issued += 1
        return f"u{issued:03d}", dict(values)

    with small_blocks(sorted_below, grams_kept):
        index.add_many([new(values) for values in seeded])
        records.update(index.records)
        for step in operations:
            if step[0] == "add":
                uid, record = new(step[1])
                records[uid] = record
                index.add(uid, record)
            elif step[0] == "add_many":
                made = [new(values) for values in step[1]]
                records.update(made)
                index.add_many(made)
            elif step[0] in ("update", "remove") and records:
                uid = sorted(records)[step[1] % len(records)]
                if step[0] == "remove":
                    del records[uid]
                    index.remove(uid)
                else:
                    records[uid].update(step[2])  # in place, as the stores change records
                    index.update(uid, records[uid])
            elif step[0] == "query":
                _, wanted, asked, sort, descending, start, count = step
                stop = start + count
                answer = index.query(
                    wanted, asked, sort=sort, descending=descending, start=start, stop=stop
                )
                assert answer == scan(records, CONFIG, wanted, asked, sort, descending, start, stop)
        # every index, built or not, holds every record in order, and each value's
        # records in both directions
        every: list[dict[str, frozenset[Any]]] = [{}]
        every += [{field: frozenset([value])} for field in ("colour",) for value in COLOURS]
        every += [{"size": frozenset([value])} for value in SIZES]
        for sort in SORTS:
            for wanted in every:
                for descending in (False, True):
                    answer = index.query(
                        wanted, Criteria(), sort=sort, descending=descending, start=0, stop=999
                    )
                    assert answer == scan(
                        records, CONFIG, wanted, Criteria(), sort, descending, 0, 999
                    )
        for text in TRIGRAMS:  # and each trigram's rows are those holding it
            for position in (None, 1):
                asked = Criteria(texts=((position, text),))
                answer = index.query({}, asked, sort="rank", descending=False, start=0, stop=999)
                assert answer == scan(records, CONFIG, {}, asked, "rank", False, 0, 999)
