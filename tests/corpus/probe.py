"""One spec through servicestub, in-process (starlette's test client, no sockets): does it
start; do its GET operations answer a documented 2xx whose body openapi-core finds valid
against the spec; do its collections (as `spec_walk` finds them, not as the engine does)
round-trip create -> read -> list -> update -> delete.

Every result is reported as an event (a JSON-able dict) through `emit` as soon as it is
known, so a spec that hangs half-way still counts what it did (see `harness.py`)."""

from __future__ import annotations

import json
import os
import re
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from starlette.testclient import TestClient
from werkzeug.datastructures import Headers, ImmutableMultiDict

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings
from tests.corpus import spec_walk as sw
from tests.corpus.values import encode, files_of, fits, make, merged

Emit = Callable[[dict[str, Any]], None]
HOST = "http://testserver"
#: Set to "1" (by the harness's --validate-responses): serve with response validation on.
VALIDATE_RESPONSES = "CORPUS_VALIDATE_RESPONSES"
LIST_NAMES = ("items", "data", "results", "value", "values", "records", "entries", "resources")
SIZE_PARAMS = re.compile(
    r"^(\$?top|limit|per_?page|page_?size|size|max_?results|max_?items|count|rows|take)$", re.I
)


class Outcome(Exception):
    """A GET or collection that ends here: `cause` groups, `detail` explains."""

    #: The event's `ok`: False counts against the server, None leaves it out (shown apart).
    ok: bool | None = False

    def __init__(self, cause: str, detail: str = "") -> None:
        super().__init__(f"{cause}: {detail}" if detail else cause)
        self.cause, self.detail = cause, detail

    def event(self) -> dict[str, Any]:
        return {"ok": self.ok, "cause": self.cause, "detail": self.detail}


class Failed(Outcome):
    """A step that did not do what the spec says (the server's failure, counted)."""


class HarnessFault(Failed):
    """A request the harness made that breaks the spec (a value it made up against a
    parameter's or body's schema): its own failure, not the server's. Not counted, shown
    apart."""

    ok = None


class Unmeasurable(Outcome):
    """Nothing here can be judged: openapi-core cannot read the spec's schema or an XML
    answer, or the request body's media type is one the harness cannot build and read back
    field by field (XML, text, binary). Not counted, shown apart."""

    ok = None


class NotACollection(Unmeasurable):
    """A CRUD-shaped path pair the spec itself says is no collection of records (its item
    GET answers nothing, its create a bare boolean, its item parameter a fixed choice):
    no round trip to measure. Not counted, shown apart."""

    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__("not a collection: " + why, detail)


class NoDocumented2xx(Unmeasurable):
    """An operation documenting no 2xx (nor `default`) cannot answer a documented 2xx."""

    def __init__(self, documented: list[str]) -> None:
        super().__init__("no documented 2xx", f"documented {documented}")


class SpecDisagrees(Outcome):
    """The record's id property and the path parameter naming it have schemas no one value
    meets (Twilio: `sid` `^CH...` under a `{Sid}` of `^KD...`): the spec asks the
    impossible. Not counted, shown apart."""

    ok = None

    def __init__(self, detail: str) -> None:
        super().__init__("the spec's id and path schemas disagree", detail)


class SpecImpossible(Outcome):
    """The spec demands what no value meets: a parameter whose `enum` holds no value of its
    own `type` (trakt's `{rating}`: `type: integer`, `enum: ['1', ..., '10']`), or a field
    whose write schema and read schema no one value meets (written as a string, read as an
    object; written free, read under a pattern the written value breaks), so no server
    could read back what was written. Not counted, shown apart."""

    ok = None


#: The cause of an answer no bytes of its documented media type can make valid.
UNDRAWABLE = "the spec's schema cannot hold the documented media type"

#: Statuses whose answer HTTP forbids a body (RFC 9110 15.3.5, 15.3.6, 15.4.5).
BODILESS = frozenset({"204", "205", "304"})

#: The salts of the bodies a round-trip's create tries after a 409 on the key the harness
#: itself used before (salt 1 is the update's).
CREATE_SALTS = (2, 3, 4, 5)

#: The names of a page's fields beside its arrays (amplifybackend's `NextToken`).
PAGING_FIELD = re.compile(r"(?i)next|prev|token|cursor|page|total|count|offset|limit|marker|more")

#: Item parameter names that say nothing of whose record they name (many collections use
#: them): an id is never borrowed from another collection by one of these.
GENERIC_IDS = frozenset({"id", "uuid", "key", "name", "sid", "code", "slug", "identifier"})


class NoId(Outcome):
    """A path parameter naming a record whose id the harness cannot take as a client
    would (no list of that collection answers one, no create makes one): a made-up id
    would measure only the harness's guess. Not counted, shown apart; the cause says
    whether the list answered records without a field holding the id (the engine's
    records, or the harness's reading of them, to look at) or nothing did."""

    ok = None

    def __init__(self, where: str, tried: str = "", why: str = "") -> None:
        if not why:
            why = (
                "no field of the listed records holds it"
                if "no field of" in tried
                else "no list or create of its collection answers one"
            )
        super().__init__("no id to take: " + why, f"{where}: {tried}" if tried else where)


@dataclass
class Body:
    """A request body as sent: the value the harness made, and its bytes on the wire."""

    value: Any
    data: bytes
    content_type: str
    #: Fields sent as files, which no JSON answer holds (left out of what must read back).
    files: frozenset[str] = frozenset()

    @property
    def judged(self) -> tuple[bytes, str]:
        """(bytes, media) openapi-core validates: a form as the JSON object it encodes (its
        form readers do not cast a part's text by the schema, so `1` would fail `integer`;
        the request validator's spec holds every form schema under JSON too)."""
        if sw.is_form(self.content_type):
            return json.dumps(self.value).encode(), "application/json"
        return self.data, self.content_type

    @property
    def compared(self) -> Any:
        if not self.files or not isinstance(self.value, dict):
            return self.value
        return {k: v for k, v in self.value.items() if k not in self.files}


class BodyReader:
    """The body readers openapi-core is given, per media key of the spec: JSON keys read
    as JSON (whatever parameters the Content-Type carries: openapi-core passes `charset`
    on, which `json.loads` refuses), and a media RANGE key (`*/*`, `application/*`),
    which openapi-core otherwise reads as raw bytes, by the Content-Type of the body
    being judged (`media`, set before each validation): JSON as JSON, text as text,
    anything else as bytes."""

    def __init__(self) -> None:
        self.media = ""

    def table(self, keys: Iterator[str]) -> dict[str, Callable[..., Any]]:
        out: dict[str, Callable[..., Any]] = {}
        for key in keys:
            kind = key.split(";")[0].strip().lower()
            if "*" in kind:
                out[kind] = self.by_media
            elif "json" in kind:
                out[kind] = self.json
        return out

    @staticmethod
    def json(value: bytes | str, **_parameters: str) -> Any:
        return json.loads(value)

    def by_media(self, value: bytes | str, **parameters: str) -> Any:
        kind = self.media.split(";")[0].strip().lower()
        if "json" in kind or sw.is_json(kind):  # a body sent as `*/*` is JSON
            return json.loads(value)
        if kind.startswith("text/") and isinstance(value, bytes):
            return value.decode(parameters.get("charset", "utf-8"), errors="replace")
        return value


@dataclass
class Exchange:
    """A request as openapi-core sees it (the Request and Response protocols)."""

    method: str
    path: str
    path_pattern: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes | None
    content_type: str
    host_url: str = HOST
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        cookies = dict(
            part.strip().split("=", 1)
            for part in self.headers.get("Cookie", "").split(";")
            if "=" in part
        )
        values = path_values(self.path_pattern, self.path)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(self.query),
            header=Headers(self.headers),
            cookie=ImmutableMultiDict(cookies),
            path=values,
        )


@dataclass
class Answer:
    status_code: int
    headers: Headers
    data: bytes
    content_type: str

    def json(self) -> Any:
        try:
            return json.loads(self.data) if self.data else None
        except ValueError:
            return None


