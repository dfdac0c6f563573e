"""The collections an OpenAPI document describes, read from the document itself.

A *collection* is a path ``/x`` whose item path ``/x/{id}`` also exists, or a
path ``/x`` whose GET answers a list envelope (an object holding an array).
Everything the engine needs to serve it is read from the spec:

* its **scope**: the path parameters above it (``tenantId``, ``storeId``, ...);
* its **operations** by method: GET ``/x`` lists, POST ``/x`` creates, GET
  ``/x/{id}`` gets, PATCH updates, PUT updates when its body requires nothing
  (a partial update, as the Service Orders API does) and replaces otherwise,
  DELETE deletes;
* its **id field**: the item path parameter when the item schema has a property
  of that name (``eventUid`` -> ``eventUid``), else the schema's
  ``x-servicestub-id``;
* its **list query**: which parameters page (name, default, maximum), which one
  sorts (its enum and default) and in which direction (its values and
  default), and which filter (array or string query parameters naming a field
  of the item: by their name, or ``x-servicestub-field`` where it differs);
* its **fields**: writable (not ``readOnly``), nullable (in a write body),
  their ``default`` in the create body, and the read-only date-times stamped
  when a record is created;
* its **envelope**: which property of the list response holds the array and
  which the paging meta.

``x-servicestub-*`` extensions say only what a spec cannot: ``x-servicestub-id``
(the id of a schema no item path names), ``x-servicestub-field`` (the field a
filter parameter matches), ``x-servicestub-default-sort`` (how a list without a
sort parameter is ordered), ``x-servicestub-paging`` (``page`` or
``per-page``, for paging parameters not named as usual) and
``x-servicestub-seed-count`` (how many records a scope nobody has written
starts with; on the list operation or the collection's path item). Nothing here knows
either API of the mock: it is written for a spec it has never seen.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import keyword
import re
from collections.abc import Iterator, Mapping
from typing import Any

from servicestub.core.shapes import Json, Record
from servicestub.specs import METHODS, PARSED_SPECS_KEPT, ApiSpec, resolve

ID_EXTENSION = "x-servicestub-id"
FIELD_EXTENSION = "x-servicestub-field"
DEFAULT_SORT_EXTENSION = "x-servicestub-default-sort"
PAGING_EXTENSION = "x-servicestub-paging"
SEED_COUNT_EXTENSION = "x-servicestub-seed-count"

#: Names that page a list when no ``x-servicestub-paging`` says otherwise.
PAGE_NAMES = frozenset({"page", "pageNumber", "page_number"})
PER_PAGE_NAMES = frozenset({"perPage", "per_page", "pageSize", "page_size", "limit", "size"})
#: A list without paging parameters still answers pages of this size.
FALLBACK_PER_PAGE = 20

_PARAMETER = re.compile(r"\{([^}/]+)\}")
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


@dataclasses.dataclass(frozen=True)
class Paging:
    """The paging parameters of a list (``None``: the list takes no such parameter)."""

    page: str | None = None
    per_page: str | None = None
    page_default: int = 1
    per_page_default: int = FALLBACK_PER_PAGE
    per_page_max: int | None = None


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


@dataclasses.dataclass(frozen=True)
class Listing:
    """One list request, read: which page, in which order, with which filters."""

    page: int
    per_page: int
    sort: str
    descending: bool
    #: field -> the values it may hold (values OR, fields AND); only active filters.
    filters: dict[str, frozenset[Any]]


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
        order = given(sorting.order_param) or sorting.order_default
        return Listing(
            page=given(paging.page) or paging.page_default,
            per_page=given(paging.per_page) or paging.per_page_default,
            sort=given(sorting.param) or sorting.default,
            descending=order == sorting.descending,
            filters=self.filter_sets({name: given(name) for name in self.filters}),
        )

    def filter_sets(self, values: Mapping[str, Any]) -> dict[str, frozenset[Any]]:
        """The active filters among ``values`` (filter parameter -> value or values),
        keyed by the field each matches."""
        active: dict[str, frozenset[Any]] = {}
        for name, value in values.items():
            if name not in self.filters or value is None or value == [] or value == "":
                continue
            active[self.filters[name]] = frozenset(value if isinstance(value, list) else [value])
        return active


@dataclasses.dataclass(frozen=True)
class Envelope:
    """Where a list response puts its records and its paging meta."""

    items: str
    meta: str | None
    #: The meta object's property names, in the spec's order.
    meta_fields: tuple[str, ...] = ()


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


def _parameters(document: Json, item: Json, operation: Json) -> list[Json]:
    """The operation's parameters (path-level ones included), resolved."""
    found = {}
    for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = resolve(document, raw)
        found[(parameter["name"], parameter["in"])] = parameter
    return list(found.values())


