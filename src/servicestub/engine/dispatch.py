"""Collections the engine serves by itself: the operations of a spec's collection
that no handler function is written for, and the records it holds for them.

Adding a collection to a spec is then all it takes to serve it: each operation
of the collection (list, create, get, update, replace, delete; see
:mod:`servicestub.engine.model`) is served by its
:class:`~servicestub.engine.collection.Collection`, and the records are held here,
one group per *scope* - the values of the collection's scope path parameters
(one group per ``(tenantId, storeId, serviceOrderUid)`` for a collection under a
service order).

An API whose scopes are records of its own state says so with :class:`Plugins`:
for a scope (its path parameter names, outermost first) the *parent* owner in
that state - which answers 404 when the parent does not exist, issues the API's
ids and timestamps and pins what a write pins - and, by collection path, the
:class:`~servicestub.engine.collection.Rules` of a collection (the "at most a
rule module"). A collection deeper than any scope the API names is parented by
the longest one it names; a scope no API names (a spec the mock has never seen)
is parented by :class:`Standalone`, whose ids come from the holder's own counter.

A group nobody has written starts *seeded* (:class:`Seeding`): records drawn from
the collection's item schema by :func:`~servicestub.engine.fabricate.fabricate_records`,
deterministic from the seed, the collection path and the scope's values, and laid
out before the reference time. They are made again, identically, each time a clean
scope is read (a read holds nothing); the first write that succeeds holds the group,
seeded records and change together, from then on (an emptied group too, or the
seeded records would come back).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import jsonschema_rs

from servicestub.core.errors import NotFound
from servicestub.core.json_schema import components_of, draft4
from servicestub.core.shapes import Json, Records
from servicestub.engine import snapshot as snap
from servicestub.engine.collection import Collection, Owner, Rules
from servicestub.engine.documented import Completion, completion_for
from servicestub.engine.fabricate import Context, FabricateError, fabricate_records
from servicestub.engine.ids import (
    COUNTER_MAX,
    SEGMENT,
    UUID_LENGTH,
    UidCodec,
    free_id,
    next_count,
    seeded_key,
    shaped_id,
)
from servicestub.engine.index import IndexedRecords
from servicestub.engine.model import (
    SEED_COUNT_EXTENSION,
    CollectionModel,
    ModelError,
    SpecModel,
    path_shape,
)
from servicestub.engine.seeding import iso
from servicestub.specs import resolve

#: The actions of a collection that change its records.
WRITES = frozenset({"create", "update", "replace", "delete"})

#: A scope: ``(path parameter, value)`` pairs, outermost first.
Scope = tuple[tuple[str, str], ...]
#: A group of held records: (API name, collection path, scope).
GroupKey = tuple[str, str, Scope]

#: How many records a clean scope starts with when the spec says nothing
#: (``x-servicestub-seed-count`` on the list operation or the path item says how many).
DEFAULT_SEED_COUNT = 5
#: The most records one scope may be seeded with (each clean read draws them again).
MAX_SEED_COUNT = 1000
#: How many scopes' seeded records are kept drawn (see :class:`Seeding`).
DRAWN_GROUPS_KEPT = 256
#: The keywords that make a string id more than "any string".
_SHAPED = frozenset({"format", "pattern", "enum", "const"})

StateT = TypeVar("StateT")
ParentT = TypeVar("ParentT", bound=Owner)


@dataclasses.dataclass(frozen=True)
class ServedOperation:
    """One operation of a collection: which collection, which action."""

    collection: CollectionModel
    action: str


def collection_operations(model: SpecModel) -> dict[str, ServedOperation]:
    """``operationId -> ServedOperation`` of every operation of every collection of
    ``model`` (the engine serves those no handler function is written for)."""
    return {
        operation_id: ServedOperation(collection, action)
        for collection in model.collections.values()
        for action, operation_id in collection.operations.items()
    }


#: Makes the parent owner of a scope from the API's state, the scope's values and
#: whether the request writes; raises :class:`NotFound` when the parent does not exist.
ParentOf = Callable[[StateT, tuple[str, ...], bool], Owner]


@dataclasses.dataclass(frozen=True)
class Plugins(Generic[StateT]):
    """What an API package plugs into the collections of its spec the engine serves."""

    #: Scope (path parameter names, outermost first) -> its parent in the API's state.
    parents: Mapping[tuple[str, ...], ParentOf[StateT]] = dataclasses.field(default_factory=dict)
    #: Collection path -> its rules (they receive a :class:`HeldOwner`, whose
    #: ``parent`` is the API's owner of the scope).
    rules: Mapping[str, Rules[Any]] = dataclasses.field(default_factory=dict)
    #: The rules of a collection with none of its own: the API's conventions
    #: (its list envelope, what a blank means); ``None``: the engine's.
    default_rules: Rules[Any] | None = None

    def rules_of(self, path: str) -> Rules[Any] | None:
        """The rules of the collection at ``path``: its own, else the API's defaults."""
        return self.rules.get(path, self.default_rules)

    def parent(self, state: StateT, scope: Scope, write: bool) -> Owner | None:
        """The API's owner of the longest prefix of ``scope`` it names (404 when it
        does not exist), or ``None`` when it names none."""
        names = tuple(name for name, _value in scope)
        for depth in range(len(names), 0, -1):
            make = self.parents.get(names[:depth])
            if make is not None:
                return make(state, tuple(value for _name, value in scope[:depth]), write)
        return None