def path_values(template: str, path: str) -> dict[str, str]:
    """The path parameters' values: `{id}` segments and variables inside segments alike."""
    values: dict[str, str] = {}
    for tmpl, real in zip(template.split("/"), path.split("/"), strict=False):
        names = re.findall(r"\{([^{}]+)\}", tmpl)
        if not names:
            continue
        literals = re.split(r"\{[^{}]+\}", tmpl)
        pattern = "(.+?)".join(re.escape(literal) for literal in literals)
        match = re.fullmatch(pattern, real)
        if match:
            values.update(zip(names, (unquote(g) for g in match.groups()), strict=True))
    return values


def _credential(scheme: Json) -> tuple[str, str, str] | None:
    """(where, name, value) for one security scheme: any value a mock should accept."""
    kind = str(scheme.get("type", "")).lower()
    if kind == "apikey":
        return str(scheme.get("in", "header")), str(scheme.get("name", "X-Api-Key")), "corpus"
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return "header", "Authorization", "Basic Y29ycHVzOmNvcnB1cw=="
    if kind == "http":
        return "header", "Authorization", f"{scheme.get('scheme', 'Bearer').title()} corpus"
    if kind in ("oauth2", "openidconnect"):
        return "header", "Authorization", "Bearer corpus"
    return None


Json = Any


def _items(body: Any) -> list[Any] | None:
    """The records of a list answer: a bare array, or the object's (likeliest) array."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return None
    arrays = {k: v for k, v in body.items() if isinstance(v, list)}
    for name in LIST_NAMES:
        for key, value in arrays.items():
            if key.lower() == name:
                return value
    of_records = [v for v in arrays.values() if v and isinstance(v[0], dict)]
    if len(of_records) == 1:
        return of_records[0]
    return next(iter(arrays.values()), None) if len(arrays) == 1 else None


def _words(name: str) -> list[str]:
    """The words of an identifier: `protectedItemName`, `variable_key`, `AssetSid`."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def _last_word(template: str) -> str | None:
    """The last literal segment of a collection path (`/V1/orders/items`: `items`)."""
    literal = [seg for seg in template.split("/") if seg and not sw.PARAM_SEGMENT.match(seg)]
    return literal[-1] if literal else None


