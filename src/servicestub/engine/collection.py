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

Records held in an :class:`~servicestub.engine.index.IndexedRecords` (every group the
engine holds) are listed in the orders it keeps: a change through the dict keeps them,
a record this class changes in place it reports (``changed``), and where the rules
have a ``prepare`` or ``after_change`` of their own - which may change any record in
place, unseen - the orders are made again after each write. Records in a plain dict
are filtered and sorted for each list.

What a spec cannot say stays in the rules too: sorts that are not plain
comparisons of a field (``sort_keys``: case-insensitive, ranked enums),
defaults that depend on the owner (``defaults``), and whether ``""`` stands for
null in nullable fields (``blank_is_null``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, Literal, Protocol, TypeVar

import jsonpatch
import jsonpointer
import jsonschema_rs
import orjson

from servicestub.core.errors import ApiError, BadRequest, Conflict, NotFound, StatusProblem
from servicestub.core.json_schema import components_of, draft4
from servicestub.core.shapes import Json, Record, Records
from servicestub.engine.documented import (
    JSON_MEDIA,
    Answer,
    Completion,
    Schemas,
    completion_for,
    documented_answers,
    is_json,
    is_object_schema,
)
from servicestub.engine.fabricate import FabricateError
from servicestub.engine.ids import fits_path
from servicestub.engine.index import IndexedRecords, OrderView
from servicestub.engine.model import (
    CollectionModel,
    Envelope,
    Filled,
    Listing,
    ListQuery,
    ModelError,
)
from servicestub.engine.paging import (
    Page,
    SortKey,
    any_field_key,
    cursor_offset,
    field_key,
    ordering,
    page_in,
    page_of,
)
from servicestub.engine.seeding import rng_for

Change = Literal["created", "updated", "deleted"]


class Owner(Protocol):
    """What holds a collection's records and issues what a write needs."""

    def records(self, collection: str) -> Records:
        """The records of ``collection`` (the last segment of its path), by id, to
        change (a write's, inside :meth:`writing`)."""
        ...

    def read_records(self, collection: str) -> Records:
        """The records of ``collection`` to read only: what a read must not change
        (a group nobody wrote may be its seeded records, shared by every read)."""
        ...

    def new_id(self) -> Json:
        """A new record's id (a uid, or the next integer where the id is one)."""
        ...

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


def _filled_value(field: Filled, page: Page) -> tuple[bool, Json]:
    """What ``field`` of a list answer holds for ``page``; ``False``: leave it out."""
    values: dict[str, Json] = {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
        "offset": page.start,
        "has_more": page.more,
        "fixed": field.value,
        "next_link": None,
    }
    if field.role == "next":
        value: Json = (
            (page.page + 1 if page.more else None)
            if field.kind
            in (
                "integer",
                "number",
            )
            else page.next_token
        )
    else:
        value = values[field.role]
    if value is not None and field.kind == "string" and not isinstance(value, str):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    if value is None and not field.nullable:
        if not field.required:
            return False, None
        value = "" if field.kind == "string" else 0
    return True, value


def _fill(fields: tuple[Filled, ...], page: Page) -> Record:
    found: Record = {}
    for field in fields:
        present, value = _filled_value(field, page)
        if present:
            functools.reduce(lambda into, name: into.setdefault(name, {}), field.within, found)[
                field.name
            ] = value
    return found


def plain_envelope(envelope: Envelope, page: Page) -> Json:
    """A spec's list answer when its API has no envelope of its own: the bare array
    of records, or an object with them in its array property and the fields whose
    names say what they hold filled (:data:`~servicestub.engine.model.ROLES`:
    ``total``, ``page``, ``pageSize``, ``nextPageToken``, ``has_more`` ...), at the
    top and in its meta object."""
    if envelope.bare:
        return page.items
    body: Record = _fill(envelope.top, page)
    body[envelope.items] = page.items
    if envelope.meta is not None:
        body[envelope.meta] = _fill(envelope.inner, page)
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


def merge_patch(target: Json, patch: Json) -> Json:
    """RFC 7396: ``patch`` merged into ``target`` (a new value; ``null`` removes a key,
    objects merge, anything else replaces)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _matches(value: Any, allowed: frozenset[Any]) -> bool:
    """Whether a record's ``value`` is one a filter allows: equal, equal as text
    (``"3"`` for ``3``, ``"true"`` for ``True``), or, for an array, any of its items."""
    if isinstance(value, list):
        return any(_matches(item, allowed) for item in value)
    if isinstance(value, dict):
        return False
    typed = not isinstance(value, bool) and not any(isinstance(a, bool) for a in allowed)
    if typed and value in allowed:
        return True
    text = _text(value)
    return any(_text(a) == text for a in allowed)


def _text(value: Any) -> str:
    """A scalar as a query string writes it (``true`` for ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _error_set(validator: jsonschema_rs.Draft4Validator | None, record: Record) -> set[str]:
    if validator is None:
        return set()
    return {f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(record)}


class Collection(Generic[OwnerT]):
    """The operations of one collection of a spec, with its API's rules."""

    def __init__(self, model: CollectionModel, rules: Rules[OwnerT] | None = None) -> None:
        self.model = model
        self.rules: Rules[OwnerT] = rules if rules is not None else Rules()
        self.label = self.rules.label or _label(model)
        #: Whether the rules may change records in place (see :meth:`_writing`).
        self._rules_reorder = not (
            self.rules.prepare is _nothing_to_prepare and self.rules.after_change is _nothing_after
        )
        listing = model.listing
        unknown = set(self.rules.sort_keys) - set(listing.sorting.fields if listing else ())
        if unknown:
            raise ModelError(f"{model.path}: rules sort by {sorted(unknown)}, the spec does not.")
        # A free sort, or any sort of a spec no rules were written for, may meet values
        # of any type in a field (objects, arrays, mixed): compared as any JSON. The
        # built-in APIs' sorts compare their typed values as stored.
        any_value = rules is None or (listing is not None and listing.sorting.free)
        #: sort name -> key: the spec's sorts, compared as stored unless the rules say how.
        self.sort_keys: dict[str, SortKey] = {
            name: self.rules.sort_keys.get(name)
            or (any_field_key if any_value else field_key)(name)
            for name in (listing.sorting.fields if listing else ())
        }
        #: sort name -> the order it lists in (ties broken by id): what kept orders key on.
        self._orderings: dict[str, SortKey] = {
            name: ordering(key, model.id_field) for name, key in self.sort_keys.items()
        }
        #: What a created record starts from before its body is applied: nullable
        #: fields null, defaults set; other fields absent until written.
        self.base: Record = {field: None for field in model.writable if field in model.starts_null}
        self.base |= {k: v for k, v in model.defaults.items() if k in model.writable}
        self.base |= self.rules.defaults
        view = self.rules.view
        if model.hidden:
            hidden = model.hidden
            shown = view

            def view(owner: OwnerT, record: Record) -> Record:
                return {k: v for k, v in shown(owner, record).items() if k not in hidden}

        if self._completion.hides_nested:
            outer = view

            def view(owner: OwnerT, record: Record) -> Record:
                return self._completion.shown(outer(owner, record))

        #: How a record is answered: the rules' view, without ``writeOnly`` fields.
        self.view: Callable[[OwnerT, Record], Record] = view

    @functools.cached_property
    def _validator(self) -> jsonschema_rs.Draft4Validator | None:
        """The item schema, compiled: what a patched record must still be."""
        return draft4(self.model.item_schema, components_of({"components": self.model.components}))

    @functools.cached_property
    def _schemas(self) -> Schemas:
        return Schemas(self.model.components)

    @functools.cached_property
    def answers(self) -> dict[str, Answer]:
        """Action -> what its operation documents answering on success."""
        return documented_answers(self.model, self._schemas)

    @functools.cached_property
    def _completion(self) -> Completion:
        """What completes a stored record against the item schema and every answer's."""
        return completion_for(self.model, self.answers)

    def respond(self, action: str, result: Any) -> tuple[Any, ...]:
        """``result`` of ``action`` (an answer, or ``(answer, status)``) as the spec
        documents it: a documented 2xx status, a documented media type, and a body
        of the answer's schema (a record's id where the answer is the id alone).

        An object or array answered as ``application/json`` is ``(body, status)``
        (the resolver's wrapper names the media type and a 201's ``Location``);
        any other ``(body, status, headers)`` with its ``Content-Type``."""
        if not isinstance(result, tuple) and isinstance(result, dict):
            status = self._as_stored_answers.get(action)
            if status is not None:  # most answers: the record itself, as JSON
                return result, status
        body, given = result if isinstance(result, tuple) else (result, None)
        answer = self.answers.get(action)
        if answer is None:
            return body, given or 200
        status = answer.status_for(given)
        answer = answer.at(status)
        if status == 204 or answer.media is None:
            return None, status, {}
        if isinstance(body, list) and action == "create":
            body = self._created_many(body, answer.record)
        elif answer.scalar:
            body = self._scalar(body, answer.record)
        elif isinstance(body, dict) and answer.whole is not None:
            self._around(action, body, answer.whole)
        media = answer.media
        if media == JSON_MEDIA and isinstance(body, dict | list):
            return body, status
        if not is_json(media) and not isinstance(body, str | bytes):
            body = body if body is None else orjson.dumps(body).decode()
        return body, status, {"Content-Type": media}

    @functools.cached_property
    def _as_stored_answers(self) -> dict[str, int]:
        """Action -> its status, for the actions whose answer is a record as stored:
        JSON holding the record (an object), nothing around it to complete (no list
        envelope, no wrapper: see :meth:`_around`)."""
        plain = {}
        for action, answer in self.answers.items():
            status = answer.status_for(None)
            at = answer.at(status)
            bare = at.whole is None or (action != "list" and action not in self.model.wrappers)
            if status != 204 and at.media == JSON_MEDIA and not at.scalar and bare:
                plain[action] = status
        return plain

    def _around(self, action: str, body: Record, whole: Json) -> None:
        """An answer around records (a list's page, a record in its wrapper) with
        every field its schema ``whole`` requires (``status_code`` beside ``data``):
        the records as they are, and a list's paging fields too."""
        wrapper = self.model.wrappers.get(action)
        if action == "list":
            # the records and the paging fields as they are; a meta object completed
            kept = [k for k, v in body.items() if not isinstance(v, dict)]
        elif wrapper is not None and wrapper in body:
            kept = [wrapper]
        else:
            return  # the record itself, completed when it was stored
        self._completion.around(body, whole, kept)

    def _created_many(self, created: Sequence[Record], schema: Json | None) -> Json:
        """The answer of a bulk create (:meth:`create_many`) in the documented shape:
        an array holds each record (or its id, as :meth:`_scalar` makes it); an answer
        documented as one record is the first created (400 when none was)."""
        if schema is None:
            return [*created]
        if is_object_schema(schema):
            if not created:
                raise BadRequest(
                    f"The array is empty: this create answers the {self.label} it creates, "
                    f"so send at least one."
                )
            return created[0]
        items = schema.get("items") if isinstance(schema, dict) else None
        if isinstance(items, dict) and not is_object_schema(self._completion.schemas.flat(items)):
            return [self._scalar(record, items) for record in created]
        return self._scalar(created, schema)

    def _scalar(self, body: Json, schema: Json) -> Json:
        """What an answer that is no record holds for ``body``: its id when the
        schema takes it (``type: integer`` for the new id), else a value drawn."""
        fabricator = self._completion.fabricator
        uid = body.get(self.model.id_field) if isinstance(body, dict) else None
        # the id as written (``"7"`` where the answer is text and the id a number)
        for written in () if uid is None else (uid, str(uid)):
            if fabricator.valid(written, schema):
                return written
        if fabricator.valid(body, schema):
            return body
        rng = rng_for(0, "answer", self.model.path, str(uid))
        try:
            return fabricator.value(schema, rng)
        except FabricateError:
            return body

    def _unwrapped(self, body: Json) -> Json:
        """A write body holding the record in its one property (``{"block": {...}}``
        where the record is answered bare), or in the property its answers wrap it in
        beside others (Open Banking's ``{"Data": {...}, "Risk": {}}``), as the record;
        any other as it is."""
        fields = self.model.fields
        if not isinstance(body, dict):
            return body
        for wrapper in dict.fromkeys(self.model.wrappers.values()):
            held = body.get(wrapper)
            if wrapper not in fields and isinstance(held, dict) and any(k in fields for k in held):
                return held
        if len(body) != 1 or any(k in fields for k in body):
            return body
        inner = next(iter(body.values()))
        if isinstance(inner, dict) and any(k in fields for k in inner):
            return inner
        return body

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

    def _sort_key(self, name: str) -> SortKey:
        found = self.sort_keys.get(name)
        if found is None:
            fields = ", ".join(self.sort_keys)
            raise BadRequest(
                f"{self.label.capitalize()}s cannot be sorted by {name!r}; sort by one of: "
                f"{fields} (a leading '-' or ':desc' sorts descending)."
            )
        return found

    def _after(self, cursor: str) -> Callable[[Sequence[Record]], int]:
        """Where a cursor starts a page: the offset it encodes, else just after the
        record whose id it is (``starting_after``); 400 for anything else."""
        offset = cursor_offset(cursor)
        id_field = self.model.id_field

        def start(ordered: Sequence[Record]) -> int:
            if offset is not None:
                return offset
            if isinstance(ordered, OrderView):
                found = ordered.position(cursor)
                if found is not None:
                    return found + 1
            else:
                for index, record in enumerate(ordered):
                    if str(record.get(id_field)) == cursor:
                        return index + 1
            raise BadRequest(
                f"The cursor {cursor!r} is neither one this server answered (take it from "
                f"the previous page) nor the {id_field} of a listed {self.label}."
            )

        return start

    def page(self, owner: OwnerT, listing: Listing) -> Page:
        """One sorted, filtered page of the owner's records, as stored.

        Records an :class:`IndexedRecords` holds are read in the order it keeps
        (a page of them costs what it holds, filtered ones a pass in order); any
        other records are filtered and sorted for the request."""
        sort_key = self._sort_key(listing.sort)
        held = owner.read_records(self.model.name)
        after = None if listing.cursor is None else self._after(listing.cursor)
        if isinstance(held, IndexedRecords):
            order = held.order(listing.sort, self._orderings[listing.sort])
            view = OrderView(held, order, listing.descending)
            ordered = self._passing(view, listing) if listing.filters else view
            return page_in(
                ordered,
                page=listing.page,
                per_page=listing.per_page,
                offset=listing.offset,
                after=after,
            )
        records: Iterable[Record] = held.values()
        return page_of(
            self._passing(records, listing) if listing.filters else records,
            key_field=self.model.id_field,
            sort_key=sort_key,
            descending=listing.descending,
            page=listing.page,
            per_page=listing.per_page,
            offset=listing.offset,
            after=after,
        )

    @staticmethod
    def _passing(records: Iterable[Record], listing: Listing) -> list[Record]:
        """``records`` (in their order) that pass every filter of ``listing``."""
        filters = listing.filters.items()
        return [r for r in records if all(_matches(r.get(f), allowed) for f, allowed in filters)]

    def list(self, owner: OwnerT, query: Mapping[str, Any]) -> Json:
        """The list response for ``query``: a page, viewed and enveloped."""
        return self.envelope(owner, self.page(owner, self.read(query)))

    def envelope(self, owner: OwnerT, page: Page) -> Json:
        """``page`` (records as stored) viewed and in the list envelope."""
        envelope = self.model.envelope
        if envelope is None:
            raise ModelError(f"{self.model.path} has no list envelope.")
        view = self.view
        if view is not _as_stored:  # most collections show records as stored
            page = dataclasses.replace(page, items=[view(owner, record) for record in page.items])
        return self.rules.envelope(envelope, page)

    def named(self, owner: OwnerT, uid: str) -> str:
        """The id of the record a path's ``uid`` names: ``uid`` itself, else the id of
        the record one of the model's aliases holds as ``uid`` (Postmark's
        ``GET /templates/{templateIdOrAlias}`` with an ``Alias``); ``uid`` when none does."""
        if not self.model.aliases:
            return uid
        records = owner.read_records(self.model.name)
        if str(uid) in records:
            return uid
        for key, record in records.items():
            if any(str(record.get(alias)) == uid for alias in self.model.aliases):
                return key
        return uid

    def stored(self, owner: OwnerT, uid: str, *, to_change: bool = False) -> Record:
        """The stored record ``uid`` (``to_change``: the one a write changes, from the
        owner's records to change), or 404 naming where it was looked for."""
        name = self.model.name
        records = owner.records(name) if to_change else owner.read_records(name)
        found = records.get(str(uid))
        if found is None:
            raise NotFound(f"{self.label.capitalize()} '{uid}' does not exist {owner.where()}.")
        return found

    def get(self, owner: OwnerT, uid: str) -> Record:
        record = self.stored(owner, uid)
        return record if self.view is _as_stored else self.view(owner, record)

    @contextlib.contextmanager
    def _writing(self, owner: OwnerT) -> Iterator[None]:
        """Around a write: the owner's :meth:`~Owner.writing`. Rules of the
        collection's own (``prepare``, ``after_change``) may change any record in
        place, unseen: where they are, the order of the records is made again when
        next read, however the write ends."""
        try:
            with owner.writing():
                yield
        finally:
            if self._rules_reorder:
                records = owner.records(self.model.name)
                if isinstance(records, IndexedRecords):
                    records.reorder()

    def _changed(self, owner: OwnerT, uid: str) -> None:
        """The stored record ``uid`` was changed in place: what keeps the records in
        order learns of it."""
        records = owner.records(self.model.name)
        if isinstance(records, IndexedRecords):
            records.changed(str(uid))

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

    def _path_id(self, uid: str) -> Json:
        """A path's id as the record holds it (an integer id as a number)."""
        if self.model.id_type != "integer":
            return uid
        try:
            return int(uid)
        except ValueError:
            raise BadRequest(
                f"'{uid}' is no {self.model.id_field} of a {self.label}: they are integers."
            ) from None

    def create(
        self,
        owner: OwnerT,
        body: Record,
        uid: str | None = None,
        scope: Mapping[str, str] | None = None,
    ) -> Record:
        """Create a record from a validated body; defaults fill what is absent. Its
        id is ``uid`` (a PUT that creates), the body's when the client writes one,
        else a new one. The properties that hold ``scope``'s values (its path
        parameters' values: the parent's id) are set to them."""
        body = self._unwrapped(body)
        with self._writing(owner):
            fields = self._apply(owner, self.base, body, None)  # refused before an id is used
            records = owner.records(self.model.name)
            given = body.get(self.model.id_field) if uid is None else self._path_id(uid)
            if uid is None and given is not None and not fits_path(given, self.model):
                given = None  # an id its item path cannot name is the server's to give
            if given is not None and str(given) in records and self._counts(uid):
                given = None  # the server counts integer ids: a taken one is its to give
            if given is not None:
                if str(given) in records:
                    raise Conflict(
                        f"{self.label.capitalize()} '{given}' exists {owner.where()} already."
                    )
                new_id: Json = given
            else:
                new_id = owner.new_id()
            record = {self.model.id_field: new_id, **self.model.server_values, **fields}
            for param, value in (scope or {}).items():
                held = self.model.scope_fields.get(param)
                if held is not None and held != self.model.id_field:
                    record[held] = self._scope_value(held, value)
            for stamp in self.model.stamped:
                record[stamp] = owner.now()
            self._completion.complete(record)
            records[str(new_id)] = record
            self.rules.after_change(owner, record, "created")
        return self.view(owner, record)

    def create_many(
        self, owner: OwnerT, bodies: Sequence[Json], scope: Mapping[str, str] | None = None
    ) -> Sequence[Record]:
        """A create whose body is an array of records (a bulk create, as Azure's
        ``POST .../reviews``): each created as :meth:`create` creates one, all or none
        (a refused one leaves the collection as it was)."""
        for index, body in enumerate(bodies):
            if not isinstance(body, dict):
                raise BadRequest(
                    f"Item {index} of the array is {type(body).__name__}, not a {self.label}: "
                    f"an array creates one {self.label} from each object it holds."
                )
        with self._writing(owner):
            records = owner.records(self.model.name)
            before = dict(records)
            try:
                return [self.create(owner, body, scope=scope) for body in bodies]
            except ApiError:
                records.clear()
                records.update(before)
                raise

    def _counts(self, uid: str | None) -> bool:
        """Whether a create (by POST: no ``uid``) takes the server's next id over one
        the body gives that is taken: integer ids are the server's counter."""
        return uid is None and self.model.id_type == "integer"

    def _scope_value(self, field: str, value: str) -> Json:
        """A path value as the record's ``field`` holds it (a number for a number)."""
        if field in self.model.numeric:
            try:
                return int(value)
            except ValueError:
                return value
        return value

    def _restamp(self, owner: OwnerT, record: Record) -> None:
        """Stamp an updated record again, and complete it as its answers require."""
        for stamp in self.model.restamped:
            record[stamp] = owner.now()
        self._completion.complete(record)

    def update(self, owner: OwnerT, uid: str, body: Json) -> Record:
        """Replace the fields present in ``body``, keep the others; where the spec
        PATCHes, merge it (RFC 7396), or apply it when it is a JSON Patch (RFC 6902)."""
        if isinstance(body, list):
            return self.json_patch(owner, uid, body)
        body = self._unwrapped(body)
        if self.model.merges and isinstance(body, dict):
            return self.merge(owner, uid, body)
        with self._writing(owner):
            current = self.stored(owner, uid, to_change=True)
            current.update(self._apply(owner, current, body, current))
            self._restamp(owner, current)
            self._changed(owner, uid)
            self.rules.after_change(owner, current, "updated")
        return self.view(owner, current)

    def merge(self, owner: OwnerT, uid: str, body: Record) -> Record:
        """RFC 7396 merge patch of the writable fields of ``body`` (``null`` removes)."""
        current = self.stored(owner, uid)
        body = self._unwrapped(body)
        patch = {k: v for k, v in body.items() if k in self.model.writable}
        return self._patched(owner, uid, current, merge_patch(current, patch))

    def json_patch(self, owner: OwnerT, uid: str, operations: Sequence[Json]) -> Record:
        """RFC 6902: ``operations`` applied in order, all or none; a failed ``test``
        or a path that is not there is 409, an operation that is none 422."""
        current = self.stored(owner, uid)
        try:
            patched = jsonpatch.JsonPatch(list(operations)).apply(copy.deepcopy(current))
        except jsonpatch.JsonPatchTestFailed as failed:
            raise Conflict(f"The patch was not applied, a test failed: {failed}.") from None
        except (jsonpatch.JsonPatchConflict, jsonpointer.JsonPointerException) as error:
            raise Conflict(f"The patch was not applied: {error}.") from None
        except (jsonpatch.InvalidJsonPatch, TypeError, ValueError) as error:
            raise StatusProblem(422, f"The patch is not a JSON Patch: {error}.") from None
        if not isinstance(patched, dict):
            raise StatusProblem(422, f"The patch makes the {self.label} something not an object.")
        # What the server sets is the server's: a patch of it is passed over.
        kept = {k: v for k, v in current.items() if k not in self.model.writable}
        patched = {k: v for k, v in patched.items() if k in self.model.writable} | kept
        return self._patched(owner, uid, current, patched)

    def _patched(self, owner: OwnerT, uid: str, current: Record, patched: Record) -> Record:
        """Store ``patched`` over ``current`` (the record ``uid`` as read) if it is
        still a record of the item schema (no error it did not have before; else 422
        and nothing changes).

        A merge patch replaces an array whole, so what the spec's PATCH schema lets
        a client leave out of its items (a ``featureVariations`` the record schema
        requires) is completed first, as a create completes: only what the client's
        own values break is refused (a required field the patch removes stays removed)."""
        removed = current.keys() - patched.keys()
        patched = self._completion.complete(copy.deepcopy(patched), redraw=False)
        for name in removed:
            patched.pop(name, None)
        new = _error_set(self._validator, patched) - _error_set(self._validator, current)
        if new:
            raise StatusProblem(
                422,
                f"The patched {self.label} would break its schema: {sorted(new)[0]}. "
                "Nothing was changed.",
            )
        with self._writing(owner):
            current = self.stored(owner, uid, to_change=True)
            self.rules.prepare(owner, patched, current)
            current.clear()
            current.update(patched)
            self._restamp(owner, current)
            self._changed(owner, uid)
            self.rules.after_change(owner, current, "updated")
        return self.view(owner, current)

    def replace(self, owner: OwnerT, uid: str, body: Record) -> Record:
        """Replace every writable field: those absent from ``body`` take their
        defaults, or are left out."""
        body = self._unwrapped(body)
        with self._writing(owner):
            current = self.stored(owner, uid, to_change=True)
            kept = {f: v for f, v in current.items() if f not in self.model.writable}
            fields = self._apply(owner, {**kept, **self.base}, body, current)
            current.clear()
            current.update(fields | kept)
            self._restamp(owner, current)
            self._changed(owner, uid)
            self.rules.after_change(owner, current, "updated")
        return self.view(owner, current)

    def put(
        self,
        owner: OwnerT,
        uid: str,
        body: Record,
        *,
        replace: bool,
        scope: Mapping[str, str] | None = None,
    ) -> tuple[Record, int]:
        """A PUT where the spec creates by PUT: the record ``uid`` replaced (or
        updated), else created with that id; the answer and its status."""
        if str(uid) not in owner.read_records(self.model.name):
            return self.create(owner, body, uid, scope), self.model.put_creates or 201
        done = self.replace(owner, uid, body) if replace else self.update(owner, uid, body)
        return done, 200

    def delete(self, owner: OwnerT, uid: str) -> None:
        """Delete one record (cascades are the rules' ``after_change``)."""
        with self._writing(owner):
            record = self.stored(owner, uid, to_change=True)
            del owner.records(self.model.name)[str(uid)]
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
        return self.held.setdefault(collection, IndexedRecords())

    read_records = records

    def new_id(self) -> Json:
        self.issued += 1
        return self._uids(self.issued)

    def now(self) -> str:
        return self._now()

    def where(self) -> str:
        return self._where

    def writing(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()