def where_text(scope: Scope, path: str) -> str:
    """Where a scope's records are, for a 404 (``under storeId 'main'``)."""
    if not scope:
        return f"in {path}"
    return "under " + ", ".join(f"{name} '{value}'" for name, value in scope)


def seed_count(model: CollectionModel) -> int:
    """How many records a clean scope of ``model`` starts with; :class:`ModelError`
    saying what to write when the spec's ``x-servicestub-seed-count`` is no count."""
    count = model.seed_count
    if count is None:
        return DEFAULT_SEED_COUNT
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_SEED_COUNT:
        raise ModelError(
            f"{model.path}: {SEED_COUNT_EXTENSION} is {count!r}; write a whole number "
            f"from 0 to {MAX_SEED_COUNT} (how many records a scope nobody wrote starts with)."
        )
    return count


def _seeded_schema(model: CollectionModel, document: Json) -> Json:
    """The item schema records are seeded from: an id that may be any string is
    drawn as a uuid, which is a path segment (a string drawn as words is not), or a
    :data:`~servicestub.engine.ids.SEGMENT` where its lengths fit no uuid; a
    key the client chooses, as :func:`~servicestub.engine.ids.seeded_key` says."""
    properties = model.item_schema.get("properties") or {}
    id_schema = resolve(document, properties.get(model.id_field))
    plain = isinstance(id_schema, dict) and id_schema.get("type") == "string"
    # else a key the client chooses is drawn no shorter than three (ids.seeded_key)
    key = seeded_key(model)
    if plain and not _SHAPED & id_schema.keys():
        low, high = id_schema.get("minLength"), id_schema.get("maxLength")
        if not (isinstance(low, int) and low > UUID_LENGTH) and not (
            isinstance(high, int) and high < UUID_LENGTH
        ):
            key = {"format": "uuid"}
        else:  # lengths no uuid fits: a path segment of them
            key = SEGMENT if key is None else {"allOf": [SEGMENT, key]}
    if key is None:
        return model.item_schema
    return {"allOf": [model.item_schema, {"properties": {model.id_field: key}}]}


def _probe(model: CollectionModel, document: Json, param: str) -> str:
    """A value of the scope parameter ``param`` to seed a trial scope with: one the
    property holding it can hold (a number, an enum's first value), else a word."""
    properties = model.item_schema.get("properties") or {}
    schema = resolve(document, properties.get(model.scope_fields.get(param, param)))
    if isinstance(schema, dict):
        enum = schema.get("enum")
        if isinstance(enum, list) and enum and isinstance(enum[0], str | int):
            return str(enum[0])
        if schema.get("type") in ("integer", "number"):
            return "1"
    return f"{param}-1"