def _plain(name: str) -> str:
    """`name` lower-cased without separators: `attribute_code`, `attributeCode` alike."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def id_field(
    param: str, keys: Iterator[str] | list[str], collection: str | None = None
) -> str | None:
    """The record field holding an item path parameter's value, as its name points to it:
    the same name (`attributeCode` is `attribute_code`), `id`, the name without its `Id`
    (`petId`: `pet`), then its trailing words (`variable_key`: `key`, `AssetSid`: `sid`,
    `pool_name`: `name`), then the collection's name made singular with `id`
    (`{id}` of `/transactions` is `transaction_id`), else the record's only field named
    like an id, or `name` when no field is named like one."""
    names = list(keys)
    plain: dict[str, str] = {}
    for key in names:
        plain.setdefault(_plain(key), key)
    words = _words(param)
    stripped = re.sub(r"[-_]?(id|Id|ID)$", "", param)
    candidates = [param, "id", stripped + "Id", stripped]
    candidates += ["".join(words[start:]) for start in range(1, len(words))]
    if collection:
        candidates.append(re.sub(r"(?<!s)s$", "", re.sub(r"ies$", "y", collection)) + "Id")
    for candidate in candidates:
        if candidate in names:
            return candidate
        if _plain(candidate) in plain:
            return plain[_plain(candidate)]
    ids = [k for k in names if k.lower().endswith("id")]
    if not ids and "name" in plain:  # `{project}` of AWS's /projects: the project's name
        return plain["name"]
    return ids[0] if len(ids) == 1 else None


def id_of(record: Any, param: str, collection: str | None = None) -> str | None:
    """The value of a record's id field for item parameter `param` (of `collection`, the
    last word of its path): a non-empty scalar."""
    if not isinstance(record, dict):
        return None
    names = [k for k, v in record.items() if isinstance(v, str | int) and v != ""]
    key = id_field(param, names, collection)
    return None if key is None else _text(record[key])


#: Where a read differs from what was sent: the keys and indexes down to it, and how.
Difference = tuple[tuple[str | int, ...], str]


def contains(read: Any, sent: Any) -> str | None:
    """Where `read` differs from `sent` (every sent field read back), or None."""
    found = _difference(read, sent)
    if found is None:
        return None
    at, what = found
    where = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in at)
    if what == "missing":
        return f"{where} missing"
    return f"{where}: {what}" if where else what


def _difference(read: Any, sent: Any, at: tuple[str | int, ...] = ()) -> Difference | None:
    """The first place `read` does not hold what `sent` holds, or None."""
    if isinstance(sent, dict):
        if not isinstance(read, dict):
            return at, f"expected an object, read {type(read).__name__}"
        for key, value in sent.items():
            if key not in read:
                return (*at, key), "missing"
            found = _difference(read[key], value, (*at, key))
            if found is not None:
                return found
        return None
    if isinstance(sent, list):
        if not isinstance(read, list) or len(read) != len(sent):
            return at, f"expected {len(sent)} items, read {read!r:.60}"
        for i, (a, b) in enumerate(zip(read, sent, strict=True)):
            found = _difference(a, b, (*at, i))
            if found is not None:
                return found
        return None
    if (sent == read and type(sent) is type(read)) or (
        isinstance(sent, int | float)
        and isinstance(read, int | float)
        and not isinstance(sent, bool)
        and not isinstance(read, bool)
        and float(sent) == float(read)
    ):
        return None
    return at, f"sent {sent!r:.40}, read {read!r:.40}"


class Probe:
    """One spec: its app, its validator, and the requests the harness makes."""

    def __init__(self, path: Path, emit: Emit) -> None:
        self.path, self.emit = path, emit
        self.doc: Json = sw.load(path)
        self.paths: dict[str, Json] = {
            p: sw.resolve(self.doc, i) for p, i in (self.doc.get("paths") or {}).items()
        }
        self.base = ""
        self.client: TestClient | None = None
        self.lists: dict[str, list[Any] | None] = {}
        #: The id a create answered (or why none), per URL of a collection that lists nothing.
        self.created: dict[str, str | Outcome] = {}
        #: Ids the server gave (listed or created): a path parameter holding one that breaks
        #: the parameter's schema is the server's failure, not the harness's.
        self.served_ids: set[str] = set()
        self.validator: OpenAPI | None = None
        self.request_validator: OpenAPI | None = None
        self.reader = BodyReader()

    # -- start -------------------------------------------------------------------------
    def start(self) -> bool:
        started = time.monotonic()
        checked = os.environ.get(VALIDATE_RESPONSES) == "1"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                app = create_app(Settings(specs=((self.path, None),), validate_responses=checked))
                client = TestClient(app, raise_server_exceptions=False, base_url=HOST)
                client.__enter__()
        except Exception as exc:
            self.emit({"kind": "start", "ok": False, "cause": _exc_cause(exc)})
            return False
        self.client = client
        third = [a for a in app.runtime.apis if getattr(a, "third_party", False)]
        self.base = third[0].base_path if third else ""
        seconds = round(time.monotonic() - started, 3)
        self.emit({"kind": "start", "ok": True, "seconds": seconds, "base": self.base})
        self.validator = self._validator("writeOnly")
        self.request_validator = self._validator("readOnly")
        return True

    def stop(self) -> None:
        if self.client is not None:
            self.client.__exit__(None, None, None)

    def _validator(self, ignored: str) -> OpenAPI | None:
        """openapi-core over the spec as served: its servers replaced by the mount, and
        (OpenAPI 3.0's rule, which openapi-core does not apply) properties marked `ignored`
        (readOnly for requests, writeOnly for answers) left out of `required`. A request
        is judged by the spec's patterns as written -- a JavaScript regex literal
        (`/^[a-z]+$/`, peertube) matches no string, so no body holding one is valid and
        the harness "could not make a valid body" (not counted); an answer by the
        patterns as meant (`sw.pattern_meant`), so the server is not failed for what no
        value could meet."""
        doc = _not_required(self.doc, self.doc, ignored)
        if ignored == "readOnly":
            _form_schemas_as_json(doc)
        else:
            doc = _patterns_meant(doc)
        doc["servers"] = [{"url": HOST + self.base}]
        copied = {p: sw.resolve(doc, i) for p, i in (doc.get("paths") or {}).items()}
        doc["paths"] = {}
        for key, item in copied.items():
            if isinstance(item, dict):
                item = {k: v for k, v in item.items() if k != "servers"}
                for method in sw.METHODS:
                    if isinstance(item.get(method), dict) and "servers" in item[method]:
                        item[method] = {k: v for k, v in item[method].items() if k != "servers"}
                doc["paths"][key] = item
        config = Config(
            spec_validator_cls=None,
            extra_media_type_deserializers=self.reader.table(_media_types(self.doc)),
        )
        try:
            return OpenAPI.from_dict(doc, config=config)
        except Exception as exc:
            self.emit({"kind": "note", "cause": "validator: " + _exc_cause(exc)})
            return None

    # -- requests ----------------------------------------------------------------------
    def security(self, operation: Json) -> dict[str, dict[str, str]]:
        """Headers, query and cookies satisfying the operation's first security option."""
        out: dict[str, dict[str, str]] = {"header": {}, "query": {}, "cookie": {}}
        needs = operation.get("security", self.doc.get("security")) or []
        schemes = (self.doc.get("components") or {}).get("securitySchemes") or {}
        if not needs or any(option == {} for option in needs):
            return out
        for name in needs[0] if isinstance(needs[0], dict) else {}:
            scheme = sw.resolve(self.doc, schemes.get(name))
            found = _credential(scheme) if isinstance(scheme, dict) else None
            if found:
                where, key, value = found
                out.setdefault(where, {})[key] = value
        return out

    def fill(self, template: str, known: dict[str, str] | None = None) -> str:
        """`template` with its variables set: ids from the served lists above them, else
        the parameter's example/enum/schema, else a made-up value."""
        known = dict(known or {})
        names = template.split("/")
        segments = list(names)
        for index, segment in enumerate(names):
            match = sw.PARAM_SEGMENT.match(segment)
            if not match:  # variables inside a segment (`videos.{format}`): their values
                segments[index] = re.sub(
                    r"\{([^{}]+)\}",
                    lambda m: quote(
                        known.get(m.group(1)) or self._param_value(template, m.group(1)), safe=""
                    ),
                    segment,
                )
                continue
            name = match.group(1)
            if name not in known:
                prefix = "/".join(names[:index])
                known[name] = self._listed_id(
                    prefix, name, known, self._path_param(template, name)
                ) or self._param_value(template, name)
            segments[index] = quote(str(known[name]), safe="")
        return "/".join(segments)

    def _listed_id(
        self, prefix: str, name: str, known: dict[str, str], param: Json | None = None
    ) -> str | None:
        """The value of path parameter `{name}` below `prefix`, taken as a client would:
        when `{name}` names a record (`_names_record`), from the list `prefix` answers
        (the field of each record the collection's own item parameter, else `name`,
        points to: `id_field`); when that path lists nothing, from the list of the one
        other collection whose item parameter is `name` (`/lists/{tasklist}/tasks` takes
        its `tasklist` from `/users/@me/lists`; a name many collections use, like `id`,
        is no one's) if one of its ids fits the parameter's schema; else from a create
        (`_created_id_at`). With none of these, `NoId`: a made-up id would measure
        nothing but the harness's guess. A parameter naming no record (`{format}`,
        `{date}`) takes a made-up value (None)."""
        if _is_choice(self.doc, param):  # `{type}` of trakt's /sync/ratings: movies, shows
            return None
        template = prefix if prefix in self.paths else prefix + "/"
        others = [
            c.path
            for c in sw.path_pairs(self.doc)
            if c.id_param == name and "get" in c.methods and not c.scope_params
        ]
        if len(others) != 1 or others[0] == template or _plain(name) in GENERIC_IDS:
            others = []
        if not others and not self._names_record(prefix, name):
            return None
        tried: list[str] = []
        if "get" in (self.paths.get(template) or {}):
            found = self._id_from_list(template, name, known, None, tried)
            if found is not None:
                return found
        elif others:
            schema = (param or {}).get("schema", {})
            found = self._id_from_list(others[0], name, known, schema, tried)
            if found is not None:
                return found
        found = self._created_id_at(template, name, known)
        if found is None:
            raise NoId(f"{{{name}}} under {template}", "; ".join(tried))
        return found

    def _names_record(self, prefix: str, name: str) -> bool:
        """Whether `{name}` below `prefix` names a record: an item path `prefix/{...}` has
        an operation of its own (`_item_at`; else it names no stateful record --
        amplifybackend's `/backend` and `/backend/{appId}/api` hold no `/backend/{appId}`)
        and `prefix` is a path of the
        spec (its collection), or `prefix/{name}` answers PUT (a create) or GET with an
        object holding a field `id_field` finds for `name`."""
        template = prefix if prefix in self.paths else prefix + "/"
        item_path = prefix.rstrip("/") + "/{" + name + "}"
        item = self.paths.get(item_path) or {}
        if not self._item_at(prefix):
            return False
        if template in self.paths or "put" in item:
            return True
        got = sw.ok_response(self.doc, item.get("get"))
        props = sw.merged_properties(self.doc, got[2]) if got else {}
        names = set(props)
        for prop in props.values():
            names |= set(sw.merged_properties(self.doc, prop))
        return id_field(name, sorted(names)) is not None

    def _item_at(self, prefix: str) -> bool:
        """Whether a path `prefix/{x}` (any parameter name: twilio's `/Assets/{Sid}` is the
        item of `/Assets/{AssetSid}/Versions`) has an operation."""
        shape = re.compile(re.escape(prefix.rstrip("/")) + r"/\{[^{}/]+\}/?")
        return any(
            shape.fullmatch(path) and any(isinstance(item.get(m), dict) for m in sw.METHODS)
            for path, item in self.paths.items()
            if isinstance(item, dict)
        )

    def _id_from_list(
        self,
        template: str,
        name: str,
        known: dict[str, str],
        schema: Json | None,
        tried: list[str],
    ) -> str | None:
        """The first id the list at `template` answers for `{name}` (one fitting `schema`
        when it is given); why none, appended to `tried`."""
        url = self.fill(template, known)
        if url not in self.lists:
            answer = self.request("get", template, url, listing=True)
            self.lists[url] = _items(answer.json()) if 200 <= answer.status_code < 300 else None
        records = self.lists[url]
        own = self._own_item_param(template)
        for record in records or []:
            for param_name in dict.fromkeys((own or name, name)):
                found = id_of(record, param_name, _last_word(template))
                if found is not None and (schema is None or self._fits_text(schema, found)):
                    self.served_ids.add(found)
                    return found
        if records is None:
            tried.append(f"the list {url} answered no records")
        elif not records:
            tried.append(f"the list {url} is empty")
        else:
            keys = sorted({k for r in records if isinstance(r, dict) for k in r})
            tried.append(f"no field of {url}'s records holds {{{name}}}: {keys[:12]}")
        return None

    def _own_item_param(self, template: str) -> str | None:
        """The path parameter of the collection at `template`'s own item path."""
        for coll in sw.path_pairs(self.doc):
            if coll.path == template:
                return coll.id_param
        return None

    def _created_id_at(self, template: str, name: str, known: dict[str, str]) -> str | None:
        """The id of a record created in collection path `template` -- by POST there (the
        id from its answer or Location), or by PUT on `template/{name}` (the id the
        harness chose) -- made once per URL (a failure too: raised again). None when the
        spec has no such create."""
        item_path = template.rstrip("/") + "/{" + name + "}"
        if not self._creates_by_post(template, name) and "put" not in (
            self.paths.get(item_path) or {}
        ):
            return None
        url = self.fill(template, known)
        if url not in self.created:
            try:
                self.created[url] = self._create_for_id(template, url, item_path, name, known)
                self.served_ids.add(str(self.created[url]))
            except Outcome as exc:
                self.created[url] = exc
        found = self.created[url]
        if isinstance(found, Outcome):
            raise found
        return found

    def _create_for_id(
        self, template: str, url: str, item_path: str, name: str, known: dict[str, str]
    ) -> str:
        """A record created for an id (its answer's body is judged by the round-trip)."""
        step = "create (for an id)"
        if self._creates_by_post(template, name):
            answer, _body = self.write(step, "post", template, url, 0, judge=False)
            found = answered_id(answer, name)
            if found is None and not self._documents_id(template, name):
                raise NoId(f"{{{name}}} under {template}", why="its create documents no id")
            if found is None:
                raise Failed(f"{step}: no id in the answer", template)
            return found
        found = self._param_value(item_path, name)
        target = self.fill(item_path, {**known, name: found})
        self.write(step, "put", item_path, target, 0, judge=False)
        return found

    def _creates_by_post(self, template: str, name: str) -> bool:
        """Whether a POST on `template` creates a record named by `{name}`: it has one, and
        it does not answer a page of records (amplifybackend's `POST .../job/{env}` lists
        jobs: `_answers_page`)."""
        operation = (self.paths.get(template) or {}).get("post")
        if not isinstance(operation, dict):
            return False
        return not _answers_page(self.doc, operation, name, self._own_item_param(template))

    def _documents_id(self, template: str, name: str) -> bool:
        """Whether the create at `template` documents an answer a client can read the id
        `{name}` from: a `Location` header, a bare string or integer, or a field of the
        record (or of an object it wraps it in) that `id_field` finds."""
        got = sw.ok_response(self.doc, (self.paths.get(template) or {}).get("post"))
        if got is None:
            return False
        _status, response, schema = got
        headers = {str(h).lower() for h in (response.get("headers") or {})}
        kind = (merged(self.doc, schema) or {}).get("type") if schema is not None else None
        if "location" in headers or kind in ("string", "integer"):
            return True
        props = sw.merged_properties(self.doc, schema)
        names = set(props)
        for prop in props.values():
            names |= set(sw.merged_properties(self.doc, prop))
        own = self._own_item_param(template)
        return any(id_field(p, sorted(names)) for p in {name, own or name})

    def _path_param(self, template: str, name: str) -> Json | None:
        """Path parameter `name` of `template` (its first operation naming it)."""
        item = self.paths.get(template) or {}
        for method in sw.METHODS:
            if isinstance(item.get(method), dict):
                for param in sw.parameters(self.doc, item, item[method]):
                    if param.get("in") == "path" and param.get("name") == name:
                        return param
        return None

    def _param_value(self, template: str, name: str) -> str:
        param = self._path_param(template, name)
        return f"{name}-1" if param is None else _text(self.value_for(param, path=True))

    def _fits_text(self, schema: Json, text: str) -> bool:
        """Whether a path segment's text is valid for `schema` (as a number where it
        reads as one: a path value is typed by its parameter's schema)."""
        typed: list[Any] = [text]
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            typed.insert(0, json.loads(text))
        return any(fits(self.doc, schema, value) for value in typed)

    def _disagreement(self, template: str, name: str) -> str | None:
        """Why no id can be both the record's id property and path parameter `name` of
        `template` (a value made for each breaks the other's schema), or None."""
        param = self._path_param(template, name)
        head, _, _ = template.partition("{" + name + "}")
        got = sw.ok_response(self.doc, (self.paths.get(head + "{" + name + "}") or {}).get("get"))
        props = sw.merged_properties(self.doc, got[2]) if got else {}
        key = id_field(name, list(props))
        if param is None or key is None:
            return None
        path_schema, prop_schema = param.get("schema", {}), props[key]
        as_prop = make(self.doc, prop_schema, key, 0, examples=False)
        as_path = self.value_for(param, path=True)
        if fits(self.doc, path_schema, as_prop) or fits(self.doc, prop_schema, as_path):
            return None
        return (
            f"{{{name}}} {path_schema.get('pattern', path_schema)!s:.60} vs "
            f".{key} {prop_schema.get('pattern', prop_schema)!s:.60}"
        )

    def value_for(self, param: Json, path: bool = False) -> Any:
        """A value for a parameter that its own schema accepts: its example, else one made
        from its schema (the schema's examples first, then without them -- an example
        outside its own enum or pattern, as rubrik's `sort_by: Name`, is passed over). A
        path value is never empty (an empty segment routes nowhere). When nothing made
        fits, the first candidate (the request validator then names the harness's fault)."""
        name, schema = str(param.get("name", "value")), param.get("schema", {})
        candidates = [param.get("example")] if param.get("example") is not None else []
        candidates += [
            make(self.doc, schema, name, salt, examples=examples)
            for examples in (True, False)
            for salt in range(3)
        ]
        usable = [v for v in candidates if not path or _text(v) != ""] or candidates
        found = next((v for v in usable if fits(self.doc, schema, v)), None)
        if found is None and _no_member_fits(self.doc, schema):
            raise SpecImpossible(
                "the spec's parameter schema admits no value",
                f"{name}: {str(merged(self.doc, schema))[:100]}",
            )
        return usable[0] if found is None else found

    def query(self, template: str, method: str, listing: bool = False) -> list[tuple[str, str]]:
        """The query parameters to send (`_sent`), and for a list the largest page size."""
        item = self.paths[template]
        out: list[tuple[str, str]] = []
        for param in sw.parameters(self.doc, item, item[method]):
            if param.get("in") != "query":
                continue
            schema = merged(self.doc, param.get("schema", {})) or {}
            name = str(param["name"])
            if listing and SIZE_PARAMS.match(name) and isinstance(schema, dict):
                high = schema.get("maximum")
                size = min(int(high), 100) if isinstance(high, int | float) else 100
                out.append((name, str(size)))
            elif self._sent(param):
                value = self.value_for(param)
                out += [(name, _text(v)) for v in (value if isinstance(value, list) else [value])]
        return out

    def _sent(self, param: Json) -> bool:
        """Whether the harness sends parameter `param`: when it is required, or when its
        schema's `default` breaks the schema (rubrik's `sort_by` default `Name` outside its
        enum, vtex's number defaulting to the string `"101.22"`, a `default: null` not
        nullable) -- left out, the request would stand for that invalid default, so a
        valid value is sent instead."""
        if param.get("required"):
            return True
        schema = merged(self.doc, param.get("schema", {}))
        return (
            isinstance(schema, dict)
            and "default" in schema
            and not fits(self.doc, schema, schema["default"])
        )

    def headers(self, template: str, method: str) -> dict[str, str]:
        """The headers to send: `Accept` a documented value when the operation names an
        `Accept` parameter (spoonacular's enum), else any JSON; the others as `_sent`."""
        item = self.paths[template]
        out = {"Accept": "application/json, */*;q=0.5"}
        for param in sw.parameters(self.doc, item, item[method]):
            if param.get("in") != "header":
                continue
            name = str(param["name"])
            if name.lower() == "accept":
                out["Accept"] = self._accept(param, item[method])
            elif name.lower() not in ("content-type", "authorization") and self._sent(param):
                out[name] = _text(self.value_for(param))
        return out

    def _accept(self, param: Json, operation: Json) -> str:
        """The value of the operation's `Accept` parameter: one its schema takes that admits
        a media type the operation's 2xx answers document (spoonacular's enum holds
        `text/html` for its HTML widget; vtex's free `Accept` defaulting to JSON on a create
        answering `text/plain`), else the parameter's own value."""
        schema = param.get("schema", {})
        offered = _answered_media(self.doc, operation)
        own = _text(self.value_for(param))
        enum = (merged(self.doc, schema) or {}).get("enum") or []
        for candidate in (own, *[str(v) for v in enum], *offered):
            if fits(self.doc, schema, candidate) and _admits(candidate, offered):
                return candidate
        return own

    def request(
        self,
        method: str,
        template: str,
        url: str,
        body: Body | None = None,
        listing: bool = False,
        check_body: bool = False,
    ) -> Answer:
        """`method url` against the served spec; with `check_body`, the request is first
        validated by openapi-core (a body the harness made invalid is its own failure)."""
        assert self.client is not None
        operation = self.paths[template][method]
        headers = self.headers(template, method)
        query = self.query(template, method, listing)
        creds = self.security(operation)
        headers.update(creds["header"])
        # a credential the operation also declares as a parameter (trello's `key`) is sent once
        query = [(k, v) for k, v in query if k not in creds["query"]]
        query += list(creds["query"].items())
        if creds["cookie"]:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in creds["cookie"].items())
        data = None if body is None else body.data
        if body is not None:
            headers["Content-Type"] = body.content_type
        full = self.base + url
        if check_body and self.request_validator is not None:
            judged, media = body.judged if body is not None else (None, "")
            exchange = Exchange(
                method, full, self.base + template, query, {**headers}, judged, media
            )
            try:
                self.reader.media = media
                self.request_validator.validate_request(exchange)
            except Exception as exc:
                cause = _exc_cause(exc)
                bad = re.search(r"(?:Invalid path parameter|Path parameter error): (\S+)", cause)
                if bad and exchange.parameters.path.get(bad.group(1)) in self.served_ids:
                    why = self._disagreement(template, bad.group(1))
                    if why is not None:
                        raise SpecDisagrees(why) from exc
                    raise Failed("an id the server gave breaks its path parameter", cause) from exc
                raise HarnessFault("harness: made an invalid request", cause) from exc
        response = self.client.request(
            method.upper(), full, params=query, headers=headers, content=data
        )
        return Answer(
            response.status_code,
            Headers(list(response.headers.items())),
            response.content,
            response.headers.get("content-type", ""),
        )

    def check(
        self, method: str, template: str, url: str, answer: Answer, judge: bool = True
    ) -> None:
        """The answer is a documented 2xx whose body (with `judge`) validates against the
        spec."""
        operation = self.paths[template][method]
        documented = [str(s) for s in operation.get("responses") or {}]
        if not any(d.startswith("2") or d == "default" for d in documented):
            raise NoDocumented2xx(documented)
        status = str(answer.status_code)
        if not status.startswith("2"):
            detail = ""
            body = answer.json()
            if isinstance(body, dict):
                detail = str(body.get("detail") or body.get("title") or "")[:160]
            raise Failed(f"status {status}", detail)
        named = {d.upper() for d in documented}
        if not named & {status, status[0] + "XX", "DEFAULT"}:
            raise Failed("undocumented 2xx status", f"{status}, documented {documented}")
        if status in BODILESS:  # HTTP forbids the body the spec may document
            if answer.data:
                raise Failed(f"a body on a {status}", f"{len(answer.data)} bytes")
            return
        if not judge:
            return
        if self.validator is None:
            raise Unmeasurable("not measurable: openapi-core could not read the spec")
        if "xml" in answer.content_type.lower() and answer.data:
            raise Unmeasurable("not measurable: an XML answer (openapi-core reads no XML)")
        impossible = self._undrawable(method, template, status, answer.content_type)
        if impossible is not None:
            raise Unmeasurable(
                "the spec's schema cannot hold the documented media type", impossible
            )
        exchange = Exchange(method, self.base + url, self.base + template, [], {}, None, "")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.reader.media = answer.content_type
                self.validator.validate_response(exchange, answer)  # type: ignore[arg-type]
        except Exception as exc:
            cause = _exc_cause(exc)
            if re.search(
                r"re\.error|PatternError|bad escape|unterminated|nothing to repeat", cause
            ):
                raise Unmeasurable("not measurable: a pattern Python cannot read", cause) from exc
            raise Failed("body invalid", cause) from exc

    def _undrawable(self, method: str, template: str, status: str, media: str) -> str | None:
        """Why no bytes answered as `media` can be valid, or None: the documented media key
        it matches is a concrete one that is neither JSON, XML nor a form (an image, a PDF,
        text), so the body is bytes or text, which only a `string` schema (or none) holds
        -- spoonacular's `image/png` of `type: object`, ebay's PDF label as an array. Not
        when a JSON answer is documented beside it that the harness's `Accept` takes: the
        server could have answered that."""
        responses = self.paths[template][method].get("responses") or {}
        by_name = {str(k).upper(): v for k, v in responses.items()}
        found = next(
            (by_name[k] for k in (status, status[0] + "XX", "DEFAULT") if k in by_name), None
        )
        content = (sw.resolve(self.doc, found) or {}).get("content")
        kind = media.split(";")[0].strip().lower()
        if not isinstance(content, dict) or not kind:
            return None
        key = next((k for k in content if k.split(";")[0].strip().lower() == kind), None)
        if key is None or "json" in kind or "xml" in kind or sw.is_form(kind):
            return None
        accept = self.headers(template, method)["Accept"].lower()
        takes_json = "json" in accept or "*/*" in accept or "application/*" in accept
        if takes_json and any("json" in str(k).lower() or sw.is_json(str(k)) for k in content):
            return None
        documented = (sw.resolve(self.doc, content[key]) or {}).get("schema")
        schema = merged(self.doc, documented) if documented is not None else None
        declared = schema.get("type") if isinstance(schema, dict) else None
        types = declared if isinstance(declared, list) else [declared]
        if declared is None or "string" in types:
            return None
        return f"{status} {key}: a schema of type {declared}"

    # -- GETs --------------------------------------------------------------------------
    def gets(self) -> None:
        for template, method, _item, op in sw.operations(self.doc):
            if method != "get":
                continue
            event: dict[str, Any] = {"kind": "get", "path": template}
            if "#" in template or "?" in template:
                self.emit({**event, "ok": None, "cause": "not requestable: # or ? in the path"})
                continue
            try:
                url = self.fill(template)
                body = self._body(template, "get", 0) if "requestBody" in op else None
                answer = self.request("get", template, url, body, listing=True, check_body=True)
                self.check("get", template, url, answer)
                self.emit({**event, "ok": True})
            except Outcome as exc:
                self.emit({**event, **exc.event()})
            except Exception as exc:
                self.emit(
                    {**event, "ok": False, "cause": "harness error", "detail": _exc_cause(exc)}
                )

    # -- round-trips -------------------------------------------------------------------
    def round_trips(self) -> None:
        for coll in sw.collections(self.doc):
            event: dict[str, Any] = {"kind": "collection", "path": coll.path}
            try:
                self.round_trip(coll)
                self.emit({**event, "ok": True})
            except Outcome as exc:
                self.emit({**event, **exc.event()})
            except Exception as exc:
                self.emit(
                    {**event, "ok": False, "cause": "harness error", "detail": _exc_cause(exc)}
                )

    def write(
        self,
        name: str,
        method: str,
        template: str,
        url: str,
        salt: int,
        judge: bool = True,
        record_id: RecordId | None = None,
    ) -> tuple[Answer, Any]:
        """A write with a body made for its schema: with the spec's examples, and when
        those break the schema, without them. Returns the answer and what of the body sent
        must read back (None without a body). `judge`: as `step`'s; `record_id`: as
        `_body`'s."""
        body = self._body(template, method, salt, record_id=record_id)
        try:
            answer = self.step(name, method, template, url, body, judge=judge)
            return answer, body and body.compared
        except Failed as exc:
            if not exc.cause.startswith("harness") or body is None:
                raise
        body = self._body(template, method, salt, examples=False, record_id=record_id)
        try:
            answer = self.step(name, method, template, url, body, judge=judge)
            return answer, body and body.compared
        except Failed as exc:
            if exc.cause.startswith("harness"):
                raise HarnessFault("harness: could not make a valid body", exc.detail) from exc
            raise

    def _body(
        self,
        template: str,
        method: str,
        salt: int,
        examples: bool = True,
        record_id: RecordId | None = None,
    ) -> Body | None:
        """The body of a write, in the media type a client would pick (`sw.body_media`); a
        JSON Patch body holds `add` operations setting the fields of a value made for
        the item (the PUT body's schema, else the create's). The record's id is the
        server's: `record_id`'s field is left out unless the body's schema requires it,
        and then holds `record_id`'s value (the path's, for a PUT), if it has one."""
        operation = self.paths[template][method]
        request_body = sw.resolve(self.doc, operation.get("requestBody"))
        content = request_body.get("content") if isinstance(request_body, dict) else None
        if not content:
            return None
        media = sw.body_media(content)
        if media is None:
            raise Unmeasurable(
                f"not measurable: a {method.upper()} body neither JSON nor a form",
                ", ".join(content),
            )
        schema = (sw.resolve(self.doc, content[media]) or {}).get("schema", {})
        if "json-patch" in media.lower():
            item_schema = self._item_schema(template)
            value = make(self.doc, item_schema, "value", salt, examples=examples)
            value = _with_id(self.doc, item_schema, value, record_id)
            ops = [{"op": "add", "path": "/" + _pointer(k), "value": v} for k, v in value.items()]
            return Body(value, json.dumps(ops).encode(), media)
        value = _with_id(
            self.doc, schema, make(self.doc, schema, "value", salt, examples=examples), record_id
        )
        files = files_of(self.doc, schema) if sw.is_form(media) else frozenset()
        data, content_type = encode(value, media, files)
        return Body(value, data, content_type, files)

    def _item_schema(self, item_path: str) -> Json:
        """The schema of a whole record written to `item_path`: its PUT body's, else the
        create's on the path above, else its GET answer's."""
        parent = item_path.rstrip("/").rpartition("/")[0]
        for template, method in ((item_path, "put"), (parent, "post"), (parent + "/", "post")):
            operation = (self.paths.get(template) or {}).get(method)
            body = sw.resolve(self.doc, (operation or {}).get("requestBody"))
            found = sw.json_schema_of(self.doc, (body or {}).get("content"))
            if found is not None:
                return found[1]
        got = sw.ok_response(self.doc, (self.paths.get(item_path) or {}).get("get"))
        return got[2] if got and got[2] is not None else {"type": "object"}

    def round_trip(self, coll: sw.Collection) -> None:
        scope: dict[str, str] = {}
        base_url = self.fill(coll.path, scope)
        # the scope values fill() chose for this collection path
        for tmpl, real in zip(coll.path.split("/"), base_url.split("/"), strict=False):
            match = sw.PARAM_SEGMENT.match(tmpl)
            if match:
                scope[match.group(1)] = unquote(real)
        item_url: str
        why = self._not_a_collection(coll)
        if why is not None:
            raise NotACollection(*why)
        key = self._id_property(coll)
        if coll.creates_by == "POST":
            before = self._listed_ids(coll, base_url)
            answer, body = self._create_anew(coll, base_url, key)
            record_id = self._created_id(coll, answer) or self._new_id(coll, base_url, before)
            self.served_ids.add(record_id)
        else:
            record_id = _text(make(self.doc, self._id_schema(coll), coll.id_param, 7))
            target = self.fill(coll.item_path, {**scope, coll.id_param: record_id})
            answer, body = self.write(
                "create", "put", coll.item_path, target, 0, record_id=(key, record_id)
            )
        item_url = self.fill(coll.item_path, {**scope, coll.id_param: record_id})
        read = self.step("read", "get", coll.item_path, item_url).json()
        readable = self._readable(coll)
        if body is not None:
            self._compare(coll, read, body, readable, key, "read: differs from what was written")
        if "get" in coll.methods and _answers_body(self.doc, self.paths[coll.path]["get"]):
            ids = self._listed_ids(coll, base_url, "list")
            if record_id not in ids:
                raise Failed("list: the created record is not listed", f"{len(ids)} listed")
        for method in ("put", "patch"):
            if method not in coll.item_methods:
                continue
            _answer, change = self.write(
                "update", method, coll.item_path, item_url, 1, record_id=(key, record_id)
            )
            reread = self.step("read after update", "get", coll.item_path, item_url).json()
            if change is not None:
                cause = f"{method.upper()} not read back"
                self._compare(coll, reread, change, readable, key, cause, method)
        if "delete" in coll.item_methods:
            self.step("delete", "delete", coll.item_path, item_url)
            gone = self.request("get", coll.item_path, item_url)
            if gone.status_code != 404:
                raise Failed("GET after DELETE not 404", str(gone.status_code))

    def _compare(
        self,
        coll: sw.Collection,
        read: Any,
        sent: Any,
        readable: set[str] | None,
        key: str | None,
        cause: str,
        method: str = "",
    ) -> None:
        """`read` holds what of `sent` reads back: the record's declared fields (`_kept`),
        none marked readOnly or writeOnly at any depth of the write or read schema
        (`_unflagged`). A difference is the server's, unless the spec's read schema at that
        place rejects the value written there (`plan` written as a string, read as an
        object): then no server could read it back (`SpecImpossible`)."""
        record, field = _unwrap(read, sent)
        got = sw.ok_response(self.doc, self.paths[coll.item_path]["get"])
        read_schema: Json | None = got[2] if got else None
        if field is not None and read_schema is not None:
            read_schema = sw.merged_properties(self.doc, read_schema).get(field)
        template = coll.item_path if method else coll.path
        write_schema = self._write_schema(
            template, method or str(coll.creates_by or "post").lower()
        )
        kept = _unflagged(self.doc, _kept(sent, readable, key), [write_schema, read_schema])
        found = _difference(record, kept)
        if found is None:
            return
        where = contains(record, kept) or ""
        expected = _schema_at(self.doc, read_schema, found[0])
        if expected is not None and not fits(self.doc, expected, _value_at(kept, found[0])):
            raise SpecImpossible(
                "the spec's write and read schemas disagree",
                f"{where:.80} (read schema {str(merged(self.doc, expected))[:60]})",
            )
        raise Failed(cause, where)

    def _write_schema(self, template: str, method: str) -> Json | None:
        """The schema of the body `method template` sends (its media as `_body` picks)."""
        operation = (self.paths.get(template) or {}).get(method) or {}
        body = sw.resolve(self.doc, operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        media = sw.body_media(content) if isinstance(content, dict) and content else None
        if media is None or not isinstance(content, dict):
            return None
        schema = (sw.resolve(self.doc, content[media]) or {}).get("schema")
        return schema if isinstance(schema, dict) else None

    def _create_anew(self, coll: sw.Collection, url: str, key: str | None) -> tuple[Answer, Any]:
        """The round-trip's POST create. Where the harness created a record at `url` before
        (for a GET's id), a 409 answers the key it chose then (es's `DomainName`,
        lookoutvision's `DatasetType`): it deletes that record first when the item path
        documents a DELETE, else tries bodies made with other salts -- keys it has not
        used there."""
        earlier = self.created.get(url)
        if not isinstance(earlier, str):
            return self.write("create", "post", coll.path, url, 0, record_id=(key, None))
        if "delete" in coll.item_methods:
            try:
                return self.write("create", "post", coll.path, url, 0, record_id=(key, None))
            except Failed as exc:
                if exc.cause != "create: status 409":
                    raise
            scope = path_values(coll.path, url)
            old = self.fill(coll.item_path, {**scope, coll.id_param: earlier})
            self.request("delete", coll.item_path, old)
            del self.created[url]  # a later path through it creates its record anew
            return self.write("create", "post", coll.path, url, 0, record_id=(key, None))
        for salt in (0, *CREATE_SALTS):
            try:
                return self.write("create", "post", coll.path, url, salt, record_id=(key, None))
            except Failed as exc:
                if exc.cause != "create: status 409" or salt == CREATE_SALTS[-1]:
                    raise
        raise AssertionError("unreachable: the last salt raises or returns")

    def step(
        self,
        name: str,
        method: str,
        template: str,
        url: str,
        body: Body | None = None,
        listing: bool = False,
        judge: bool = True,
    ) -> Answer:
        """One request of a round-trip, which must answer a documented, valid 2xx
        (`judge=False`: only a documented 2xx, its body judged elsewhere)."""
        answer = self.request(method, template, url, body, listing, check_body=True)
        try:
            self.check(method, template, url, answer, judge)
        except Failed as exc:
            raise Failed(f"{name}: {exc.cause}", exc.detail) from exc
        except Unmeasurable:
            pass
        return answer

    def _readable(self, coll: sw.Collection) -> set[str] | None:
        """The fields the item's GET answer declares (its own properties and those of an
        object it wraps the record in), or None when it declares none (all compared).
        A ``writeOnly`` field (a password) is never answered, and a ``readOnly`` one is
        the server's to fill (OpenAPI 3.0: it is not sent, or its value is ignored), so
        neither is compared; every other field written must read back."""
        got = sw.ok_response(self.doc, self.paths[coll.item_path]["get"])
        props = sw.merged_properties(self.doc, got[2]) if got else {}
        declared = dict(props)
        for prop in props.values():
            declared.update(sw.merged_properties(self.doc, prop))
        if not declared:
            return None
        return {
            name
            for name, node in declared.items()
            if not _flagged(self.doc, node, "writeOnly")
            and not _flagged(self.doc, node, "readOnly")
        }

    def _id_property(self, coll: sw.Collection) -> str | None:
        """The record's id property: the field of the item's schema (as written, else as
        read) that holds its path parameter's value (`id_field`)."""
        names = list(sw.merged_properties(self.doc, self._item_schema(coll.item_path)))
        got = sw.ok_response(self.doc, self.paths[coll.item_path]["get"])
        names += list(sw.merged_properties(self.doc, got[2]) if got else {})
        return id_field(coll.id_param, names)

    def _id_schema(self, coll: sw.Collection) -> Json:
        item = self.paths[coll.item_path]
        for param in sw.parameters(self.doc, item, item["get"]):
            if param.get("in") == "path" and param.get("name") == coll.id_param:
                return param.get("schema", {})
        return {"type": "string"}

    def _listed_ids(self, coll: sw.Collection, url: str, step: str = "") -> list[str]:
        """The ids the collection's list answers (`step` names it when it must succeed)."""
        if "get" not in coll.methods:
            return []
        if step:
            listed = self.step(step, "get", coll.path, url, listing=True).json()
        else:
            listed = self.request("get", coll.path, url, listing=True).json()
        return [
            found
            for r in _items(listed) or []
            if (found := id_of(r, coll.id_param, _last_word(coll.path)))
        ]

    def _created_id(self, coll: sw.Collection, answer: Answer) -> str | None:
        return answered_id(answer, coll.id_param)

    def _new_id(self, coll: sw.Collection, url: str, before: list[str]) -> str:
        """An answer without the id: the one id the list gained, as a client would find it."""
        new = set(self._listed_ids(coll, url)) - set(before)
        if len(new) != 1:
            if not self._id_documented(coll):
                raise NoId(
                    f"{{{coll.id_param}}} under {coll.path}",
                    why="no schema of its collection holds it",
                )
            raise Failed("create: no id in the answer, nor one new id in the list", str(new))
        return new.pop()

    def _not_a_collection(self, coll: sw.Collection) -> tuple[str, str] | None:
        """(why, detail) when the spec says the pair holds no records to round-trip: its
        item parameter is a fixed choice (an `enum` or `const`) while its create is a POST
        (the server would choose the id: trakt's `/sync/collection/{type}` is a filter; a
        PUT on a fixed key, Azure's `migrationConfigurations/$default`, is a record the
        client names, and is measured), its item GET documents no
        body (nothing to read back), or its create documents a bare boolean, number or
        null (magento's gift messages answer `true`: no record, no id)."""
        item = self.paths[coll.item_path]
        param = self._path_param(coll.item_path, coll.id_param)
        if coll.creates_by == "POST" and _is_choice(self.doc, param):
            return "its item parameter is a fixed choice", str(param.get("schema", {}))[:80]
        if not _answers_body(self.doc, item["get"]):
            return "its item GET documents no body", coll.item_path
        if coll.creates_by == "POST" and _answers_page(
            self.doc, self.paths[coll.path]["post"], coll.id_param
        ):
            return "its POST answers a page of records", coll.path
        if coll.creates_by == "POST":
            got = sw.ok_response(self.doc, self.paths[coll.path]["post"])
            schema = merged(self.doc, got[2]) if got and got[2] is not None else None
            kind = schema.get("type") if isinstance(schema, dict) else None
            if kind in ("boolean", "number", "null"):
                return f"its create answers a bare {kind}", coll.path
        return None

    def _id_documented(self, coll: sw.Collection) -> bool:
        """Whether the spec tells a client where a created record's id is: its create
        documents it (`_documents_id`), or the item or list answer's records hold a field
        `id_field` finds for the item parameter."""
        if self._documents_id(coll.path, coll.id_param):
            return True
        names: set[str] = set()
        for template, listing in ((coll.item_path, False), (coll.path, True)):
            got = sw.ok_response(self.doc, (self.paths.get(template) or {}).get("get"))
            if got and got[2] is not None:
                names |= _field_names(self.doc, got[2], listing)
        return id_field(coll.id_param, sorted(names), _last_word(coll.path)) is not None


def _is_choice(doc: Json, param: Json | None) -> bool:
    """Whether a path parameter is a fixed choice (its schema an `enum` or `const`), which
    names no record: its value is one of the spec's, never an id to list or create."""
    schema = merged(doc, (param or {}).get("schema")) if isinstance(param, dict) else None
    return isinstance(schema, dict) and ("enum" in schema or "const" in schema)


def _no_member_fits(doc: Json, schema: Json) -> bool:
    """Whether `schema` has an `enum` none of whose members it accepts."""
    whole = merged(doc, schema)
    enum = whole.get("enum") if isinstance(whole, dict) else None
    return isinstance(enum, list) and bool(enum) and not any(fits(doc, schema, v) for v in enum)


def _answered_media(doc: Json, operation: Json) -> list[str]:
    """The media types (parameters dropped) of the operation's documented 2xx answers,
    JSON ones first."""
    found: list[str] = []
    for status, response in (operation.get("responses") or {}).items():
        if str(status).startswith("2"):
            content = (sw.resolve(doc, response) or {}).get("content") or {}
            found += [str(k).split(";")[0].strip().lower() for k in content]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda m: not sw.is_json(m))


