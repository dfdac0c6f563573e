"""The collections an OpenAPI document describes, read from the document itself:
written for a spec the engine has never seen, with nothing added to it.

A *collection* is a path ``/x`` whose item path ``/x/{id}`` also exists (either
may have only some of the methods; an item path alone that is written by PUT,
PATCH or DELETE is one too), or a path ``/x`` whose GET answers a list of records
(a bare array, or an object holding an array). Everything the engine needs to
serve it is inferred:

* its **scope**: the path parameters above it (``tenantId``, ``petId``, ...), and
  its **parent**: the collection whose item path is above it (a toy of pet 3
  exists only while pet 3 does);
* its **operations** by method: GET ``/x`` lists, POST ``/x`` creates, GET
  ``/x/{id}`` gets, PATCH updates (it merges: RFC 7396, or RFC 6902 for a JSON
  Patch), PUT updates when its body requires nothing and no PATCH is (a partial
  update, as the Service Orders API does) and replaces otherwise, DELETE deletes;
  where no POST creates, a PUT on the item path does (:attr:`CollectionModel.put_creates`);
* its **id field**: the item path parameter when the item schema has a property
  of that name (``eventUid``), else the schema's ``x-servicestub-id``, else the
  property the create response's ``links`` pass as the parameter, else the one
  the parameter's name points to (``pet_id``/``petID`` for ``{petId}``,
  ``username`` for ``{userName}``), else ``id``, else one its last word names
  (``{noteKey}`` -> ``key``); and its JSON type (integer ids count up);
* its **list query**: which parameters page (page number and size, offset, an
  opaque cursor; their names in their common forms, by :func:`folded` name),
  which one sorts (an enum of fields, or any field named as text: ``-name``,
  ``name:desc``) and in which direction, and which filter (query parameters
  named like a field of the item, or ``x-servicestub-field`` where it differs);
* its **fields**: writable (not ``readOnly``), nullable (in a write body), hidden
  (``writeOnly``), their ``default`` in the create body, the date-times stamped
  when a record is created (read-only ones, and ones named like stamps that no
  write body holds) and those stamped again on update (``updatedAt``);
* its **envelope**: whether the list is a bare array, which property holds the
  array, and the fields of the answer filled from the page (:data:`ROLES`: total,
  page, size, next cursor, has-more), at the top or in a meta object.

A path that looks like a collection but whose id cannot be told is skipped
(:attr:`SpecModel.skipped` says why and what to add); it never stops the rest.

``x-servicestub-*`` extensions say only what a spec cannot: ``x-servicestub-id``
(the id of a schema no item path names), ``x-servicestub-field`` (the field a
filter parameter matches), ``x-servicestub-default-sort`` (how a list without a
sort parameter is ordered), ``x-servicestub-paging`` (``page`` or
``per-page``, for paging parameters not named as usual) and
``x-servicestub-seed-count`` (how many records a scope nobody has written
starts with; on the list operation or the collection's path item). Nothing here knows
either API of the mock.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import keyword
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from servicestub.core.shapes import Json, Record
from servicestub.specs import METHODS, PARSED_SPECS_KEPT, ApiSpec, resolve

ID_EXTENSION = "x-servicestub-id"
FIELD_EXTENSION = "x-servicestub-field"
DEFAULT_SORT_EXTENSION = "x-servicestub-default-sort"
PAGING_EXTENSION = "x-servicestub-paging"
SEED_COUNT_EXTENSION = "x-servicestub-seed-count"

#: Names that page a list when no ``x-servicestub-paging`` says otherwise (compared
#: by :func:`folded`: ``per_page``, ``perPage`` and ``PerPage`` are one name).
PAGE_NAMES = frozenset({"page", "pagenumber", "pageno", "pageindex"})
PER_PAGE_NAMES = frozenset(
    {"perpage", "pagesize", "limit", "size", "top", "maxresults", "pagelimit"}
)
OFFSET_NAMES = frozenset({"offset", "skip", "start", "startindex"})
CURSOR_NAMES = frozenset(
    {"cursor", "pagetoken", "after", "startingafter", "nexttoken", "continuationtoken", "marker"}
)
SORT_NAMES = frozenset({"sort", "sortby", "orderby", "sorting", "sortfield", "ordering"})
ORDER_NAMES = frozenset(
    {"order", "direction", "dir", "sortorder", "sortdir", "sortdirection", "orderdirection"}
)
#: A list without paging parameters still answers pages of this size.
FALLBACK_PER_PAGE = 20

_PARAMETER = re.compile(r"\{([^}/]+)\}")
_PUNCTUATION = re.compile(r"[-_$.@\[\]]")
_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL = re.compile(r"([a-z\d])([A-Z])")


class ModelError(ValueError):
    """The spec describes a collection the engine cannot serve; says what to add."""


@functools.lru_cache(maxsize=1024)
def python_name(name: str) -> str:
    """The keyword a handler receives a parameter as (``perPage`` -> ``per_page``,
    ``id`` -> ``id_``): connexion's ``pythonic_params`` naming, which a test pins.
    Remembered (bounded): list requests read their parameters by these names."""
    snake = _CAMEL.sub(r"\1_\2", _ACRONYM.sub(r"\1_\2", name)).replace("-", "_").lower()
    if snake in vars(builtins) or keyword.iskeyword(snake):
        snake += "_"
    bracketed = re.sub(r"\[(?!])", "_", snake)
    return re.sub(r"^[^a-zA-Z_]+", "", re.sub(r"[^0-9a-zA-Z_]", "", bracketed))


def folded(name: str) -> str:
    """``name`` compared as people read it: case and punctuation aside
    (``per_page`` = ``perPage`` = ``PerPage``, ``$top`` = ``top``, ``page[size]`` =
    ``pageSize``, ``@odata.nextLink`` = ``odataNextLink``)."""
    return _PUNCTUATION.sub("", name).casefold()


@dataclasses.dataclass(frozen=True)
class Paging:
    """The paging parameters of a list (``None``: the list takes no such parameter)."""

    page: str | None = None
    per_page: str | None = None
    page_default: int = 1
    per_page_default: int = FALLBACK_PER_PAGE
    per_page_max: int | None = None
    #: How many records to pass over (``offset``, ``skip``).
    offset: str | None = None
    #: An opaque token of where the page starts (``cursor``, ``pageToken``), or the id
    #: of the record it starts after (``starting_after``).
    cursor: str | None = None


@dataclasses.dataclass(frozen=True)
class Sorting:
    """The sort and direction parameters of a list."""

    #: The sort parameter, ``None`` when the list has none (it is then sorted by :attr:`default`).
    param: str | None
    #: What may be sorted by (the sort parameter's enum), the default first.
    fields: tuple[str, ...]
    default: str
    order_param: str | None = None
    ascending: str = "ASC"
    descending: str = "DESC"
    order_default: str = "ASC"
    #: The sort parameter takes a field name as text (``name``, ``-name``,
    #: ``name:desc``, ``name desc``): :attr:`fields` are then every field.
    free: bool = False
    #: An object-shaped sort parameter (``sort[by]=name&sort[direction]=desc``, a
    #: deepObject): the property naming the field, and the one naming the direction.
    by: str | None = None
    direction: str | None = None


@dataclasses.dataclass(frozen=True)
class Listing:
    """One list request, read: which page, in which order, with which filters."""

    page: int
    per_page: int
    sort: str
    descending: bool
    #: field -> the values it may hold (values OR, fields AND); only active filters.
    filters: dict[str, frozenset[Any]]
    #: Records passed over before the page (``None``: from :attr:`page`).
    offset: int | None = None
    #: The cursor given, still to be read against the sorted records.
    cursor: str | None = None


_DIRECTED = re.compile(r"^([+-]?)([^\s:,]+)(?:[\s:]+(asc|desc|ascending|descending))?$", re.I)


def sort_text(text: str) -> tuple[str, bool | None]:
    """The field and direction (``None``: not said) of a free sort value: ``name``,
    ``+name``, ``-name``, ``name:desc``, ``name desc``; the first of a comma list."""
    first = text.split(",")[0].strip()
    found = _DIRECTED.match(first)
    if found is None:
        return first, None
    sign, field, word = found.groups()
    if word:
        return field, word.casefold().startswith("d")
    return field, True if sign == "-" else None


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """How a list operation's query parameters are read."""

    paging: Paging
    sorting: Sorting
    #: filter parameter -> the field it matches.
    filters: dict[str, str]

    def read(self, arguments: Mapping[str, Any]) -> Listing:
        """The :class:`Listing` of ``arguments`` (keyed by the spec's names or the
        handler's keywords); what is absent takes the spec's default."""

        def given(name: str | None) -> Any:
            if name is None:
                return None
            value = arguments.get(name)
            return arguments.get(python_name(name)) if value is None else value

        paging, sorting = self.paging, self.sorting
        order = given(sorting.order_param)
        sort = given(sorting.param) or sorting.default
        if sorting.by is not None or sorting.direction is not None:
            parts = sort if isinstance(sort, dict) else {}
            order = parts.get(sorting.direction) if order is None else order
            sort = parts.get(sorting.by) or sorting.default
        descending: bool | None = None
        if isinstance(sort, list):  # an array of sorts: the first sorts
            sort = sort[0] if sort else sorting.default
        if sorting.free:
            sort, descending = sort_text(str(sort))
        if order is not None:
            if sorting.free or sorting.param is None or sorting.direction is not None:
                descending = str(order).casefold().startswith("d")
            else:
                descending = order == sorting.descending
        if descending is None:
            descending = sorting.order_default == sorting.descending
        offset = _whole(given(paging.offset))
        cursor = given(paging.cursor)
        return Listing(
            page=_whole(given(paging.page)) or paging.page_default,
            per_page=_whole(given(paging.per_page)) or paging.per_page_default,
            sort=sort,
            descending=descending,
            filters=self.filter_sets({name: given(name) for name in self.filters}),
            offset=offset,
            cursor=None if cursor in (None, "") else str(cursor),
        )

    def filter_sets(self, values: Mapping[str, Any]) -> dict[str, frozenset[Any]]:
        """The active filters among ``values`` (filter parameter -> value or values),
        keyed by the field each matches."""
        active: dict[str, frozenset[Any]] = {}
        for name, value in values.items():
            if name not in self.filters or value is None or value == [] or value == "":
                continue
            listed = value if isinstance(value, list) else [value]
            active[self.filters[name]] = frozenset(_hashable(v) for v in listed)
        return active


