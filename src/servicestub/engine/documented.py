"""What a collection's operations document answering, and records that meet it.

A real server answers a create with more than the client wrote: the fields it
owns (``assistantArn``, a ``status``, nested parts of its own). A spec says so
only by the answer's schema, so the engine reads, per action, what its
operation documents on success (:class:`Answer`: the status, the media type,
the schema of the record it holds) and completes every record it stores
against all of them (:class:`Completion`): each required property missing is
drawn from its schema (:func:`~servicestub.engine.fabricate.fabricate`,
deterministic from the collection path and the record's id), in nested objects
and arrays too, and a value of a shape no answer allows is drawn anew. What the
client wrote and the answers allow is kept as written.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Iterable
from typing import Any

from servicestub.core.shapes import Json, Record
from servicestub.engine.fabricate import Context, FabricateError, Fabricator
from servicestub.engine.model import CollectionModel, merged_all_of
from servicestub.engine.seeding import rng_for
from servicestub.specs import resolve

#: The status each action answers when its operation documents it (or nothing).
USUAL_STATUS = {"list": 200, "get": 200, "update": 200, "replace": 200}
#: How deep ``allOf`` members are merged and records walked (a schema nests in itself).
MAX_DEPTH = 24
#: The media type answered where the operation documents none.
JSON_MEDIA = "application/json"


def is_json(media: str) -> bool:
    """Whether ``media`` is a JSON media type (``application/json``, ``*+json``)."""
    base = media.split(";")[0].strip().lower()
    return base == JSON_MEDIA or base.endswith("+json") or base.endswith("/json")


@dataclasses.dataclass(frozen=True)
class Answer:
    """What an action's operation documents answering on success."""

    #: The documented 2xx statuses, in the spec's order (``()``: none numeric).
    statuses: tuple[int, ...]
    #: The status answered when the engine has no other reason to choose.
    status: int
    #: The media type answered (``None``: no content documented).
    media: str | None
    #: The schema of the record the answer holds (unwrapped), if documented.
    record: Json | None
    #: The whole answer's schema (a list's envelope, a wrapper), if documented.
    whole: Json | None = None
    #: The answer of each other documented success status, by status.
    others: dict[int, Answer] = dataclasses.field(default_factory=dict)

    def at(self, status: int) -> Answer:
        """What is answered with ``status`` (one :meth:`status_for` gave)."""
        return self.others.get(status, self)

    @functools.cached_property
    def scalar(self) -> bool:
        """Whether the answer documents a record that is no object (its id alone)."""
        return self.record is not None and not is_object_schema(self.record)

    @property
    def ranged(self) -> bool:
        """Whether the media type documented is a range (``*/*``): a body goes out in
        it as JSON (``application/json``), as a generated answer does."""
        return is_range(self.media)

    def status_for(self, given: int | None) -> int:
        """``given`` when documented (or nothing numeric is), else the documented one."""
        if given is not None and (not self.statuses or given in self.statuses):
            return given
        return self.status


class Schemas:
    """Schemas of one spec's components: ``$ref``s followed, ``allOf`` merged."""

    def __init__(self, components: Json) -> None:
        self.document: Json = {"components": components}

    def resolve(self, node: Any) -> Any:
        try:
            return resolve(self.document, node)
        except (KeyError, TypeError, ValueError, IndexError):
            return {}

    def flat(self, node: Any, depth: int = 0) -> Record:
        """``node`` resolved with its ``allOf`` members' properties and ``required``
        joined (the node's own keywords over theirs)."""
        node = self.resolve(node)
        if not isinstance(node, dict):
            return {}
        members = node.get("allOf")
        if not isinstance(members, list) or depth >= MAX_DEPTH:
            return dict(node)
        return merged_all_of(node, members, lambda member: self.flat(member, depth + 1))


#: Media ranges a spec documents an answer in (``*/*``): the engine answers JSON in them.
WILDCARDS = frozenset({"*/*", "application/*"})


def is_range(media: str | None) -> bool:
    """Whether ``media`` is a media range (``*/*``, ``application/*``), not a type."""
    return media is not None and media.split(";")[0].strip().lower() in WILDCARDS


def _chosen_media(content: Any) -> str | None:
    """The media type answered for ``content``: JSON when documented, else the first
    (its entry in ``content`` holds the schema)."""
    if not isinstance(content, dict) or not content:
        return None
    media: str = next((m for m in content if is_json(m)), None) or next(
        (m for m in content if is_range(m)), next(iter(content))
    )
    return media


