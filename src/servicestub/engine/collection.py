"""One generic collection: list, create, get, update, replace and delete records
held by an owner, configured by the spec's :class:`~servicestub.engine.model.CollectionModel`
and a :class:`Rules` object plugged into named points.

The named points, in the order a write meets them:

* ``prepare(owner, record, before)`` - derive and check the record about to be
  stored (``before``: the record as it was, ``None`` on create); raise an
  :class:`~servicestub.core.errors.ApiError` to refuse. It works on a copy, so a
  refused write changes nothing, and on create it runs before an id is issued.
* ``after_change(owner, record, change)`` - react to a stored change
  (``"created"``, ``"updated"`` or ``"deleted"``): totals, notifications, positions.
* ``view(owner, record)`` - how a record is shown (stored records are shown as
  they are unless the rules say otherwise).
* ``envelope(envelope, page)`` - how a page of the list is wrapped.

What a spec cannot say stays in the rules too: sorts that are not plain
comparisons of a field (``sort_keys``: case-insensitive, ranked enums),
defaults that depend on the owner (``defaults``), and whether ``""`` stands for
null in nullable fields (``blank_is_null``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, Literal, Protocol, TypeVar

from servicestub.core.errors import BadRequest, NotFound
from servicestub.core.shapes import Json, Record, Records
from servicestub.engine.model import CollectionModel, Envelope, Listing, ListQuery, ModelError
from servicestub.engine.paging import Page, SortKey, field_key, page_of

Change = Literal["created", "updated", "deleted"]


class Owner(Protocol):
    """What holds a collection's records and issues what a write needs."""

    def records(self, collection: str) -> Records:
        """The records of ``collection`` (the last segment of its path), by id."""
        ...

    def new_id(self) -> str: ...

    def now(self) -> str:
        """The timestamp a write stamps on a record."""
        ...

    def where(self) -> str:
        """Where the records are, for a 404 (``"in tenant 'acme'"``)."""
        ...

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Around every write: what the owner does when one succeeds or fails."""
        ...


OwnerT = TypeVar("OwnerT", bound=Owner)
OwnerT_contra = TypeVar("OwnerT_contra", bound=Owner, contravariant=True)

_NAMES = {"page": "page", "pageNumber": "page", "perPage": "per_page", "pageSize": "per_page"}
_NAMES |= {"limit": "per_page", "totalItems": "total", "total": "total", "totalCount": "total"}
_NAMES |= {"count": "total", "totalPages": "pages", "pageCount": "pages"}


def plain_envelope(envelope: Envelope, page: Page) -> Json:
    """A spec's list envelope when its API has no envelope of its own: the records
    in the array property, and the meta fields whose names say what they hold
    (``page``, ``perPage``/``pageSize``/``limit``, ``totalItems``/``total``/``count``,
    ``totalPages``/``pageCount``)."""
    body: Record = {envelope.items: page.items}
    if envelope.meta is not None:
        body[envelope.meta] = {
            name: getattr(page, _NAMES[name]) for name in envelope.meta_fields if name in _NAMES
        }
    return body


def _nothing_to_prepare(owner: Any, record: Record, before: Record | None) -> None:
    """Most records have no derived fields."""


def _nothing_after(owner: Any, record: Record, change: Change) -> None:
    """Most changes trigger nothing else."""


def _as_stored(owner: Any, record: Record) -> Record:
    return record


@dataclasses.dataclass(frozen=True)
class Rules(Generic[OwnerT_contra]):
    """What one API adds to a collection of its spec, at the named points."""

    #: How the records are named in messages (``"hours entry"``); default from the path.
    label: str | None = None
    prepare: Callable[[OwnerT_contra, Record, Record | None], None] = _nothing_to_prepare
    after_change: Callable[[OwnerT_contra, Record, Change], None] = _nothing_after
    view: Callable[[OwnerT_contra, Record], Record] = _as_stored
    envelope: Callable[[Envelope, Page], Json] = plain_envelope
    sort_keys: Mapping[str, SortKey] = dataclasses.field(default_factory=dict)
    defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    blank_is_null: bool = False


def _label(model: CollectionModel) -> str:
    name = model.name.replace("-", " ").replace("_", " ")
    return name[:-1] if name.endswith("s") else name


class Collection(Generic[OwnerT]):
    """The operations of one collection of a spec, with its API's rules."""

    def __init__(self, model: CollectionModel, rules: Rules[OwnerT] | None = None) -> None:
        self.model = model
        self.rules: Rules[OwnerT] = rules if rules is not None else Rules()
        self.label = self.rules.label or _label(model)
        listing = model.listing
        unknown = set(self.rules.sort_keys) - set(listing.sorting.fields if listing else ())
        if unknown:
            raise ModelError(f"{model.path}: rules sort by {sorted(unknown)}, the spec does not.")
        #: sort name -> key: the spec's sorts, compared as stored unless the rules say how.
        self.sort_keys: dict[str, SortKey] = {
            name: self.rules.sort_keys.get(name) or field_key(name)
            for name in (listing.sorting.fields if listing else ())
        }
        #: What a created record starts from before its body is applied.
        self.base: Record = {field: None for field in model.writable}
        self.base |= {k: v for k, v in model.defaults.items() if k in self.base}
        self.base |= self.rules.defaults

    # -- reads -----------------------------------------------------------------

    @property
    def list_query(self) -> ListQuery:
        """How the collection's list reads its query (:class:`ModelError` without a list)."""
        if self.model.listing is None:
            raise ModelError(f"{self.model.path} has no list operation.")
        return self.model.listing

    def read(self, query: Mapping[str, Any]) -> Listing:
        """The list request ``query`` makes (spec names or handler keywords)."""
        return self.list_query.read(query)

    def page(self, owner: OwnerT, listing: Listing) -> Page:
        """One sorted, filtered page of the owner's records, as stored."""
        records: Iterable[Record] = owner.records(self.model.name).values()
        if listing.filters:
            records = [
                r
                for r in records
                if all(r.get(field) in allowed for field, allowed in listing.filters.items())
            ]
        return page_of(
            records,
            key_field=self.model.id_field,
            sort_key=self.sort_keys[listing.sort],
            descending=listing.descending,
            page=listing.page,
            per_page=listing.per_page,
        )

    def list(self, owner: OwnerT, query: Mapping[str, Any]) -> Json:
        """The list response for ``query``: a page, viewed and enveloped."""
        return self.envelope(owner, self.page(owner, self.read(query)))

    def envelope(self, owner: OwnerT, page: Page) -> Json:
        """``page`` (records as stored) viewed and in the list envelope."""
        envelope = self.model.envelope
        if envelope is None:
            raise ModelError(f"{self.model.path} has no list envelope.")
        view = self.rules.view
        if view is not _as_stored:  # most collections show records as stored
            page = dataclasses.replace(page, items=[view(owner, record) for record in page.items])
        return self.rules.envelope(envelope, page)

    def stored(self, owner: OwnerT, uid: str) -> Record:
        """The stored record ``uid``, or 404 naming where it was looked for."""
        found = owner.records(self.model.name).get(uid)
        if found is None:
            raise NotFound(f"{self.label.capitalize()} '{uid}' does not exist {owner.where()}.")
        return found

    def get(self, owner: OwnerT, uid: str) -> Record:
        return self.rules.view(owner, self.stored(owner, uid))

    # -- writes ----------------------------------------------------------------

    def _apply(self, owner: OwnerT, start: Record, body: Record, before: Record | None) -> Record:
        """``start`` with the writable fields of ``body`` applied, prepared (``before``:
        the stored record, ``None`` on create); neither is changed."""
        updated = dict(start)
        nullable = self.model.nullable
        for field in self.model.writable:
            if field not in body:
                continue
            value = body[field]
            if value is None and field not in nullable:
                raise BadRequest(f"{field} cannot be null.")
            if self.rules.blank_is_null and field in nullable and value == "":
                value = None
            updated[field] = value
        self.rules.prepare(owner, updated, before)
        return updated

    def create(self, owner: OwnerT, body: Record) -> Record:
        """Create a record from a validated body; defaults fill what is absent."""
        with owner.writing():
            fields = self._apply(owner, self.base, body, None)  # refused before an id is used
            record = {self.model.id_field: owner.new_id(), **fields}
            for stamp in self.model.stamped:
                record[stamp] = owner.now()
            owner.records(self.model.name)[record[self.model.id_field]] = record
            self.rules.after_change(owner, record, "created")
        return self.rules.view(owner, record)

    def update(self, owner: OwnerT, uid: str, body: Record) -> Record:
        """Replace the fields present in ``body``, keep the others."""
        with owner.writing():
            current = self.stored(owner, uid)
            current.update(self._apply(owner, current, body, current))
            self.rules.after_change(owner, current, "updated")
        return self.rules.view(owner, current)

    def replace(self, owner: OwnerT, uid: str, body: Record) -> Record:
        """Replace every writable field: those absent from ``body`` take their defaults."""
        with owner.writing():
            current = self.stored(owner, uid)
            kept = {f: v for f, v in current.items() if f not in self.model.writable}
            fields = self._apply(owner, {**current, **self.base}, body, current)
            current.update(fields | kept)
            self.rules.after_change(owner, current, "updated")
        return self.rules.view(owner, current)

    def delete(self, owner: OwnerT, uid: str) -> None:
        """Delete one record (cascades are the rules' ``after_change``)."""
        with owner.writing():
            record = self.stored(owner, uid)
            del owner.records(self.model.name)[uid]
            self.rules.after_change(owner, record, "deleted")


class HeldRecords:
    """An owner that holds the records of any collection itself: what serves a
    collection no API module knows (a spec's new collection, a spec never seen).

    Ids are the engine's uids of a counter; ``now`` is the clock given."""

    def __init__(self, where: str, uids: Callable[[int], str], now: Callable[[], str]) -> None:
        self._where = where
        self._uids = uids
        self._now = now
        self.issued = 0
        self.held: dict[str, Records] = {}

    def records(self, collection: str) -> Records:
        return self.held.setdefault(collection, {})

    def new_id(self) -> str:
        self.issued += 1
        return self._uids(self.issued)

    def now(self) -> str:
        return self._now()

    def where(self) -> str:
        return self._where

    def writing(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()