def _whole(value: Any) -> int | None:
    """A paging argument as a whole number: a spec may type a page size as a string
    (AWS's ``MaxResults``), so ``"100"`` is 100; ``None`` for what is none (the
    default then applies)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else None


def _hashable(value: Any) -> Any:
    """A filter value as a set holds it (a deep-object value as its items)."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


#: What a field of a list answer holds, by its :func:`folded` name.
ROLES: dict[str, str] = {
    **dict.fromkeys(("page", "pagenumber", "currentpage", "pageindex", "pageno"), "page"),
    **dict.fromkeys(("perpage", "pagesize", "limit", "size", "pagelimit"), "per_page"),
    **dict.fromkeys(
        (
            "total",
            "totalitems",
            "totalcount",
            "count",
            "totalresults",
            "totalelements",
            "totalsize",
            "totalrecords",
            "totalentries",
            "resultcount",
            "numfound",
        ),
        "total",
    ),
    **dict.fromkeys(("totalpages", "pagecount", "pages", "numpages", "lastpage"), "pages"),
    **dict.fromkeys(("offset", "skip", "start", "startindex"), "offset"),
    **dict.fromkeys(
        (
            "next",
            "nextpagetoken",
            "nextcursor",
            "cursor",
            "nexttoken",
            "nextpage",
            "continuationtoken",
            "nextmarker",
            "endcursor",
        ),
        "next",
    ),
    #: A next page's URL: a mock has none to give (left out, or null).
    **dict.fromkeys(("nextlink", "odatanextlink", "nexturl", "nextpageurl"), "next_link"),
    **dict.fromkeys(("hasmore", "hasnext", "hasnextpage", "more", "istruncated"), "has_more"),
}


@dataclasses.dataclass(frozen=True)
class Filled:
    """A field of a list answer the engine fills: its name, what it holds (a
    :data:`ROLES` value, or ``"fixed"``: :attr:`value` always), its type, and
    whether it may be null or left out."""

    name: str
    role: str
    kind: str | None
    nullable: bool
    required: bool
    value: Json = None
    #: The objects it sits in, outermost first, below the object it is filled in
    #: (``("pagination",)`` for ``meta: {pagination: {total}}``).
    within: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Envelope:
    """Where a list response puts its records and its paging meta. ``bare``: the
    answer is the array itself (``items`` is then ``""``)."""

    items: str
    meta: str | None
    #: The meta object's property names, in the spec's order.
    meta_fields: tuple[str, ...] = ()
    bare: bool = False
    #: The fields filled besides the records: at the top (``total``, ``next``) ...
    top: tuple[Filled, ...] = ()
    #: ... and in the meta object (``meta: {totalItems, nextCursor}``).
    inner: tuple[Filled, ...] = ()