def _schema(document: Json, node: Any) -> Json:
    """``node`` resolved, with a lone ``allOf`` member merged in (``allOf: [$ref]`` +
    ``default``, as specs wrap a ``$ref`` to add to it)."""
    node = resolve(document, node) or {}
    members = node.get("allOf")
    if isinstance(members, list) and len(members) == 1:
        merged = dict(_schema(document, members[0]))
        merged.update({k: v for k, v in node.items() if k != "allOf"})
        return merged
    return dict(node)


def _json_schema(document: Json, holder: Json | None) -> Json | None:
    """The ``application/json`` (or first) schema of a request body or a response."""
    holder = resolve(document, holder)
    if not holder:
        return None
    content = holder.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    if not media or "schema" not in media:
        return None
    return _schema(document, media["schema"])


def _success(document: Json, operation: Json) -> Json | None:
    responses = operation.get("responses", {})
    for status in ("200", "201"):
        if status in responses:
            return _json_schema(document, responses[status])
    return None


def _envelope(document: Json, schema: Json | None) -> tuple[Envelope, Json] | None:
    """The envelope of a list response and its item schema, or ``None`` if it is none."""
    if not schema or schema.get("type", "object") != "object":
        return None
    items = meta = None
    item_schema: Json = {}
    meta_fields: tuple[str, ...] = ()
    for name, raw in (schema.get("properties") or {}).items():
        prop = _schema(document, raw)
        if prop.get("type") == "array" and items is None:
            items, item_schema = name, _schema(document, prop.get("items", {}))
        elif prop.get("type", "object") == "object" and "properties" in prop and meta is None:
            meta, meta_fields = name, tuple(prop["properties"])
    if items is None:
        return None
    return Envelope(items, meta, meta_fields), item_schema


def _integer(schema: Json, key: str) -> int | None:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list_query(
    document: Json, parameters: list[Json], item_fields: tuple[str, ...], fallback_sort: str
) -> ListQuery:
    """How a list operation's query parameters page, sort, order and filter."""
    paging: dict[str, Any] = {}
    sort_param: str | None = None
    sort_fields: tuple[str, ...] = ()
    sort_default: str | None = None
    order: dict[str, Any] = {}
    filters: dict[str, str] = {}
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        schema = _schema(document, parameter.get("schema", {}))
        enum = tuple(schema.get("enum") or ())
        role = parameter.get(PAGING_EXTENSION)
        if role == "page" or (role is None and name in PAGE_NAMES):
            paging.update(page=name, page_default=_integer(schema, "default") or 1)
        elif role == "per-page" or (role is None and name in PER_PAGE_NAMES):
            paging.update(
                per_page=name,
                per_page_default=_integer(schema, "default") or FALLBACK_PER_PAGE,
                per_page_max=_integer(schema, "maximum"),
            )
        elif len(enum) == 2 and {str(v).casefold() for v in enum} == {"asc", "desc"}:
            ascending, descending = sorted(enum, key=lambda v: str(v).casefold())
            order = {
                "order_param": name,
                "ascending": ascending,
                "descending": descending,
                "order_default": schema.get("default", ascending),
            }
        elif enum and all(value in item_fields for value in enum) and sort_param is None:
            sort_param, sort_fields = name, enum
            sort_default = schema.get("default", enum[0])
        elif FIELD_EXTENSION in parameter or name in item_fields:
            filters[name] = parameter.get(FIELD_EXTENSION, name)
    default = sort_default or fallback_sort
    fields = sort_fields or (default,)
    sorting = Sorting(
        param=sort_param,
        fields=(default, *(f for f in fields if f != default)),
        default=default,
        **order,
    )
    return ListQuery(paging=Paging(**paging), sorting=sorting, filters=filters)


def _id_field(
    item_param: str | None, item_schema: Json, path: str, document: Json, list_op: Json | None
) -> str:
    properties = item_schema.get("properties") or {}
    if item_param is not None and item_param in properties:
        return item_param
    declared = item_schema.get(ID_EXTENSION)
    if declared is None and list_op is not None:
        declared = list_op.get(ID_EXTENSION)
    if declared is None:
        raise ModelError(
            f"{path}: no property of its records is named like its item path parameter; "
            f"name the id with {ID_EXTENSION} on the item schema."
        )
    return str(declared)