def _admits(accept: str, offered: list[str]) -> bool:
    """Whether the `Accept` value `accept` admits one of `offered` (or nothing is offered)."""
    if not offered:
        return True
    ranges = [r.split(";")[0].strip().lower() for r in accept.split(",")]
    return any(
        wanted in ("*/*", media) or (wanted.endswith("/*") and media.startswith(wanted[:-1]))
        for wanted in ranges
        for media in offered
    )


def _answers_page(doc: Json, operation: Json, param: str, own: str | None = None) -> bool:
    """Whether a POST answers a page of records rather than one: its 2xx schema is an array,
    or an object of arrays and paging fields (`PAGING_FIELD`) none of which holds the id
    `{param}` (`id_field`) while the records of an array it holds do."""
    got = sw.ok_response(doc, operation)
    schema = merged(doc, got[2]) if got and got[2] is not None else None
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "array" or "items" in schema:
        return True
    names = {param, own or param}
    if any(id_field(n, sorted(_field_names(doc, schema))) for n in names):
        return False
    for key, prop in sw.merged_properties(doc, schema).items():
        node = merged(doc, prop) or {}
        if not (node.get("type") == "array" or "items" in node or PAGING_FIELD.search(key)):
            return False  # a field of a record (contract-p.fit's api-key `token`, `user`)
    listed = sorted(_field_names(doc, schema, listing=True))
    return any(id_field(n, listed) for n in names)