@dataclasses.dataclass(frozen=True)
class CollectionModel:
    """One collection of a spec, as the engine serves it."""

    name: str
    path: str
    item_path: str | None
    #: The path parameters above the collection, outermost first.
    scope: tuple[str, ...]
    id_field: str
    id_param: str | None
    #: ``list``/``create``/``get``/``update``/``replace``/``delete`` -> operationId.
    operations: dict[str, str]
    listing: ListQuery | None
    envelope: Envelope | None
    #: Every property of the item schema, in the spec's order.
    fields: tuple[str, ...]
    writable: tuple[str, ...]
    nullable: frozenset[str]
    defaults: Record
    #: Read-only date-times set when a record is created (``createdAt``).
    stamped: tuple[str, ...]
    #: The schema of one record as answered (``$ref``s inside it left to resolve).
    item_schema: Json = dataclasses.field(default_factory=dict)
    #: ``x-servicestub-seed-count`` as written (list operation over path item),
    #: judged where seeding happens (:mod:`servicestub.engine.dispatch`); ``None``: absent.
    seed_count: Json = None
    #: Scope parameter -> the property of a record that holds its value (named like
    #: it: a toy's ``petId`` or ``pet_id`` under ``{petId}``), set on every create.
    scope_fields: dict[str, str] = dataclasses.field(default_factory=dict)
    #: Fields whose values are integers (a scope value they hold is put as one).
    numeric: frozenset[str] = frozenset()
    #: Writable fields a created record holds as null until written: nullable both
    #: in a write body and in the record as answered.
    starts_null: frozenset[str] = frozenset()
    #: The id's JSON type: ``"integer"`` ids count up, any other is a uid.
    id_type: str = "string"
    #: ``writeOnly`` properties (a password): stored, never answered.
    hidden: frozenset[str] = frozenset()
    #: Stamped fields set again on every update (``updatedAt``).
    restamped: tuple[str, ...] = ()
    #: Read-only fields the server sets on create with the one value the schema
    #: allows or suggests (its ``const``, ``default``, first ``enum`` value).
    server_values: Record = dataclasses.field(default_factory=dict)
    #: PUT on the item path creates a record when none has the path's id (no POST
    #: creates); the status it answers then.
    put_creates: int | None = None
    #: PATCH merges (RFC 7396, or RFC 6902 for a JSON Patch array) rather than
    #: setting the fields present.
    merges: bool = False
    #: The collection whose item path this one is under, and its item parameter
    #: in this one's scope: a record there must exist for this one to be served.
    parent: CollectionModel | None = dataclasses.field(default=None, repr=False)
    #: Action -> the property its answer holds the record in (``{"server": {...}}``);
    #: actions absent answer the record itself.
    wrappers: dict[str, str] = dataclasses.field(default_factory=dict)
    #: Action -> the item path parameter naming the record where it is not
    #: :attr:`id_param` (Magento's ``PUT /cmsPage/{id}`` beside ``GET /cmsPage/{pageId}``).
    item_params: dict[str, str] = dataclasses.field(default_factory=dict)
    #: The success status a create and a delete answer, as the spec documents them
    #: (a create 201 unless it documents only another 2xx; a delete 204 unless it
    #: documents only 200, answering the deleted record).
    created_status: int = 201
    deleted_status: int = 204
    #: Action -> its operation's ``responses`` as written (what the engine answers:
    #: :class:`~servicestub.engine.collection.Collection` reads status, media type, schema).
    responses: dict[str, Json] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    #: The schema a new id must meet where the item path parameter constrains it
    #: beyond the id property (a pattern, a length): both together; ``None``: any id.
    id_shape: Json = None
    #: The id is a key the client chooses: the create's body holds it, or the path of
    #: the PUT that creates names it (records are seeded with keys a client's short
    #: one never meets: :func:`servicestub.engine.ids.seeded_key`).
    keyed_by_client: bool = False
    #: The other fields an item path parameter joining alternatives names a record by
    #: (``{templateIdOrAlias}``: ``Alias`` beside the id ``TemplateID``; ``{id_or_slug}``).
    aliases: tuple[str, ...] = ()
    #: Item path parameters naming the record by a field its stored form lacks (AWS's
    #: ``{VocabularyId}`` of a ``Vocabulary`` holding ``Id``, where the create answers
    #: ``VocabularyId``): an answer documenting such a field answers the record's id there.
    id_names: tuple[str, ...] = ()
    #: The spec's ``components`` (what the item schema's ``$ref``s name).
    components: Json = dataclasses.field(default_factory=dict, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class SpecModel:
    """Every collection of one spec, by path."""

    collections: dict[str, CollectionModel]
    #: path -> why it looks like a collection the engine cannot serve (what to add).
    skipped: dict[str, str] = dataclasses.field(default_factory=dict)

    def by_name(self, name: str, scope: tuple[str, ...] | None = None) -> CollectionModel:
        """The collection whose last path segment is ``name`` (and whose scope is
        ``scope``, when given), or :class:`ModelError`."""
        found = [
            c
            for c in self.collections.values()
            if c.name == name and (scope is None or c.scope == scope)
        ]
        if len(found) != 1:
            raise ModelError(f"{len(found)} collections are named {name!r}; give the scope too.")
        return found[0]

    def by_operation(self, operation_id: str) -> CollectionModel:
        for collection in self.collections.values():
            if operation_id in collection.operations.values():
                return collection
        raise ModelError(f"No collection has the operation {operation_id!r}.")


# -- reading ------------------------------------------------------------------

#: Date-time fields the server sets on create when the client does not write them
#: (by :func:`folded` name); those naming a change are set again on every update.
STAMP_NAMES = frozenset(
    {
        "createdat", "created", "creationdate", "createdon", "datecreated", "createtime",
        "creationtime", "createdtime", "createddate", "insertedat",
        "updatedat", "updated", "modifiedat", "modified", "lastmodified", "updatetime",
        "lastupdated", "dateupdated", "datemodified", "updatedon", "modifiedon",
        "lastmodifiedat", "lastupdatedat", "updateddate", "modifieddate", "lastmodifieddate",
    }
)  # fmt: skip
_CHANGE_WORDS = ("updat", "modif")
#: What the last segment of an id parameter may name besides the whole name
#: (``{petName}`` -> ``name``).
_ID_SUFFIXES = ("id", "uid", "uuid", "key", "name", "slug", "code", "number")
#: What a parameter naming the collection's noun itself (``{project}`` of
#: ``/projects``) may be, in the order looked for.
_NAMING_SUFFIXES = ("name", "key", "slug", "code")
#: How deep ``allOf`` members are merged (a schema that is its own member ends there).
_MERGE_DEPTH = 16


def _parameters(document: Json, item: Json, operation: Json) -> list[Json]:
    """The operation's parameters (path-level ones included), resolved."""
    found = {}
    for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = resolve(document, raw)
        if isinstance(parameter, dict) and "name" in parameter and "in" in parameter:
            found[(parameter["name"], parameter["in"])] = parameter
    return list(found.values())


def _schema(document: Json, node: Any, depth: int = 0) -> Json:
    """``node`` resolved, its ``allOf`` members merged in (their properties and
    ``required`` joined, the node's own keywords over theirs): specs wrap a
    ``$ref`` to add to it, or compose a record of a base and its own part."""
    node = resolve(document, node) or {}
    if not isinstance(node, dict):
        return {}
    members = node.get("allOf")
    if not isinstance(members, list) or depth >= _MERGE_DEPTH:
        return dict(node)
    return merged_all_of(node, members, lambda member: _schema(document, member, depth + 1))


def merged_all_of(node: Json, members: list[Any], flat: Callable[[Any], Json]) -> Record:
    """``node`` with its ``allOf`` ``members`` merged in, each made flat by ``flat``:
    their properties and ``required`` joined, the node's own keywords over theirs."""
    merged: Record = {}
    properties: Json = {}
    required: list[str] = []
    for member in [*members, {k: v for k, v in node.items() if k != "allOf"}]:
        part = flat(member)
        properties.update(part.get("properties") or {})
        required += [r for r in part.get("required") or () if r not in required]
        merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _media(content: Json) -> Json | None:
    """The JSON media of ``content``: ``application/json``, else any ``*/*json``."""
    if not isinstance(content, dict):
        return None
    if "application/json" in content:
        found: Json = content["application/json"]
        return found
    for media, entry in content.items():
        if media.split(";")[0].strip().endswith("json"):
            return entry if isinstance(entry, dict) else None
    return next(iter(content.values()), None) if len(content) == 1 else None


def _json_schema(document: Json, holder: Json | None) -> Json | None:
    """The JSON schema of a request body or a response (``None``: it has none)."""
    holder = resolve(document, holder)
    if not isinstance(holder, dict) or not holder:
        return None
    media = _media(holder.get("content") or {})
    if not isinstance(media, dict) or "schema" not in media:
        return None
    return _schema(document, media["schema"])


def _success_status(operation: Json) -> str | None:
    """The operation's documented success: 200, 201, else its first 2xx."""
    responses = operation.get("responses") or {}
    for status in ("200", "201", *sorted(str(s) for s in responses)):
        if status in responses and status.startswith("2"):
            return status
    return None


def _success(document: Json, operation: Json) -> Json | None:
    status = _success_status(operation)
    if status is None:
        return None
    return _json_schema(document, (operation.get("responses") or {})[status])


def _kind(schema: Json) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):  # 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _nullable(schema: Json) -> bool:
    kind = schema.get("type")
    return bool(schema.get("nullable")) or (isinstance(kind, list) and "null" in kind)


def _fixed(schema: Json) -> tuple[bool, Json]:
    """The value a field is given when nothing says what it holds: its ``const``,
    ``default``, first ``enum`` value or ``example`` (``False``: none)."""
    for key in ("const", "default", "example"):
        if key in schema:
            return True, schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return True, enum[0]
    return False, None


#: How deep objects inside a list answer are looked into for fields to fill.
_FILLED_DEPTH = 4