def _write_schemas(document: Json, item: Json, item_path_item: Json) -> list[Json]:
    bodies = [(item.get("post") or {}).get("requestBody")]
    bodies += [(item_path_item.get(m) or {}).get("requestBody") for m in ("put", "patch")]
    return [s for s in (_json_schema(document, b) for b in bodies if b) if s]


def _operations(item: Json, item_path_item: Json, document: Json) -> dict[str, str]:
    found: dict[str, str] = {}
    table = {"get": "list", "post": "create"}
    for method, action in table.items():
        if method in item and "operationId" in item[method]:
            found[action] = item[method]["operationId"]
    for method in METHODS:
        operation = item_path_item.get(method)
        if not operation or "operationId" not in operation or method == "post":
            continue
        if method == "put":
            body = _json_schema(document, operation.get("requestBody")) or {}
            action = "replace" if body.get("required") else "update"
        else:
            action = {"get": "get", "delete": "delete", "patch": "update"}[method]
        found[action] = operation["operationId"]
    return found


def _collection(
    document: Json, path: str, item: Json, item_path: str | None, item_param: str | None
) -> CollectionModel | None:
    paths = document["paths"]
    item_path_item: Json = paths.get(item_path, {}) if item_path else {}
    list_op = item.get("get")
    listed = _envelope(document, _success(document, list_op)) if list_op else None
    item_schema: Json | None = None
    for operation in (item_path_item.get("get"), item.get("post"), item_path_item.get("put")):
        if operation and (schema := _success(document, operation)):
            item_schema = schema
            break
    if item_schema is None and listed is not None:
        item_schema = listed[1]
    if item_schema is None or (item_path is None and listed is None):
        return None
    properties = {
        name: _schema(document, raw) for name, raw in (item_schema.get("properties") or {}).items()
    }
    fields = tuple(properties)
    id_field = _id_field(item_param, item_schema, path, document, list_op)
    writes = _write_schemas(document, item, item_path_item)
    nullable = {
        name
        for schema in writes
        for name, raw in (schema.get("properties") or {}).items()
        if _schema(document, raw).get("nullable")
    }
    create = _json_schema(document, (item.get("post") or {}).get("requestBody")) or {}
    defaults = {
        name: prop["default"]
        for name, raw in (create.get("properties") or {}).items()
        if "default" in (prop := _schema(document, raw))
    }
    writable = tuple(n for n, p in properties.items() if not p.get("readOnly") and n != id_field)
    stamped = tuple(
        n for n, p in properties.items() if p.get("readOnly") and p.get("format") == "date-time"
    )
    listing = None
    if list_op is not None and listed is not None:
        fallback = list_op.get(DEFAULT_SORT_EXTENSION, id_field)
        listing = _list_query(document, _parameters(document, item, list_op), fields, str(fallback))
    segments = [s for s in path.split("/") if s]
    return CollectionModel(
        name=segments[-1],
        path=path,
        item_path=item_path,
        scope=tuple(_PARAMETER.findall(path)),
        id_field=id_field,
        id_param=item_param,
        operations=_operations(item, item_path_item, document),
        listing=listing,
        envelope=listed[0] if listed else None,
        fields=fields,
        writable=writable,
        nullable=frozenset(nullable),
        defaults=defaults,
        stamped=stamped,
        item_schema=item_schema,
        seed_count=(list_op or {}).get(SEED_COUNT_EXTENSION, item.get(SEED_COUNT_EXTENSION)),
    )


def _item_paths(paths: Json, path: str) -> Iterator[tuple[str, str]]:
    """``(item path, its parameter)`` for each ``path/{param}`` of ``paths``."""
    pattern = re.compile(re.escape(path) + r"/\{([^}/]+)\}")
    for candidate in paths:
        if found := pattern.fullmatch(candidate):
            yield candidate, found.group(1)


def read_model(document: Json) -> SpecModel:
    """Every collection ``document`` describes (see the module's docstring)."""
    paths = document.get("paths") or {}
    collections, skipped = {}, {}
    for path, item in paths.items():
        if path.endswith("}"):
            continue
        item_path, item_param = next(_item_paths(paths, path), (None, None))
        try:
            found = _collection(document, path, resolve(document, item), item_path, item_param)
        except ModelError as problem:
            skipped[path] = str(problem)
            continue
        if found is not None:
            collections[path] = found
    return SpecModel(collections, skipped)


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