def _answers_body(doc: Json, operation: Json) -> bool:
    """Whether an operation's lowest 2xx (else its `default`) documents a body (any
    `content`)."""
    got = sw.ok_response(doc, operation)
    if got is None:
        fallback = ((operation or {}).get("responses") or {}).get("default")
        return bool((sw.resolve(doc, fallback) or {}).get("content"))
    return bool(got[1].get("content"))


def _field_names(doc: Json, schema: Json, listing: bool = False) -> set[str]:
    """The property names of a record schema and of an object it wraps the record in (as
    `_documents_id` reads them); with `listing`, of a list answer's records (the items of
    the bare array, or of the wrapper's arrays) -- never of arrays inside a record."""
    node = merged(doc, schema)
    if not isinstance(node, dict):
        return set()
    if listing:
        if node.get("type") == "array" or "items" in node:
            return _field_names(doc, node.get("items"))
        props = [merged(doc, v) for v in sw.merged_properties(doc, node).values()]
        arrays = [
            p.get("items")
            for p in props
            if isinstance(p, dict) and (p.get("type") == "array" or "items" in p)
        ]
        return set().union(*(_field_names(doc, items) for items in arrays))
    props = sw.merged_properties(doc, node)
    names = set(props)
    for prop in props.values():
        names |= set(sw.merged_properties(doc, prop))
    return names