def _filled(
    document: Json, schema: Json, skip: str | None, within: tuple[str, ...] = ()
) -> tuple[Filled, ...]:
    """The fields of an object in a list answer the engine fills: those whose names
    say they page (:data:`ROLES`), in it or in the objects inside it
    (``meta: {pagination: {total}}``), and the required ones, with a fixed value
    (the schema's own, else :func:`minimal`)."""
    required = set(schema.get("required") or ())
    found: list[Filled] = []
    for name, raw in (schema.get("properties") or {}).items():
        if name == skip:
            continue
        prop = _schema(document, raw)
        role = ROLES.get(folded(name))
        kind = _kind(prop)
        if (role == "has_more" and kind != "boolean") or kind in ("object", "array"):
            role = None
        if role == "next" and prop.get("format") in ("uri", "url", "uri-reference"):
            role = "next_link"  # a next page's URL, not its cursor
        nested: tuple[Filled, ...] = ()
        if role is None and kind in ("object", None) and prop.get("properties"):
            if len(within) < _FILLED_DEPTH:
                nested = _filled(document, prop, None, (*within, name))
            if nested:  # its own fields filled: it is made of them
                found += nested
                continue
        if role is None:
            has, value = _fixed(prop)
            if name not in required:
                continue
            role, value = "fixed", value if has else minimal(document, prop)
        else:
            value = None
        found.append(Filled(name, role, kind, _nullable(prop), name in required, value, within))
    return tuple(found)


def minimal(document: Json, schema: Json, depth: int = 0) -> Json:
    """The plainest value ``schema`` accepts, for a required field of a list answer
    that says nothing the engine knows (a ``status``, a ``links`` object): its own
    fixed value, else null where allowed, else the least of its type."""
    has, value = _fixed(schema)
    if has:
        return value
    if _nullable(schema) or depth > _MERGE_DEPTH:
        return None
    kind = _kind(schema) or ("object" if "properties" in schema else None)
    if kind in ("integer", "number"):
        low = schema.get("minimum")
        low = 0 if not isinstance(low, int | float) or isinstance(low, bool) else low
        return low + 1 if schema.get("exclusiveMinimum") is True else low
    if kind == "boolean":
        return False
    if kind == "array":
        count = _integer(schema, "minItems") or 0
        return [minimal(document, _schema(document, schema.get("items", {})), depth + 1)] * count
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            name: minimal(document, _schema(document, properties[name]), depth + 1)
            for name in schema.get("required") or ()
            if name in properties
        }
    formats = {"date-time": "1970-01-01T00:00:00Z", "date": "1970-01-01"}
    text = formats.get(str(schema.get("format")), "")
    return text or "x" * (_integer(schema, "minLength") or 0)


def _is_record_array(document: Json, prop: Json) -> bool:
    return bool(_schema(document, prop.get("items", {})).get("properties"))


def _is_array(schema: Json) -> bool:
    return _kind(schema) == "array" or ("items" in schema and "properties" not in schema)


def _record_member(document: Json, schema: Json) -> Json | None:
    """The member of a ``oneOf``/``anyOf`` of arrays that is an array of records (Ably's
    ``GET /channels``: ``ChannelDetails`` objects, or their names), where a list of
    records, an empty one included, is valid for the whole: under ``anyOf`` always;
    under ``oneOf`` where no other member takes an empty array (else no list of none
    is valid, and the GET is no list the engine answers)."""
    for combined in ("oneOf", "anyOf"):
        members = schema.get(combined)
        if not isinstance(members, list) or schema.get("properties") or _kind(schema):
            continue
        flat = [_schema(document, member) for member in members]
        records = [m for m in flat if _is_array(m) and _is_record_array(document, m)]
        if not records:
            return None
        others = [m for m in flat if m is not records[0]]
        if combined == "oneOf" and any(
            _is_array(m) and not (_integer(m, "minItems") or 0) for m in others
        ):
            return None
        return records[0]
    return None


def _envelope(document: Json, schema: Json | None) -> tuple[Envelope, Json] | None:
    """The envelope of a list response and its item schema, or ``None`` if it is
    none: a bare array, or an object with an array property (one of records
    preferred) and maybe a meta object beside it."""
    if not schema:
        return None
    schema = _record_member(document, schema) or schema
    if _is_array(schema):
        return Envelope("", None, bare=True), _schema(document, schema.get("items", {}))
    if (_kind(schema) or "object") != "object":
        return None
    properties = {n: _schema(document, raw) for n, raw in (schema.get("properties") or {}).items()}
    arrays = [n for n, p in properties.items() if _kind(p) == "array"]
    if not arrays:
        return None
    items = next((n for n in arrays if _is_record_array(document, properties[n])), arrays[0])
    metas = [
        n
        for n, p in properties.items()
        if n != items and (_kind(p) or "object") == "object" and "properties" in p
    ]
    filled = {n: _filled(document, properties[n], None) for n in metas}
    paged = [n for n in metas if any(f.role not in ("fixed", "next_link") for f in filled[n])]
    meta = next(iter(paged or [n for n in metas if filled[n]] or metas), None)
    top = tuple(f for f in _filled(document, schema, items) if meta not in (f.name, *f.within[:1]))
    inner = filled[meta] if meta else ()
    meta_fields = tuple(properties[meta]["properties"]) if meta else ()
    item_schema = _schema(document, properties[items].get("items", {}))
    return Envelope(items, meta, meta_fields, top=top, inner=inner), item_schema


def _integer(schema: Json, key: str) -> int | None:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_order(name: str, enum: tuple[Any, ...]) -> bool:
    """Whether a parameter says the direction: an enum of two values ``asc``/``desc``
    (any case), or a direction's name with no enum."""
    if len(enum) == 2 and {str(v).casefold() for v in enum} == {"asc", "desc"}:
        return True
    return not enum and folded(name) in ORDER_NAMES


def _list_query(
    document: Json, parameters: list[Json], item_fields: tuple[str, ...], fallback_sort: str
) -> ListQuery:
    """How a list operation's query parameters page, sort, order and filter."""
    paging: dict[str, Any] = {}
    sort_param: str | None = None
    sort_fields: tuple[str, ...] = ()
    sort_default: str | None = None
    free = False
    order: dict[str, Any] = {}
    filters: dict[str, str] = {}
    typed: dict[str, bool] = {}  # paging role -> whether its parameter is a number
    by: str | None = None
    direction: str | None = None

    def _pages(found: dict[str, Any], role: str, numeric: bool) -> bool:
        return role not in found or (numeric and not typed.get(role, False))

    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        key = folded(name)
        schema = _schema(document, parameter.get("schema", {}))
        enum = tuple(schema.get("enum") or ())
        role = parameter.get(PAGING_EXTENSION)
        # Of two parameters named alike (AWS's ``maxResults`` and ``MaxResults``), the
        # first pages, unless a later one is a number and the first is not.
        numeric = _kind(schema) in ("integer", "number")
        if role == "page" or (
            role is None and key in PAGE_NAMES and _pages(paging, "page", numeric)
        ):
            paging.update(page=name, page_default=_integer(schema, "default") or 1)
            typed["page"] = numeric
        elif role == "per-page" or (role is None and key in PER_PAGE_NAMES):
            if role is None and not _pages(paging, "per_page", numeric):
                continue
            typed["per_page"] = numeric
            paging.update(
                per_page=name,
                per_page_default=_integer(schema, "default") or FALLBACK_PER_PAGE,
                per_page_max=_integer(schema, "maximum"),
            )
        elif role is None and key in OFFSET_NAMES and _kind(schema) in ("integer", "number"):
            paging.update(offset=name)
        elif role is None and key in CURSOR_NAMES and _kind(schema) in ("string", None):
            paging.setdefault("cursor", name)
        elif key in SORT_NAMES and sort_param is None and (parts := _sort_object(schema)):
            sort_param, (by, direction) = name, parts
            by_schema = _schema(document, (schema.get("properties") or {}).get(by or "", {}))
            by_enum = tuple(by_schema.get("enum") or ())
            if by_enum and all(value in item_fields for value in by_enum):
                sort_fields = by_enum
            else:
                free = True
            default = schema.get("default")
            chosen = default.get(by) if isinstance(default, dict) and by else None
            if chosen in item_fields:
                sort_default = chosen
        elif _is_order(name, enum):
            ascending, descending = sorted(enum or ("asc", "desc"), key=lambda v: str(v).casefold())
            order = {
                "order_param": name,
                "ascending": ascending,
                "descending": descending,
                "order_default": schema.get("default", ascending),
            }
        elif enum and all(value in item_fields for value in enum) and sort_param is None:
            sort_param, sort_fields = name, enum
            sort_default = schema.get("default", enum[0])
        elif key in SORT_NAMES and sort_param is None and _free_values(enum, item_fields):
            sort_param, free = name, True
            default = schema.get("default")
            if isinstance(default, str) and sort_text(default)[0] in item_fields:
                sort_default = default
        elif FIELD_EXTENSION in parameter or name in item_fields:
            filters[name] = parameter.get(FIELD_EXTENSION, name)
    default = sort_default or fallback_sort
    if free:
        field = sort_text(default)[0]
        fields = (field, *(f for f in item_fields if f != field))
    else:
        fields = (default, *(f for f in sort_fields or (default,) if f != default))
    sorting = Sorting(
        param=sort_param,
        fields=fields,
        default=default,
        free=free,
        by=by,
        direction=direction,
        **order,
    )
    return ListQuery(paging=Paging(**paging), sorting=sorting, filters=filters)