@dataclasses.dataclass(frozen=True)
class Seeding:
    """How the groups nobody has written start: ``seed`` and ``now`` (the
    reference time: every timestamp drawn is before it) as the runtime's, and
    ``document`` giving each API's spec (what the item schemas' ``$ref``s name)."""

    seed: int
    now: datetime
    document: Callable[[str], Json]
    #: Drawn groups, most recent last (bounded): a clean scope is read again and
    #: again, and drawing is far dearer than copying. Reads share them
    #: (:meth:`shared`); what a write changes is a copy (:meth:`records`).
    _drawn: OrderedDict[tuple[str, str, Scope], IndexedRecords] = dataclasses.field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )

    #: Collection (API, path) -> what completes its seeded records against every
    #: answer schema (:mod:`servicestub.engine.documented`).
    _completions: dict[tuple[str, str], Completion] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: The groups whose records cannot be drawn (:meth:`records` holds them empty).
    _undrawable: set[GroupKey] = dataclasses.field(
        default_factory=set, init=False, repr=False, compare=False
    )

    #: Collection (API, path) -> why its records cannot be seeded, ``None`` when
    #: they can (:meth:`checked`).
    _verdicts: dict[tuple[str, str], str | None] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def checked(self, api: str, model: CollectionModel) -> None:
        """:meth:`check`, its verdict kept for :meth:`seedable`."""
        self._verdicts[api, model.path] = f"{model.path}: its records are being checked"
        try:
            self.check(api, model)
        except ModelError as error:
            self._verdicts[api, model.path] = str(error)
            raise
        self._verdicts[api, model.path] = None

    def seedable(self, api: str, model: CollectionModel) -> bool:
        """Whether ``model``'s records can be seeded: :meth:`checked`'s verdict, given
        at start-up for a built-in API, else when first asked (a third-party
        collection's first request, or a built-in one's after a reset to another
        seed), so that no request draws what cannot be drawn (a collection that
        cannot be seeded is served without state: it holds no records, and parents
        none)."""
        return self.unseedable(api, model) is None

    def unseedable(self, api: str, model: CollectionModel) -> str | None:
        """Why ``model``'s records cannot be seeded (:meth:`check`'s error), or
        ``None`` when they can; decided on first asking, then kept."""
        if (api, model.path) not in self._verdicts:
            with contextlib.suppress(ModelError):
                self.checked(api, model)
        return self._verdicts[api, model.path]

    def records(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        """The seeded records of ``model`` in ``scope``, by id (the id as a path
        segment: ``str`` of an integer id), made anew: the caller may change them.
        A scope whose records cannot be drawn (its values leave a pattern nothing
        matches; :meth:`check` found none at start-up) starts empty: a request never
        fails for the seeding."""
        return copy.deepcopy(self.shared(api, model, scope))

    def shared(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        """:meth:`records` as drawn, shared by every caller, to read only: what a
        read of a group nobody wrote reads (no copy, and the orders its lists ask
        for kept while the group is)."""
        try:
            return self._group(api, model, scope)
        except FabricateError:
            empty = self._drawn[api, model.path, scope] = IndexedRecords()
            self._undrawable.add((api, model.path, scope))
            return empty

    def undrawable(self, api: str, model: CollectionModel, scope: Scope) -> bool:
        """Whether the records of ``model`` in ``scope`` cannot be drawn (a collection
        served without state, its records none the engine holds)."""
        self.shared(api, model, scope)  # drawn (or found undrawable) if not yet
        return (api, model.path, scope) in self._undrawable

    def drawn(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        """:meth:`records`, or the :class:`FabricateError` that stops their drawing."""
        return copy.deepcopy(self._group(api, model, scope))

    def _group(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        """The drawn group (kept), or the :class:`FabricateError` that stops its drawing."""
        key = (api, model.path, scope)
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = self._draw(api, model, scope)
            if len(self._drawn) > DRAWN_GROUPS_KEPT:
                self._drawn.popitem(last=False)
        else:
            self._drawn.move_to_end(key)
        return drawn

    def _draw(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        count = seed_count(model)
        if not count:
            return IndexedRecords()
        document = self.document(api)
        schema = _seeded_schema(model, document)
        values = [value for _name, value in scope]
        # An id space smaller than the count (Azure's ``configName`` of one ``enum``
        # value, ``$default``) seeds as many records as it holds ids: fewer, not none.
        while True:
            try:
                drawn = fabricate_records(
                    model,
                    schema,
                    self.seed,
                    values,
                    count,
                    document=document,
                    context=Context(now=self.now),
                )
                break
            except FabricateError:
                if count <= 1:
                    raise
                count //= 2
        completion = self._completion(api, model)
        return IndexedRecords(
            (str(record[model.id_field]), completion.complete(record)) for record in drawn
        )

    def check(self, api: str, model: CollectionModel) -> None:
        """Fail now (at start-up), not on a request, when ``model``'s records
        cannot be seeded: a count that is none, a schema nothing can be drawn for."""
        document = self.document(api)
        scope = tuple((name, _probe(model, document, name)) for name in model.scope)
        try:
            drawn = self.drawn(api, model, scope)
        except FabricateError as error:
            raise ModelError(f"{model.path}: its records cannot be seeded: {error}") from None
        components = components_of(document)
        problem = _first_problem(draft4(model.item_schema, components), drawn.values())
        if problem is not None:
            raise ModelError(
                f"{model.path}: a seeded record breaks its schema ({problem}); "
                f"set {SEED_COUNT_EXTENSION} lower, or widen the schema."
            )
        # Each answer of the collection's operations holds a stored record completed
        # against its schema (:mod:`servicestub.engine.documented`): one that no
        # completed record meets cannot be answered validly, so neither is served.
        for schema in self._completion(api, model).records:
            problem = _first_problem(draft4(schema, components), drawn.values())
            if problem is not None:
                raise ModelError(
                    f"{model.path}: a record cannot be answered as its operations document "
                    f"({problem}); widen the schema of the answer."
                )

    def _completion(self, api: str, model: CollectionModel) -> Completion:
        """What completes ``model``'s records against every answer schema (made once)."""
        completion = self._completions.get((api, model.path))
        if completion is None:
            completion = self._completions[api, model.path] = completion_for(model)
        return completion


def _first_problem(
    validator: jsonschema_rs.Draft4Validator | None, records: Iterable[Json]
) -> str | None:
    """The first error of the first of ``records`` that ``validator`` refuses; a schema
    a draft 4 validator cannot read (``None``) is taken as met."""
    if validator is None:
        return None
    for record in records:
        problem = next(iter(validator.iter_errors(record)), None)
        if problem is not None:
            return str(problem.message)
    return None


class HeldOwner(Generic[ParentT]):
    """The owner of one group of held records: the records are the holder's, the
    ids, timestamps, 404 text and write rules its ``parent``'s.

    A group that was never written is not held (reads of a scope leave no trace):
    reads read its seeded records, shared; a write changes a copy of them made for
    this owner, and holds it if it succeeds (see :meth:`HeldRecordsByScope.keep`)."""

    __slots__ = ("_holder", "_key", "_model", "_records", "parent")

    def __init__(
        self, holder: HeldRecordsByScope, key: GroupKey, parent: ParentT, model: CollectionModel
    ) -> None:
        self.parent = parent
        self._holder = holder
        self._key = key
        self._model = model
        #: The records a write changes: the held group, else made on the first write.
        self._records = holder.groups.get(key)

    def records(self, collection: str) -> IndexedRecords:
        if self._records is None:
            self._records = self._holder.seeded(self._key[0], self._model, self._key[2])
        return self._records

    def read_records(self, collection: str) -> IndexedRecords:
        if self._records is not None:
            return self._records
        return self._holder.shared(self._key[0], self._model, self._key[2])

    def new_id(self) -> Json:
        """The parent's next id, or the holder's next count where the id is an
        integer; one a seeded record of the group has is passed over."""
        held = self.read_records(self._model.name)
        if self._model.id_type == "integer":
            while str(count := self._holder.new_count()) in held:
                pass
            return count
        return free_id(lambda: shaped_id(self.parent.new_id(), self._model), held, self.where())

    def now(self) -> str:
        return self.parent.now()

    def where(self) -> str:
        return self.parent.where()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        records = self.records(self._model.name)
        before = set(records)
        with self.parent.writing():
            yield
            self._holder.keep(self._key, records, self._model)
            gone = before - records.keys()
            if gone:
                self._holder.drop_children(self._key, self._model, gone)


class Standalone:
    """The parent of a scope no API names: ids from the holder's counter (a
    high-water mark, kept in snapshots), the wall clock to the second."""

    __slots__ = ("_holder", "_path", "_scope")

    def __init__(self, holder: HeldRecordsByScope, scope: Scope, path: str) -> None:
        self._holder = holder
        self._scope = scope
        self._path = path

    def records(self, collection: str) -> Records:
        raise NotImplementedError("a standalone parent holds no records itself")

    read_records = records

    def new_id(self) -> Json:
        return self._holder.new_id()

    @staticmethod
    def now() -> str:
        return iso(datetime.now(UTC))

    def where(self) -> str:
        return where_text(self._scope, self._path)

    def writing(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


class HeldRecordsByScope:
    """Every group of records the engine holds for the collections it serves."""

    def __init__(self, uids: UidCodec, seeding: Seeding | None = None) -> None:
        self.uids = uids
        #: How clean groups start (``None``: empty).
        self.seeding = seeding
        #: How many ids standalone scopes have used (a high-water mark).
        self.ids_issued = 0
        self.groups: dict[GroupKey, IndexedRecords] = {}

    def new_count(self) -> int:
        """The next count of the standalone counter (a high-water mark)."""
        self.ids_issued = next_count(self.ids_issued, COUNTER_MAX, "id")
        return self.ids_issued

    def new_id(self) -> str:
        return self.uids.uid(self.new_count())

    def seeded(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        """The records a clean group of ``model`` in ``scope`` starts with (new ones)."""
        return copy.deepcopy(self.shared(api, model, scope))

    def shared(self, api: str, model: CollectionModel, scope: Scope) -> IndexedRecords:
        """:meth:`seeded`, to read only: shared by every read of the clean group."""
        if self.seeding is None or not self.seeding.seedable(api, model):
            return IndexedRecords()
        return self.seeding.shared(api, model, scope)

    def check(self, api: str, model: CollectionModel) -> None:
        """:meth:`Seeding.check` (when seeding): a collection that cannot be seeded
        fails when it is served, not on a request."""
        if self.seeding is not None:
            self.seeding.checked(api, model)

    def seeds(self, model: CollectionModel) -> bool:
        """Whether a clean group of ``model`` starts with records."""
        return self.seeding is not None and seed_count(model) > 0

    def keep(self, key: GroupKey, records: IndexedRecords, model: CollectionModel) -> None:
        """Hold ``records`` as the group ``key`` (of ``model``) once written. An
        emptied group is let go only when ``model`` seeds nothing (a clean group
        starts empty too); one that seeds is held empty, or its records would
        come back."""
        if records or self.seeds(model):
            self.groups[key] = records
        else:
            self.groups.pop(key, None)

    def owner(
        self,
        api: str,
        model: CollectionModel,
        values: tuple[str, ...],
        parent: Callable[[Scope], Owner | None],
    ) -> HeldOwner[Owner]:
        """The owner of the group of ``model``'s records under the scope ``values``;
        ``parent`` makes the API's owner of the scope (or ``None``: standalone). A
        parent that is gone (404) takes the group with it."""
        scope = tuple(zip(model.scope, values, strict=True))
        key = (api, model.path, scope)
        try:
            found = parent(scope)
        except NotFound:
            self.groups.pop(key, None)
            raise
        if found is None and model.parent is not None and self._stateful(api, model.parent):
            self._check_parent(api, model.parent, values, parent, key)
        parented = found or Standalone(self, scope, model.path)
        return HeldOwner(self, key, parented, model)

    def _stateful(self, api: str, model: CollectionModel) -> bool:
        """Whether ``model`` holds records a child's scope must name (one served
        without state, its records not seedable, holds none to name)."""
        return self.seeding is None or self.seeding.seedable(api, model)

    def _check_parent(
        self,
        api: str,
        above: CollectionModel,
        values: tuple[str, ...],
        parent: Callable[[Scope], Owner | None],
        key: GroupKey,
    ) -> None:
        """404 (and the group ``key`` let go) when the record of the parent collection
        ``above`` the scope ``values`` names does not exist (or its own parent does not)."""
        depth = len(above.scope)
        holder = self.owner(api, above, values[:depth], parent)
        scope = tuple(zip(above.scope, values[:depth], strict=True))
        if self.seeding is not None and self.seeding.undrawable(api, above, scope):
            return  # a parent served without state: no record of it is held, none checked
        if values[depth] not in holder.read_records(above.name):
            self.groups.pop(key, None)
            label = above.name.replace("-", " ").replace("_", " ")
            raise NotFound(
                f"No record of {label} has the id '{values[depth]}' {holder.where()}, "
                f"so {key[1]} has none there either."
            )

    def drop_children(self, key: GroupKey, model: CollectionModel, gone: set[str]) -> None:
        """Let go of the groups under records ``gone`` of ``model`` in ``key``'s scope
        (a deleted parent takes its children's records with it)."""
        if model.item_path is None:
            return
        api, _path, scope = key
        under = path_shape(model.item_path) + "/"
        depth = len(scope)
        for other in list(self.groups):
            other_api, other_path, other_scope = other
            if (
                other_api == api
                and path_shape(other_path).startswith(under)
                and other_scope[:depth] == scope
                and len(other_scope) > depth
                and other_scope[depth][1] in gone
            ):
                del self.groups[other]

    def prune(self, parent: Callable[[str, Scope], Owner | None]) -> None:
        """Let go of the groups whose parent is gone (a deleted service order);
        ``parent`` makes an API's owner of a scope, raising :class:`NotFound`."""
        for key in list(self.groups):
            try:
                parent(key[0], key[2])
            except NotFound:
                del self.groups[key]

    def drop(self, api: str, name: str, value: str) -> int:
        """Let go of ``api``'s groups whose scope has ``name`` = ``value`` (a tenant
        dropped); how many."""
        gone = [k for k in self.groups if k[0] == api and (name, value) in k[2]]
        for key in gone:
            del self.groups[key]
        return len(gone)

    def count(self) -> int:
        """How many records are held."""
        return sum(len(records) for records in self.groups.values())


# -- snapshots ------------------------------------------------------------------


def to_snapshot(holder: HeldRecordsByScope) -> dict[str, Any]:
    """The held records as a snapshot part: the standalone counter and each group
    (its API, collection path, scope and records, in the order they were made)."""
    return {
        "idsIssued": holder.ids_issued,
        "groups": [
            {
                "api": api,
                "collection": path,
                "scope": dict(scope),
                "records": list(records.values()),
            }
            for (api, path, scope), records in holder.groups.items()
        ],
    }


def restore(
    holder: HeldRecordsByScope,
    data: Mapping[str, Any],
    served: Mapping[tuple[str, str], Collection[Any]],
    parent: Callable[[str, Scope], Owner | None],
    issuers: Mapping[str, tuple[UidCodec, int, str]],
    document: Callable[[str], Json],
) -> None:
    """Fill an empty ``holder`` from a snapshot part; :class:`Refused` (from
    :mod:`servicestub.engine.snapshot`) names the first place that cannot be
    served: a collection this server does not serve, a scope that is not the
    collection's or is held twice, a record that is not one of the collection's
    item schema (``document`` gives each API's spec, what its ``$ref``s name: a
    record is answered as held), ids repeated or past their counter, a parent
    that does not exist (``parent`` raises :class:`NotFound`). ``served`` is what
    the server's engine serves; ``parent`` makes an API's owner of a scope, as
    for a request; ``issuers`` gives, by API, what issues the ids of its parented
    records (codec, counter, its place in the snapshot) - standalone ones are the
    holder's. The ids of the scope's seeded records (drawn with the holder's
    seeding) are the server's own: taken whatever their shape, and keyed as path
    segments."""
    holder.ids_issued = data["idsIssued"]
    checks = _RecordChecks(document)
    for index, group in enumerate(data["groups"]):
        where: snap.Where = ("held", "groups", index)
        collection = served.get((group["api"], group["collection"]))
        if collection is None:
            raise snap.Refused(
                (*where, "collection"),
                f"{group['api']} {group['collection']} is not a collection this server's "
                "engine serves (is the spec that adds it served? see Settings.spec_files)",
            )
        model = collection.model
        if tuple(group["scope"]) != model.scope:
            raise snap.Refused(
                (*where, "scope"),
                f"the scope of {model.path} is {', '.join(model.scope) or 'empty'}, "
                f"not {', '.join(group['scope']) or 'empty'}",
            )
        scope: Scope = tuple(group["scope"].items())
        key = (group["api"], model.path, scope)
        if key in holder.groups:
            raise snap.Refused(
                (*where, "scope"),
                f"{model.path} under {dict(scope)} is held by an earlier group already; "
                "put its records in one group",
            )
        try:
            found = parent(group["api"], scope)
        except NotFound as missing:
            raise snap.Refused((*where, "scope"), missing.detail) from None
        checks.conform(group["api"], model, group["records"], (*where, "records"))
        # The ids of the scope's seeded records are the server's own (a seeded
        # record kept by a write), however the spec shapes them.
        seeded = {
            record[model.id_field] for record in holder.seeded(group["api"], model, scope).values()
        }
        records = snap.unique(group["records"], model.id_field, (*where, "records"), exempt=seeded)
        standalone = (holder.uids, holder.ids_issued, "held.idsIssued")
        codec, counter, named = standalone if found is None else issuers[group["api"]]
        for number, uid in enumerate(records):
            if uid in seeded:
                continue
            path = (*where, "records", number, model.id_field)
            if isinstance(uid, int):
                if uid > counter and found is None and model.id_type == "integer":
                    raise snap.Refused(
                        path, f"{uid} is past {named} ({counter}): a new record would get it again"
                    )
            else:
                snap.issued(codec, str(uid), counter, named, path)
        if records or holder.seeds(model):
            holder.groups[key] = IndexedRecords(
                (str(uid), record) for uid, record in records.items()
            )


class _RecordChecks:
    """The item schema of each collection, compiled once per restore."""

    def __init__(self, document: Callable[[str], Json]) -> None:
        self._document = document
        self._components: dict[str, Json] = {}
        self._validators: dict[tuple[str, str], jsonschema_rs.Draft4Validator | None] = {}

    def conform(
        self, api: str, model: CollectionModel, records: list[Json], path: snap.Where
    ) -> None:
        """:class:`Refused` at the first record that is not one of ``model``'s item
        schema, or has no id; a schema draft 4 cannot compile checks only the id."""
        key = (api, model.path)
        if key not in self._validators:
            if api not in self._components:
                self._components[api] = components_of(self._document(api))
            self._validators[key] = draft4(model.item_schema, self._components[api])
        validator = self._validators[key]
        for number, record in enumerate(records):
            if validator is not None:
                for error in validator.iter_errors(record):
                    raise snap.Refused(
                        (*path, number, *error.instance_path),
                        f"{error.message}: not a record of {model.path} as its spec "
                        "describes one (the schema of its answers)",
                    )
            if model.id_field not in record:
                raise snap.Refused(
                    (*path, number), f"has no {model.id_field}, the id of {model.path}"
                )