def answered_id(answer: Answer, param: str) -> str | None:
    """A created record's id for item parameter `param`, from the answer's body (the
    record, an object wrapping it, or a bare string/integer: the id itself, as in
    Magento's `POST /V1/taxClasses`) or its Location header."""
    created = answer.json()
    if isinstance(created, str | int) and not isinstance(created, bool) and created != "":
        return _text(created)
    for record in (created, *(_values_of(created))):
        found = id_of(record, param)
        if found is not None:
            return found
    location = answer.headers.get("Location")
    if location:
        return urlsplit(location).path.rstrip("/").rpartition("/")[2]
    return None


#: (the record's id property or None, the id's value or None) of a write.
RecordId = tuple[str | None, str | None]


def _with_id(doc: Json, schema: Json, value: Any, record_id: RecordId | None) -> Any:
    """`value` (a body made for `schema`) holding the record's id as the server's: its id
    property left out, unless `schema` requires it -- then set to the id's value (typed
    for the property's schema) when there is one, else the made-up value kept."""
    key, known = record_id or (None, None)
    if key is None or not isinstance(value, dict) or key not in value:
        return value
    whole = merged(doc, schema) or {}
    if key not in (whole.get("required") or []):
        return {k: v for k, v in value.items() if k != key}
    if known is None:
        return value
    prop = (whole.get("properties") or {}).get(key, {})
    typed: list[Any] = [known]
    if re.fullmatch(r"-?\d+", known):
        typed.insert(0, int(known))
    return {**value, key: next((t for t in typed if fits(doc, prop, t)), known)}