#: Names of the property of an object-shaped sort parameter that names the field.
_SORT_BY_NAMES = frozenset({"by", "field", "sortby", "orderby", "key", "property", "column"})


def _sort_object(schema: Json) -> tuple[str | None, str | None] | None:
    """``(field property, direction property)`` of an object-shaped sort parameter
    (``{by, direction}``, ``{field, order}``), ``None`` for any other schema."""
    properties = schema.get("properties") or {}
    if (_kind(schema) or "object") != "object" or not isinstance(properties, dict):
        return None
    by = next((n for n in properties if folded(n) in _SORT_BY_NAMES), None)
    direction = next((n for n in properties if folded(n) in ORDER_NAMES), None)
    return (by, direction) if by is not None or direction is not None else None


def _free_values(enum: tuple[Any, ...], item_fields: tuple[str, ...]) -> bool:
    """Whether a sort parameter's values are free sorts: no enum, or one whose
    values each name a field (``$orderby: [name asc, name desc]``)."""
    return all(isinstance(v, str) and sort_text(v)[0] in item_fields for v in enum)


#: Where a parameter's name joins alternatives (``templateIdOrAlias``, ``id_or_slug``).
_EITHER = re.compile(r"(?<=[a-z0-9])Or(?=[A-Z])|[-_]or[-_]")


def singular(segment: str) -> str:
    """A path segment's noun in the singular, folded (``policies`` -> ``policy``)."""
    key = folded(segment)
    if key.endswith("ies") and len(key) > 4:
        return key[:-3] + "y"
    if key.endswith(("sses", "xes", "ches", "shes")):
        return key[:-2]
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key


def _pointed(name: str, properties: Mapping[str, Json], segment: str = "") -> str | None:
    """The property an id parameter's name points to: the same name as people
    read it (``pet_id``, ``petID`` for ``{petId}``; ``username`` for
    ``{userName}``), else ``id``, else the record's own name for it (``roleId``
    for ``{id}`` of ``/roles``, ``certId`` of ``/certificates``), else the property
    its last word names (``{petName}`` -> ``name``); each alternative of a name
    that joins some (``{templateIdOrAlias}``, ``{id_or_slug}``) in turn."""
    key = folded(name)
    same = [p for p in properties if folded(p) == key]
    if same:
        return same[0]
    alternatives = _EITHER.split(name)
    if len(alternatives) > 1:  # {templateIdOrAlias}: the first alternative a record holds
        for alternative in alternatives:
            found = _pointed(alternative, properties, segment)
            if found is not None:
                return found
    if "id" in properties:
        return "id"
    if key.endswith("id"):
        # The record's name for the parameter's last words: ``class_id`` for
        # ``{taxClassId}``; ``entity_id`` (the record's own id) for a bare ``{id}``.
        tails = [p for p in properties if _tail_id(folded(p), key)]
        if tails:
            return max(tails, key=len)
    if segment:
        noun = singular(segment)

        def owned(prop: str) -> bool:  # roleId, certId of /certificates
            stem = folded(prop).removesuffix(key)
            return stem != folded(prop) and len(stem) >= 3 and noun.startswith(stem)

        named = [p for p in properties if owned(p)]
        if named:
            return max(named, key=len)
    for suffix in _ID_SUFFIXES:
        if key.endswith(suffix):
            for prop in properties:
                if folded(prop) == suffix:
                    return prop
    if segment and key in (folded(segment), singular(segment)):
        # ``{project}`` of ``/projects`` names the record itself: by what names it
        # (AWS's ``GET /projects/{project}``: "you must already know the project name").
        for suffix in _NAMING_SUFFIXES:
            for prop in properties:
                if folded(prop) == suffix:
                    return prop
    return None


def _aliases(
    item_param: str | None, properties: Mapping[str, Json], id_field: str, segment: str
) -> tuple[str, ...]:
    """The properties besides ``id_field`` the alternatives of an item parameter that
    joins some point to (:func:`_pointed`): Postmark's ``{templateIdOrAlias}`` takes a
    template's ``TemplateID`` or its ``Alias``; none for a parameter of one name."""
    alternatives = _EITHER.split(item_param) if item_param else []
    if len(alternatives) < 2:
        return ()
    pointed = (_pointed(alternative, properties, segment) for alternative in alternatives)
    return tuple(dict.fromkeys(p for p in pointed if p is not None and p != id_field))


def _tail_id(prop: str, key: str) -> bool:
    """Whether folded property ``prop`` names the id folded parameter ``key`` ends in:
    its last words (``classid`` of ``taxclassid``, three letters before ``id`` at
    least), or ``entityid`` for a bare ``id`` (the record, as Magento names it)."""
    if key == "id":
        return prop == "entityid"
    return prop.endswith("id") and len(prop) >= 5 and key.endswith(prop) and prop != key


def _linked(document: Json, create: Json | None, item_param: str | None) -> str | None:
    """The property the create response's ``links`` pass as the item parameter
    (``parameters: {petId: '$response.body#/id'}``)."""
    if not create or item_param is None:
        return None
    for response in (create.get("responses") or {}).values():
        response = resolve(document, response)
        for link in ((response or {}).get("links") or {}).values():
            link = resolve(document, link)
            value = ((link or {}).get("parameters") or {}).get(item_param)
            prefix = "$response.body#/"
            if isinstance(value, str) and value.startswith(prefix) and "/" not in value[16:]:
                return value[len(prefix) :]
    return None


def _id_field(
    document: Json,
    item_param: str | None,
    item_schema: Json,
    path: str,
    operations: tuple[Json | None, ...],
    also: Sequence[str] = (),
) -> str:
    """The id of a collection's records: the item parameter's own name, the spec's
    ``x-servicestub-id``, what the create's ``links`` pass as the item parameter,
    the property the parameter's name points to (:func:`_pointed`), else ``id``.
    ``also`` are the parameters of the item paths beside the first (Magento's
    ``GET /V1/gift-wrappings/{id}`` and ``PUT /V1/gift-wrappings/{wrappingId}``):
    a property one of them names as people read it (``wrapping_id``) is the id
    where the item parameter's own name points to none."""
    properties = item_schema.get("properties") or {}
    list_op, create = operations
    if item_param is not None and item_param in properties:
        return item_param
    declared = item_schema.get(ID_EXTENSION)
    if declared is None and list_op is not None:
        declared = list_op.get(ID_EXTENSION)
    if declared is not None:
        return str(declared)
    linked = _linked(document, create, item_param)
    if linked in properties:
        return str(linked)
    segment = _PARAMETER.sub("", path.rstrip("/").rsplit("/", 1)[-1])
    pointed = _pointed(item_param, properties, segment) if item_param else None
    if pointed is None:
        named = [p for p in properties if folded(p) in {folded(name) for name in also}]
        pointed = named[0] if named else pointed
    if pointed is None:  # ``id``, else AWS's ``Id`` (an ``ExtensionIdentifier`` names it)
        pointed = (
            "id" if "id" in properties else next((n for n in properties if n.lower() == "id"), None)
        )
    if pointed is None:
        raise ModelError(
            f"{path}: no property of its records is named like its item path parameter "
            f"({item_param or 'none'}) or id; name the id with {ID_EXTENSION} on the item schema."
        )
    return pointed


