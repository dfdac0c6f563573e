"""Sorting and page slicing shared by every list of the mock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from servicestub.core.shapes import Record

T = TypeVar("T")
SortKey = Callable[[Record], Any]


def page_count(total: int, per_page: int) -> int:
    """Pages needed for ``total`` items; 0 for an empty set."""
    return -(-total // per_page)


def page_slice(items: Sequence[T], page: int, per_page: int) -> Sequence[T]:
    """Items of 1-based ``page``; empty past the end."""
    start = (page - 1) * per_page
    return items[start : start + per_page]


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of a list: its records and where it sits (an API's envelope
    module turns it into that API's list response)."""

    items: list[Record]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def _nulls_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value)


def sort_records(
    records: Iterable[Record],
    *,
    key_field: str,
    sort_key: SortKey,
    descending: bool = False,
) -> list[Record]:
    """Sort by ``sort_key`` with ties broken by ``key_field`` (the id).

    Missing values (``None``) sort after present ones in ascending order and
    before them in descending order, as SQL databases do.
    """
    return sorted(
        records,
        key=lambda r: (_nulls_last(sort_key(r)), r[key_field]),
        reverse=descending,
    )


def field_key(field: str) -> SortKey:
    """Sort key reading one field."""
    return lambda record: record.get(field)


def rank_key(field: str, ranking: Sequence[str]) -> SortKey:
    """Sort key ordering an enum field by its declared rank, not alphabetically."""
    ranks: dict[Any, int] = {value: index for index, value in enumerate(ranking)}
    return lambda record: ranks.get(record.get(field))


def page_of(
    records: Iterable[Record],
    *,
    key_field: str,
    sort_key: SortKey,
    descending: bool,
    page: int,
    per_page: int,
) -> Page:
    """Sort ``records`` and take page ``page`` of them."""
    ordered = sort_records(records, key_field=key_field, sort_key=sort_key, descending=descending)
    return Page(list(page_slice(ordered, page, per_page)), page, per_page, len(ordered))