def documented_answers(model: CollectionModel, schemas: Schemas) -> dict[str, Answer]:
    """Action -> what its operation documents answering (:class:`Answer`)."""
    usual = {**USUAL_STATUS, "create": model.created_status, "delete": model.deleted_status}
    answers = {}
    for action, responses in model.responses.items():
        codes = [str(code) for code in responses or {}]
        statuses = tuple(int(c) for c in codes if c.isdigit() and c.startswith("2"))
        status = usual.get(action, 200)
        if statuses and status not in statuses:
            status = statuses[0]
        answer = _answer_at(model, schemas, action, responses or {}, statuses, status)
        # Each other success status answers as it documents (a PUT that answers 200
        # with nothing, and 201 with the record it created).
        others = {
            other: _answer_at(model, schemas, action, responses or {}, statuses, other)
            for other in statuses
            if other != status
        }
        answers[action] = dataclasses.replace(answer, others=others)
    return answers


def _answer_at(
    model: CollectionModel,
    schemas: Schemas,
    action: str,
    responses: Json,
    statuses: tuple[int, ...],
    status: int,
) -> Answer:
    """What ``action``'s ``responses`` document answering with ``status``."""
    response = schemas.resolve(responses.get(str(status)))
    if not isinstance(response, dict) and not statuses:
        # a range (``2XX``) documents every success status, ``default`` any other
        ranged = next((c for c in map(str, responses) if c.upper() == "2XX"), "default")
        response = schemas.resolve(responses.get(ranged))
    content = response.get("content") if isinstance(response, dict) else None
    media = _chosen_media(content) if status != 204 else None
    if media is None and status != 204 and not statuses and not content:
        media = JSON_MEDIA  # nothing documented: the engine's own answer
    schema = None
    if media is not None and isinstance(content, dict):
        entry = schemas.resolve(content.get(media))
        if isinstance(entry, dict) and "schema" in entry:
            schema = schemas.flat(entry["schema"])
    whole = schema
    wrapper = model.wrappers.get(action)
    if schema is not None and wrapper is not None:
        schema = schemas.flat((schema.get("properties") or {}).get(wrapper))
    if schema is not None and action == "list":
        schema = _listed(schema, model, schemas)
    return Answer(statuses, status, media, schema, whole)


def _listed(schema: Record, model: CollectionModel, schemas: Schemas) -> Json | None:
    """The schema of one listed record in a list answer's ``schema``."""
    if schema.get("type") == "array" or "items" in schema:
        return schemas.flat(schema.get("items"))
    envelope = model.envelope
    if envelope is None or envelope.bare:
        return None
    array = schemas.flat((schema.get("properties") or {}).get(envelope.items))
    return schemas.flat(array.get("items")) if array else None