#: Keywords of a path parameter's schema that narrow the ids it accepts.
_NARROWING = frozenset({"pattern", "minLength", "maxLength", "format", "enum", "const"})
_NUMERIC = frozenset({"integer", "number"})
#: What narrows a text id property itself (a ``format`` is left to the engine's uids).
_SELF_NARROWING = frozenset({"pattern", "minLength", "maxLength", "enum", "const"})
#: The ids of records whose id is text where their item path takes a number: digits
#: (no more than any integer format holds, none of them 0).
_DIGITS: Json = {"type": "string", "pattern": "^[1-9][0-9]{0,8}$"}


def _id_parameters(document: Json, item_paths: Sequence[tuple[str, str]]) -> Iterator[Json]:
    """The schema of every path parameter that names a record of the collection whose
    item paths are ``item_paths`` (``(path, parameter)``): the parameter on each item
    path and on every path below one (Trakt's ``/comments/{id}`` takes text,
    ``/comments/{id}/item`` a number: one id must do for both)."""
    paths = document["paths"]
    for item_path, name in item_paths:
        for path, path_item in paths.items():
            if path != item_path and not path.startswith(item_path + "/"):
                continue
            path_item = resolve(document, path_item)
            if not isinstance(path_item, dict):
                continue
            for method in (None, *METHODS):
                operation = path_item.get(method) if method else {}
                if not isinstance(operation, dict):
                    continue
                for parameter in _parameters(document, path_item, operation):
                    if parameter.get("name") == name and parameter.get("in") == "path":
                        yield _schema(document, parameter.get("schema", {}))


def _agree(own: Json, found: Json) -> bool:
    """Whether a text id property ``own`` and a path parameter ``found`` agree on a type."""
    return _kind(own) in (None, "string") and _kind(found) in (None, _kind(own) or "string")


def _id_shape(document: Json, raw: Any, item_paths: Sequence[tuple[str, str]]) -> Json | None:
    """The id property ``raw`` and the schemas of the path parameters naming a record
    (:func:`_id_parameters`) together, where one narrows what the property allows
    (Azure's ``accountName``: 3 to 24 letters and digits; Twilio's ``Sid``:
    ``^KD[0-9a-fA-F]{32}$``; digits where a path takes a number and the property
    does not); ``None`` where none does. A parameter that does not agree with the
    property on a type (an integer id in a path typed as a string) narrows nothing."""
    if not item_paths or raw is None:
        return None
    own = _schema(document, raw)
    narrowing: list[Json] = []
    for found in _id_parameters(document, item_paths):
        if _kind(found) in _NUMERIC and _kind(own) not in _NUMERIC:
            # Billbee's ``{id}`` is an integer, the record's ``Id`` a string: its ids
            # are digits, which both accept.
            found = _DIGITS
        elif not _NARROWING & found.keys() or not _agree(own, found):
            continue
        if found not in narrowing:
            narrowing.append(found)
    if narrowing:
        return {"allOf": [raw, *narrowing]}
    # an id property that narrows itself (Twilio's ``sid``: ``^ZS[0-9a-fA-F]{32}$``
    # under a path taking any string) is what a new id must meet too
    return raw if _kind(own) == "string" and _SELF_NARROWING & own.keys() else None


def _unwritten(document: Json, item: Json, item_param: str) -> Json | None:
    """The record of a collection whose answers document no body (a create answering
    201 with a ``Location`` only): what its create's object body holds, with the
    item parameter as its id; ``None`` where no create takes an object."""
    create = item.get("post")
    body = _json_schema(document, create.get("requestBody")) if isinstance(create, dict) else None
    if body is None or (_kind(body) or "object") != "object" or _success(document, create):
        return None
    properties = {item_param: {"type": "string", "readOnly": True}}
    return {**body, "properties": {**(body.get("properties") or {}), **properties}}


def _joined(read: Json, listed: Json) -> Json | None:
    """The schema of a record read alone with the properties its listed form adds
    (``None`` when it adds none): its ``required`` the read one's."""
    extra = {
        name: raw
        for name, raw in (listed.get("properties") or {}).items()
        if name not in (read.get("properties") or {})
    }
    if not extra:
        return None
    return {**read, "properties": {**(read.get("properties") or {}), **extra}}


def _write_schemas(document: Json, item: Json, item_path_item: Json) -> list[Json]:
    bodies = [(item.get("post") or {}).get("requestBody")]
    bodies += [(item_path_item.get(m) or {}).get("requestBody") for m in ("put", "patch")]
    return [s for s in (_json_schema(document, b) for b in bodies if b) if s]


def _operations(item: Json, item_path_item: Json, document: Json) -> dict[str, str]:
    found: dict[str, str] = {}
    table = {"get": "list", "post": "create"}
    for method, action in table.items():
        if isinstance(item.get(method), dict) and "operationId" in item[method]:
            found[action] = item[method]["operationId"]
    for method in METHODS:
        operation = item_path_item.get(method)
        if not isinstance(operation, dict) or "operationId" not in operation:
            continue
        if method in ("post", "head", "options", "trace"):
            continue
        if method == "put":
            body = _json_schema(document, operation.get("requestBody")) or {}
            patched = isinstance(item_path_item.get("patch"), dict)
            # Where a PATCH updates (it comes after PUT), this PUT replaces.
            action = "replace" if body.get("required") or patched else "update"
        else:
            action = {"get": "get", "delete": "delete", "patch": "update"}[method]
        found[action] = operation["operationId"]
    return found


#: Names of a property that holds the one record of an answer (``{"data": {...}}``).
_WRAPPER_NAMES = frozenset({"data", "item", "result", "record", "resource", "entity", "object"})


def _wrapped(document: Json, schema: Json, segment: str) -> tuple[str | None, Json]:
    """``(property, record schema)`` of an answer holding one record in a property
    (the only one, or one named :data:`_WRAPPER_NAMES` or like the collection:
    ``server`` of ``/servers``); ``(None, schema)`` for a record answered as itself."""
    properties = schema.get("properties") or {}
    objects = {
        name: inner
        for name, raw in properties.items()
        if (inner := _schema(document, raw)).get("properties") and _kind(inner) in ("object", None)
    }
    singular = folded(segment).removesuffix("s")
    named = [
        name
        for name in objects
        if folded(name) in _WRAPPER_NAMES or folded(name) in (singular, folded(segment))
    ]
    for name, inner in objects.items():
        if (len(properties) == 1 or (name in named and "id" not in properties)) and len(
            objects
        ) == 1:
            return name, inner
    # the one named wrapper beside objects of the answer's own (Open Banking's
    # ``{Data: {ConsentId, ...}, Links: {...}, Meta: {...}}``)
    if len(named) == 1 and len(objects) > 1 and "id" not in properties:
        return named[0], objects[named[0]]
    return None, schema


#: Keywords of a property's schema that a path value must meet to be stored in it.
_SHAPING = ("pattern", "format")


def _scope_fields(
    scope: tuple[str, ...], properties: Mapping[str, Json], parameters: Sequence[Json] = ()
) -> dict[str, str]:
    """Each scope parameter's property: the same name, else the same as people read it;
    none where the property asks a shape the path parameter does not promise (AWS's
    experiment ``project``, an ARN ``arn:...:project/x``, beside the ``{project}`` name)."""
    given = {p.get("name"): p.get("schema") or {} for p in parameters if p.get("in") == "path"}
    found = {}
    for param in scope:
        same = [p for p in properties if p == param] or [
            p for p in properties if folded(p) == folded(param)
        ]
        promised = given.get(param, {})
        shaped = [
            p
            for p in same
            if all(properties[p].get(k) in (None, promised.get(k)) for k in _SHAPING)
        ]
        if shaped:
            found[param] = shaped[0]
    return found