def _not_required(doc: Json, node: Json, flag: str, depth: int = 0) -> Json:
    """A copy of `node` whose schemas' `required` lists leave out properties marked `flag`."""
    if depth > 200:
        return node
    if isinstance(node, list):
        return [_not_required(doc, v, flag, depth + 1) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _not_required(doc, v, flag, depth + 1) for k, v in node.items()}
    required, props = node.get("required"), node.get("properties")
    if isinstance(required, list) and isinstance(props, dict):
        flagged = {
            name
            for name, prop in props.items()
            if isinstance(sw.resolve(doc, prop), dict) and sw.resolve(doc, prop).get(flag) is True
        }
        out["required"] = [r for r in required if r not in flagged]
        if not out["required"]:
            del out["required"]
    return out


def _patterns_meant(node: Json, depth: int = 0) -> Json:
    """A copy of `node` whose string `pattern`s read as their authors meant them
    (`sw.pattern_meant`), the same reading the harness's values are made with."""
    if depth > 200:
        return node
    if isinstance(node, list):
        return [_patterns_meant(v, depth + 1) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _patterns_meant(v, depth + 1) for k, v in node.items()}
    if isinstance(out.get("pattern"), str):
        out["pattern"] = sw.pattern_meant(out["pattern"])
    return out


def _form_schemas_as_json(doc: Json) -> None:
    """Every request body taking a form and no JSON also takes JSON of the same schema (in
    place: `doc` is the validator's own copy), for `Body.judged`."""
    for _path, _method, _item, operation in sw.operations(doc):
        body = sw.resolve(doc, operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or any(sw.is_json(m) for m in content):
            continue
        form = next((m for m in content if sw.is_form(m) and isinstance(content[m], dict)), None)
        if form is not None:
            content["application/json"] = {"schema": content[form].get("schema", {})}


def _pointer(key: str) -> str:
    """`key` as a JSON Pointer segment (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _media_types(node: Any, depth: int = 0) -> Iterator[str]:
    """Every media type named in a `content` map anywhere in the document."""
    if depth > 40:
        return
    if isinstance(node, dict):
        content = node.get("content")
        if isinstance(content, dict):
            yield from (str(k) for k in content)
        for value in node.values():
            yield from _media_types(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _media_types(value, depth + 1)


def _flagged(doc: Json, node: Any, flag: str) -> bool:
    """Whether a property's schema (its ``$ref`` followed, allOf parts merged) says
    ``flag`` (``readOnly``, ``writeOnly``)."""
    resolved = merged(doc, node) if isinstance(node, dict) else node
    return isinstance(resolved, dict) and bool(resolved.get(flag))


def _kept(sent: Any, readable: set[str] | None, id_key: str | None = None) -> Any:
    """What of a sent object the read answer can hold: the fields its schema declares
    (a field written but never answered, like an idempotency token, is not compared),
    never the record's id property `id_key` (the server's to give)."""
    if not isinstance(sent, dict):
        return sent
    return {k: v for k, v in sent.items() if k != id_key and (readable is None or k in readable)}


def _values_of(body: Any) -> list[Any]:
    return list(body.values()) if isinstance(body, dict) else []


def _unwrap(read: Any, sent: Any) -> tuple[Any, str | None]:
    """`read`, or the one object inside it that holds more of what was sent (`{data:
    {...}}`; apideck's `{status_code, status, data: {...}}` wraps a record that has a
    `status` of its own), with the wrapper's field holding it (None: `read` itself)."""
    if not isinstance(read, dict) or not isinstance(sent, dict) or not sent:
        return read, None
    inner = [(k, v) for k, v in read.items() if isinstance(v, dict)]
    if len(inner) != 1:
        return read, None
    field, record = inner[0]
    if sum(k in record for k in sent) > sum(k in read for k in sent):
        return record, field
    return read, None


