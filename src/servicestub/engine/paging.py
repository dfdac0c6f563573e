"""Sorting and page slicing shared by every list of the mock."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import orjson

from servicestub.core.shapes import Record

T = TypeVar("T")
SortKey = Callable[[Record], Any]


def page_count(total: int, per_page: int) -> int:
    """Pages needed for ``total`` items; 0 for an empty set (or pages of nothing)."""
    return -(-total // per_page) if per_page > 0 else 0


def page_slice(items: Sequence[T], page: int, per_page: int) -> Sequence[T]:
    """Items of 1-based ``page``; empty past the end (and before the first)."""
    if page < 1 or per_page < 1:
        return items[:0]
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
    #: Records before this page (``None``: the pages before it, full).
    offset: int | None = None

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def start(self) -> int:
        """How many records come before this page."""
        return (self.page - 1) * self.per_page if self.offset is None else self.offset

    @property
    def more(self) -> bool:
        """Whether records follow this page."""
        return self.start + len(self.items) < self.total

    @property
    def next_token(self) -> str | None:
        """The cursor of the next page, ``None`` at the end."""
        return cursor_token(self.start + self.per_page) if self.more else None


_TOKEN_PREFIX = "o:"


def cursor_token(offset: int) -> str:
    """An opaque cursor standing for ``offset`` (URL-safe, no padding)."""
    raw = f"{_TOKEN_PREFIX}{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_offset(token: str) -> int | None:
    """The offset :func:`cursor_token` made ``token`` for, ``None`` for any other text."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not raw.startswith(_TOKEN_PREFIX) or not raw[len(_TOKEN_PREFIX) :].isdigit():
        return None
    return int(raw[len(_TOKEN_PREFIX) :])


def comparable(value: Any) -> tuple[int, Any]:
    """``value`` as a key any two values compare by: numbers (booleans too) before
    texts before anything else (objects and arrays, by their JSON)."""
    if isinstance(value, bool | int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (2, orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


def _nulls_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value)


def ordering(sort_key: SortKey, key_field: str) -> SortKey:
    """The key a list's records are ordered by: ``sort_key`` with ties broken by
    ``key_field`` (the id), so no two records tie.

    Missing values (``None``) sort after present ones in ascending order and
    before them in descending order, as SQL databases do.
    """
    return lambda r: (_nulls_last(sort_key(r)), comparable(r.get(key_field)))


def sort_records(
    records: Iterable[Record],
    *,
    key_field: str,
    sort_key: SortKey,
    descending: bool = False,
) -> list[Record]:
    """Sort in :func:`ordering` (descending: reversed)."""
    return sorted(records, key=ordering(sort_key, key_field), reverse=descending)


def field_key(field: str) -> SortKey:
    """Sort key reading one field."""
    return lambda record: record.get(field)


def any_field_key(field: str) -> SortKey:
    """Sort key reading one field whatever it holds (:func:`comparable`; missing
    values stay ``None``, sorted as missing)."""

    def key(record: Record) -> Any:
        value = record.get(field)
        return None if value is None else comparable(value)

    return key


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
    offset: int | None = None,
    after: Callable[[Sequence[Record]], int] | None = None,
) -> Page:
    """Sort ``records`` and take page ``page`` of them, or the ``per_page`` after
    ``offset`` records, or after where ``after`` says in the sorted records."""
    ordered = sort_records(records, key_field=key_field, sort_key=sort_key, descending=descending)
    return page_in(ordered, page=page, per_page=per_page, offset=offset, after=after)


def page_in(
    ordered: Sequence[Record],
    *,
    page: int,
    per_page: int,
    offset: int | None = None,
    after: Callable[[Sequence[Record]], int] | None = None,
) -> Page:
    """Page ``page`` of records in order, or the ``per_page`` after ``offset``
    records, or after where ``after`` says; ``ordered`` is sliced only (a view of
    an index gives a page without reading the records around it)."""
    if after is not None:
        offset = after(ordered)
    if offset is None:
        return Page(list(page_slice(ordered, page, per_page)), page, per_page, len(ordered))
    offset = max(offset, 0)
    items = list(ordered[offset : offset + max(per_page, 0)])
    return Page(items, offset // max(per_page, 1) + 1, per_page, len(ordered), offset)