def _documented(operation: Any, usual: int) -> int:
    """The status ``operation`` answers on success: ``usual`` when it documents it (or
    a ``2XX`` range, or nothing), else its first documented 2xx."""
    responses = operation.get("responses") if isinstance(operation, dict) else None
    codes = sorted(str(s) for s in responses or {} if str(s).startswith("2"))
    if not codes or str(usual) in codes or not any(c.isdigit() for c in codes):
        return usual
    return int(next(c for c in codes if c.isdigit()))


def _stamps(
    properties: Mapping[str, Json], writes: list[Json], id_field: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stamped on create, stamped again on update): read-only date-times, and
    date-times named like stamps (:data:`STAMP_NAMES`) that no write body holds."""
    written = {name for schema in writes for name in schema.get("properties") or {}}
    stamped = tuple(
        name
        for name, prop in properties.items()
        if name != id_field
        and prop.get("format") == "date-time"
        and (prop.get("readOnly") or (folded(name) in STAMP_NAMES and name not in written))
    )
    restamped = tuple(n for n in stamped if any(w in folded(n) for w in _CHANGE_WORDS))
    return stamped, restamped


def _collection(
    document: Json,
    path: str,
    item: Json,
    item_path: str | None,
    item_param: str | None,
    siblings: Sequence[tuple[str, str]] = (),
) -> CollectionModel | None:
    paths = document["paths"]
    item_path_item: Json = resolve(document, paths.get(item_path, {})) if item_path else {}
    item_path_item, item_params = _sibling_operations(document, item_path_item, siblings)
    list_op = item.get("get") if isinstance(item.get("get"), dict) else None
    listed = _envelope(document, _success(document, list_op)) if list_op else None
    # An array of objects of any properties (``items: {type: object, properties: {}}``)
    # lists the records the item path reads; one of what is no record (strings,
    # numbers), or of objects with no item path's record to be, lists none.
    loose = listed if listed is not None and _kind(listed[1]) == "object" else None
    if listed is not None and not listed[1].get("properties"):
        listed = None
    item_schema: Json | None = None
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    for operation in (item_path_item.get("get"), item.get("post"), item_path_item.get("put")):
        schema = _success(document, operation) if isinstance(operation, dict) else None
        if schema and schema.get("properties"):
            item_schema = _wrapped(document, schema, segment)[1]
            break
    if item_schema is None and listed is not None:
        item_schema = listed[1]
    if listed is None and loose is not None and item_schema is not None:
        listed = loose
    if item_schema is None and item_path is not None and item_param is not None:
        item_schema = _unwritten(document, item, item_param)
        if item_schema is not None and list_op is not None and not _success(document, list_op):
            listed = Envelope("", None, bare=True), item_schema  # answered as an array
    if item_schema is None or (item_path is None and listed is None):
        return None
    properties = {
        name: _schema(document, raw) for name, raw in (item_schema.get("properties") or {}).items()
    }
    fields = tuple(properties)
    create_op = item.get("post") if isinstance(item.get("post"), dict) else None
    also = [param for _path, param in siblings]
    try:
        id_field = _id_field(document, item_param, item_schema, path, (list_op, create_op), also)
    except ModelError:
        if item_path is None and listed is not None and listed[0].bare:
            return None  # a bare array with no item path and no id: no collection
        # A record read alone may leave out its id where the list's records hold it
        # (``MssqlHostConfiguration`` read, ``...WithHostId`` listed), or where only
        # the create's answer does (CircleCI's ``BuildSummary`` of a new build holds
        # its ``build_num``): the read with what those add.
        fuller = item_schema
        created = _success(document, create_op) if create_op else None
        for other in (listed[1] if listed is not None else None, created):
            if other is not None and other.get("properties"):
                fuller = _joined(fuller, other) or fuller
        if fuller is item_schema:
            raise
        id_field = _id_field(document, item_param, fuller, path, (list_op, create_op), also)
        item_schema = fuller
        properties = {name: _schema(document, raw) for name, raw in fuller["properties"].items()}
        fields = tuple(properties)
    named_by = [(item_path, item_param)] if item_path and item_param else []
    id_shape = _id_shape(
        document, (item_schema.get("properties") or {}).get(id_field), [*named_by, *siblings]
    )
    if id_shape is not None:  # records (seeded ones too) hold ids their path accepts
        item_schema = {
            **item_schema,
            "properties": {**(item_schema.get("properties") or {}), id_field: id_shape},
        }
    writes = _write_schemas(document, item, item_path_item)
    nullable = {
        name
        for schema in writes
        for name, raw in (schema.get("properties") or {}).items()
        if _nullable(_schema(document, raw))
    }
    create = _json_schema(document, (create_op or {}).get("requestBody")) or {}
    defaults = {
        name: prop["default"]
        for name, raw in (create.get("properties") or {}).items()
        if "default" in (prop := _schema(document, raw))
    }
    # A field read-only as answered that a write body declares writable is the client's
    # (Azure's ``location``: read-only in ``Resource``, written on create).
    written = {
        name
        for schema in writes
        for name, raw in (schema.get("properties") or {}).items()
        if not _schema(document, raw).get("readOnly")
    }
    writable = tuple(
        n
        for n, p in properties.items()
        if n != id_field and (not p.get("readOnly") or n in written)
    )
    stamped, restamped = _stamps(properties, writes, id_field)
    listing = None
    if list_op is not None and listed is not None:
        fallback = list_op.get(DEFAULT_SORT_EXTENSION, id_field)
        listing = _list_query(document, _parameters(document, item, list_op), fields, str(fallback))
    operations = _operations(item, item_path_item, document)
    if create_op is not None and _queries(document, create_op, id_field):
        operations.pop("create", None)
    if listing is None:
        # A GET on the path that answers no list of records (one object, a list of
        # strings) is no list: the answers serve it, never the engine's list.
        operations.pop("list", None)
    by_id = {
        op.get("operationId"): op
        for op in [*item.values(), *item_path_item.values()]
        if isinstance(op, dict)
    }
    wrappers = {}
    for action, operation_id in operations.items():
        answered = _success(document, by_id.get(operation_id) or {})
        if action != "list" and answered:
            name = _wrapped(document, answered, segment)[0]
            if name is not None:
                wrappers[action] = name
    put = item_path_item.get("put")
    put_creates = None
    if "create" not in operations and isinstance(put, dict) and item_param is not None:
        status = "201" if "201" in (put.get("responses") or {}) else _success_status(put)
        put_creates = int(status) if status and status.isdigit() else 200
    if set(operations) <= {"get"} and put_creates is None:
        # Neither a list nor a write: nothing to hold. The answers serve its item too,
        # so that an id the answered GET lists is found there.
        return None
    server_values = {}
    for name, prop in properties.items():
        has, value = _fixed(prop)
        if prop.get("readOnly") and name != id_field and name not in stamped and has:
            server_values[name] = value
    # Its name (and the label its answers use): the last segment that is no parameter
    # (``vocabulary`` of AWS's ``/vocabulary/{InstanceId}``).
    segments = [s for s in path.split("/") if s and not _PARAMETER.fullmatch(s)]
    return CollectionModel(
        name=segments[-1] if segments else "items",
        path=path,
        item_path=item_path,
        scope=tuple(_PARAMETER.findall(path)),
        id_field=id_field,
        id_param=item_param,
        operations=operations,
        listing=listing,
        envelope=listed[0] if listed else None,
        fields=fields,
        writable=writable,
        nullable=frozenset(nullable),
        defaults=defaults,
        stamped=stamped,
        item_schema=item_schema,
        seed_count=(list_op or {}).get(SEED_COUNT_EXTENSION, item.get(SEED_COUNT_EXTENSION)),
        id_type=_kind(properties.get(id_field, {})) or "string",
        hidden=frozenset(n for n, p in properties.items() if p.get("writeOnly")),
        scope_fields=_scope_fields(
            tuple(_PARAMETER.findall(path)),
            properties,
            _parameters(document, item, list_op or create_op or {}),
        ),
        numeric=frozenset(n for n, p in properties.items() if _kind(p) == "integer"),
        starts_null=frozenset(n for n in nullable if _nullable(properties.get(n, {}))),
        restamped=restamped,
        server_values=server_values,
        put_creates=put_creates,
        merges="patch" in item_path_item,
        created_status=_documented(create_op, 201),
        wrappers=wrappers,
        item_params={a: item_params[o] for a, o in operations.items() if o in item_params},
        deleted_status=_documented(item_path_item.get("delete"), 204),
        id_shape=id_shape,
        keyed_by_client=put_creates is not None
        or id_field in (_schema(document, create).get("properties") or {}),
        id_names=tuple(
            p
            for p in dict.fromkeys([*([item_param] if item_param else []), *also])
            if p != id_field and p not in properties
        ),
        aliases=_aliases(item_param, properties, id_field, _PARAMETER.sub("", segment)),
        components=document.get("components") or {},
        responses={a: (by_id.get(o) or {}).get("responses") or {} for a, o in operations.items()},
    )


def _queries(document: Json, post: Json, id_field: str) -> bool:
    """Whether a POST on the collection path answers a list of its records, not one
    (AWS's ``ListBackendJobs``: ``{"Jobs": [...], "NextToken": ...}``): a query sent
    as a body, no create. A POST of an array (a bulk create) answering one is none."""
    answered = _success(document, post)
    found = _envelope(document, answered) if answered else None
    if answered is None or found is None:
        return False
    body = _json_schema(document, post.get("requestBody")) or {}
    if _is_array(body):
        return False
    records = found[1].get("properties") or {}
    return id_field in records and id_field not in (answered.get("properties") or {})


def _sibling_operations(
    document: Json, item_path_item: Json, siblings: Sequence[tuple[str, str]]
) -> tuple[Json, dict[str, str]]:
    """``item_path_item`` with the methods it lacks taken from the item paths beside it
    (each with its path's parameters), and operationId -> parameter of those taken."""
    merged, taken = dict(item_path_item), {}
    for sibling_path, param in siblings:
        sibling = resolve(document, document["paths"][sibling_path]) or {}
        for method in METHODS:
            operation = sibling.get(method)
            if method in merged or not isinstance(operation, dict):
                continue
            shared = [*(sibling.get("parameters") or []), *(operation.get("parameters") or [])]
            merged[method] = {**operation, "parameters": shared}
            if "operationId" in operation:
                taken[operation["operationId"]] = param
    return merged, taken


def _item_paths(paths: Json, path: str) -> Iterator[tuple[str, str]]:
    """``(item path, its parameter)`` for each ``path/{param}`` of ``paths``."""
    pattern = re.compile(re.escape(path.rstrip("/")) + r"/\{([^}/]+)\}/?")
    for candidate in paths:
        if found := pattern.fullmatch(candidate):
            yield candidate, found.group(1)


def path_shape(path: str) -> str:
    """A path with its parameters unnamed: ``/pets/{petId}`` and ``/pets/{id}`` are one."""
    return _PARAMETER.sub("{}", path)


def _parented(collections: dict[str, CollectionModel]) -> dict[str, CollectionModel]:
    """``collections`` with each one's :attr:`CollectionModel.parent`: the collection
    whose item path is the longest one above it (parents first, so a child holds
    its parent as finally made)."""
    items = {path_shape(c.item_path): c.path for c in collections.values() if c.item_path}
    done: dict[str, CollectionModel] = {}
    for path in sorted(collections, key=lambda p: p.count("/")):
        model = collections[path]
        shape = path_shape(path)
        above = [items[i] for i in items if shape.startswith(i + "/") and items[i] in done]
        if above:
            parent = done[max(above, key=len)]
            model = dataclasses.replace(model, parent=parent)
        done[path] = model
    return {path: done[path] for path in collections}


def _lists_below(document: Json, path: str) -> bool:
    """Whether ``path``, which ends in a parameter, is a collection of records read at
    ``path/{param}`` (CircleCI's builds: ``/project/{username}/{project}`` lists and
    starts them, ``.../{build_num}`` reads one): no path above it lists it as an item,
    and an item path below it answers one object -- not a list filtered by the last
    parameter (``/sync/ratings/{type}/{rating}``)."""
    paths = document["paths"]
    above = path.rsplit("/", 1)[0]
    if not above or above in paths or above + "/" in paths:
        return False
    for item_path, _param in _item_paths(paths, path):
        answer = resolve(document, paths[item_path]) or {}
        schema = _success(document, answer.get("get")) if isinstance(answer, dict) else None
        if schema and schema.get("properties") and _kind(schema) != "array":
            return True
    return False


def read_model(document: Json) -> SpecModel:
    """Every collection ``document`` describes (see the module's docstring)."""
    paths = document.get("paths") or {}
    collections, skipped = {}, {}
    candidates: list[tuple[str, Json]] = [
        (path, item)
        for path, item in paths.items()
        if not path.endswith("}") or _lists_below(document, path)
    ]
    # An item path whose collection path the spec leaves out (``/x/{id}`` alone, written
    # by PUT, PATCH or DELETE).
    for path, item in paths.items():
        writes = isinstance(item, dict) and {"put", "patch", "delete"} & item.keys()
        if path.endswith("}") and "/" in path.rstrip("/") and writes:
            parent = path.rsplit("/", 1)[0]
            twin = parent + "/" in paths  # /x/ lists and creates them
            if parent and parent not in paths and not twin and parent not in dict(candidates):
                candidates.append((parent, {}))
    for path, item in candidates:
        if not isinstance(item, dict):
            skipped[path] = f"{path}: its path item is {type(item).__name__}, not an object."
            continue
        # One collection of every item path its path has (``/x/{id}``, ``/x/{xId}``):
        # the one that reads a record first.
        twin = path.endswith("/") and path.rstrip("/") in paths  # /x/ beside /x: /x's items
        items = [] if twin else list(_item_paths(paths, path))
        items.sort(key=lambda found: "get" not in paths[found[0]])
        item_path, item_param = items[0] if items else (None, None)
        try:
            found = _collection(
                document, path, resolve(document, item) or {}, item_path, item_param, items[1:]
            )
        except ModelError as problem:
            skipped[path] = str(problem)
            continue
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
            # A part of the spec that cannot be read is skipped, never fatal.
            skipped[path] = f"{path}: its description cannot be read ({error!r})."
            continue
        if found is not None:
            collections[path] = found
    return SpecModel(_parented(collections), skipped)


@dataclasses.dataclass(frozen=True)
class Layout:
    """How a record of a schema is laid out: its properties in the spec's order,
    the ``default`` of each that has one, and which may be null."""

    fields: tuple[str, ...]
    defaults: Record
    nullable: frozenset[str]


def record_layout(document: Json, stored: str, written: str | None = None) -> Layout:
    """The layout of component schema ``stored`` (a record as the API answers it),
    with the defaults and nullability of ``written`` (the body that writes one, if
    any) taking precedence over the stored schema's own."""
    schemas = document["components"]["schemas"]

    def properties(name: str | None) -> dict[str, Json]:
        if name is None:
            return {}
        raw = _schema(document, schemas[name]).get("properties") or {}
        return {field: _schema(document, node) for field, node in raw.items()}

    kept, writes = properties(stored), properties(written)
    defaults: Record = {}
    nullable: set[str] = set()
    for field, schema in kept.items():
        for source in (writes.get(field), schema):
            if source is not None and "default" in source and field not in defaults:
                defaults[field] = source["default"]
            if source is not None and source.get("nullable"):
                nullable.add(field)
    return Layout(tuple(kept), defaults, frozenset(nullable))


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def model_of(api: ApiSpec) -> SpecModel:
    """:func:`read_model` of ``api``'s spec, read once (share it: do not change it)."""
    return read_model(api.parsed())