def _unflagged(doc: Json, sent: Any, schemas: list[Json | None], depth: int = 0) -> Any:
    """`sent` without the fields any of `schemas` (at the same place) marks readOnly (the
    server's) or writeOnly (never answered), at every depth (ably's
    `push.recipient.clientId`)."""
    if depth > 40:
        return sent
    nodes = [merged(doc, s) for s in schemas if isinstance(s, dict)]
    nodes = [n for n in nodes if isinstance(n, dict)]
    if isinstance(sent, list):
        items = [n.get("items") for n in nodes]
        return [_unflagged(doc, v, items, depth + 1) for v in sent]
    if not isinstance(sent, dict):
        return sent
    props = [sw.merged_properties(doc, n) for n in nodes]
    out: dict[str, Any] = {}
    for key, value in sent.items():
        subs = [p.get(key) for p in props]
        if any(_flagged(doc, sub, flag) for sub in subs for flag in ("readOnly", "writeOnly")):
            continue
        out[key] = _unflagged(doc, value, subs, depth + 1)
    return out


def _schema_at(doc: Json, schema: Json | None, at: tuple[str | int, ...]) -> Json | None:
    """The schema `schema` gives the value at `at` (keys and indexes), or None where it
    does not say."""
    node: Any = schema
    for step in at:
        whole = merged(doc, node) if isinstance(node, dict) else None
        if not isinstance(whole, dict):
            return None
        node = (
            whole.get("items")
            if isinstance(step, int)
            else sw.merged_properties(doc, whole).get(step)
        )
    return node if isinstance(node, dict) else None


def _value_at(value: Any, at: tuple[str | int, ...]) -> Any:
    for step in at:
        value = value[step]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _exc_cause(exc: BaseException) -> str:
    """One line naming what went wrong, with the first schema error openapi-core found."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    cause = getattr(exc, "__cause__", None)
    if cause is not None and not first:
        return _exc_cause(cause)
    found = f"{type(exc).__name__}: {first[:240]}"
    while cause is not None:
        errors = getattr(cause, "schema_errors", None)
        if errors:
            error = errors[0]
            where = "/".join(str(p) for p in getattr(error, "absolute_path", []))
            return f"{found} [{where or 'root'}: {str(getattr(error, 'message', error))[:160]}]"
        cause = getattr(cause, "__cause__", None)
    return found


def probe(path: Path, emit: Emit) -> None:
    """Every event of one spec, then a `done` event."""
    one = Probe(path, emit)
    if one.start():
        try:
            one.gets()
            one.round_trips()
        finally:
            one.stop()
    else:
        for template, method, _i, _o in sw.operations(one.doc):
            if method == "get" and "#" not in template and "?" not in template:
                emit({"kind": "get", "path": template, "ok": False, "cause": "spec did not start"})
        for coll in sw.collections(one.doc):
            emit(
                {
                    "kind": "collection",
                    "path": coll.path,
                    "ok": False,
                    "cause": "spec did not start",
                }
            )
    emit({"kind": "done"})