def is_object_schema(schema: Json) -> bool:
    """Whether ``schema`` (flattened) describes an object with named properties."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    return isinstance(schema, dict) and kind in ("object", None) and bool(schema.get("properties"))


class Completion:
    """Completes the records of one collection against the schemas its answers
    document (the item schema first): see the module's docstring."""

    def __init__(self, model: CollectionModel, schemas: Schemas, records: Iterable[Json]) -> None:
        self.model = model
        self.schemas = schemas
        self.fabricator = Fabricator(schemas.document, Context(view="read"))
        seen: list[Json] = []
        for schema in records:
            flat = schemas.flat(schema)
            if is_object_schema(flat) and flat not in seen:
                seen.append(flat)
        #: The distinct object schemas a stored record is answered as.
        self.records: tuple[Json, ...] = tuple(seen)
        #: Top-level fields never drawn anew: the id and the scope's values.
        self.pinned = frozenset({model.id_field, *model.scope_fields.values()})

    @functools.cached_property
    def hides_nested(self) -> bool:
        """Whether an object inside a record has a ``writeOnly`` property (the
        ``clientId`` of Ably's ``push.recipient``): never answered (:meth:`shown`)."""
        seen: set[str] = set()

        def hides(raw: Json, depth: int) -> bool:
            ref = raw.get("$ref") if isinstance(raw, dict) else None
            if isinstance(ref, str):
                if ref in seen:
                    return False
                seen.add(ref)
            schema = self.schemas.flat(raw)
            if depth > MAX_DEPTH:
                return False
            props = schema.get("properties") or {}
            if depth > 0 and any(self.schemas.flat(p).get("writeOnly") for p in props.values()):
                return True
            children = [*props.values(), schema.get("items")]
            return any(hides(child, depth + 1) for child in children if isinstance(child, dict))

        return bool(self.records) and hides(self.records[0], 0)

    def shown(self, record: Record) -> Record:
        """``record`` as answered: without the ``writeOnly`` properties of the objects
        inside it (a copy; the record itself where none can be)."""
        if not self.hides_nested:
            return record
        shown: Record = self._shown(record, self.records[0], 0)
        return shown

    def _shown(self, value: Json, raw: Json, depth: int) -> Json:
        schema = self.schemas.flat(raw)
        if depth > MAX_DEPTH:
            return value
        if isinstance(value, dict):
            props = schema.get("properties") or {}
            return {
                key: self._shown(item, props[key], depth + 1) if key in props else item
                for key, item in value.items()
                if not (
                    depth > 0 and key in props and self.schemas.flat(props[key]).get("writeOnly")
                )
            }
        if isinstance(value, list) and isinstance(schema.get("items"), dict):
            return [self._shown(item, schema["items"], depth + 1) for item in value]
        return value

    def complete(self, record: Record, *, redraw: bool = True) -> Record:
        """``record`` with what each answer schema requires (in place, and returned).

        ``redraw=False`` only adds what is missing and keeps every value present as
        it is (valid or not): what a patch left out is completed, what the client
        wrote stays for the schema to judge (:meth:`Collection._patched`)."""
        uid = record.get(self.model.id_field)
        rng = rng_for(0, "complete", self.model.path, str(uid))
        for schema in self.records:
            for name in self.model.id_names:  # the id, by the name its path gives it
                if name in (schema.get("properties") or {}) and uid is not None:
                    record.setdefault(name, uid)
            self._object(record, schema, rng, 0, self.pinned, redraw)
            if redraw:  # exactly one oneOf branch holds (a patch's values are the client's)
                record.update(self.fabricator.one_branch(record, schema))
        return record

    def around(self, body: Record, schema: Json, kept: Iterable[str]) -> Record:
        """``body`` (an answer around records: a list's page) with what ``schema``
        requires of it; the properties ``kept`` (the records, the paging) as they are."""
        flat = self.schemas.flat(schema)
        if not is_object_schema(flat):
            return body
        pinned = frozenset(kept)
        properties = flat.get("properties") or {}
        if all(name in body for name in flat.get("required") or ()) and all(
            name in pinned or name not in body for name in properties
        ):
            return body  # nothing missing, nothing to complete (most pages): no draw
        self._object(body, flat, rng_for(0, "around", self.model.path), 0, pinned)
        return body

    def _draw(self, schema: Json, rng: random.Random, name: str | None) -> tuple[bool, Json]:
        try:
            return True, self.fabricator.value(schema, rng, name)
        except FabricateError:
            return False, None

    def _object(
        self,
        value: Record,
        schema: Record,
        rng: random.Random,
        depth: int,
        pinned: frozenset[str],
        redraw: bool = True,
    ) -> None:
        properties = schema.get("properties") or {}
        for name in schema.get("required") or ():
            prop = self.schemas.flat(properties.get(name, {}))
            if name in value or prop.get("writeOnly"):
                continue
            drawn, found = self._draw(properties.get(name, {}), rng, name)
            if drawn:
                value[name] = found
        for name, raw in properties.items():
            if name in value and name not in pinned:
                value[name] = self._value(value[name], raw, rng, depth + 1, name, redraw)

    def _value(
        self, value: Json, raw: Json, rng: random.Random, depth: int, name: str, redraw: bool
    ) -> Json:
        """``value`` completed against ``raw``, or drawn anew (with ``redraw``) when
        no completion makes it valid (a value of another shape)."""
        if depth > MAX_DEPTH:
            return value
        schema = self.schemas.flat(raw)
        if isinstance(value, dict) and is_object_schema(schema):
            self._object(value, schema, rng, depth, frozenset(), redraw)
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            items = schema["items"]
            value = [self._value(item, items, rng, depth + 1, name, redraw) for item in value]
        if not redraw or self.fabricator.valid(value, raw):
            return value
        drawn, found = self._draw(raw, rng, name)
        return found if drawn else value


def completion_for(model: CollectionModel, answers: dict[str, Answer] | None = None) -> Completion:
    """The :class:`Completion` of ``model``'s records: against its item schema and
    the record of every answer (``answers``, else read from ``model``)."""
    schemas = Schemas(model.components)
    found = documented_answers(model, schemas) if answers is None else answers
    every = [one for answer in found.values() for one in (answer, *answer.others.values())]
    answered = [answer.record for answer in every if answer.record]
    return Completion(model, schemas, [model.item_schema, *answered])
