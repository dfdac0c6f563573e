"""What an operation that is no collection's answers: read from its spec alone.

Nothing here speaks HTTP. :func:`plan_operation` reads, once at start-up, which
response an operation answers and, for each media type it documents, where the
body comes from; :func:`answer` makes one body for a request, deterministic for
``(seed, operation, path)``: the same request answers the same bytes.

The rules:

* the **status** is the first documented success: ``200``, ``201``, ``202``,
  ``204``, any other ``2xx`` in order, ``2XX`` (answered as 200), and
  ``default`` only when no success is documented (answered as 200);
* the **media types** are that response's, JSON first (``application/json``,
  then any ``*/*+json``, then the rest in the spec's order) — the handler picks
  one by ``Accept``;
* the **body** of a JSON media type is, in order: the media type's ``example``,
  its first ``examples`` entry (``$ref`` to ``components/examples`` followed,
  ``externalValue`` skipped), the schema's ``example``, ``examples``, ``default``,
  else drawn from the schema by :mod:`servicestub.engine.fabricate` (view
  ``read``: no ``writeOnly`` property). An example that does not validate
  against its schema is never used (an answer always validates);
* a **text** media type (``text/*``, XML and any other non-JSON type) answers
  an example that is a string, else a string drawn for the schema when it is a
  string schema, else a drawn word; a **binary** one (``format: binary``,
  ``application/octet-stream``, ``image/*``, ``audio/*``, ``video/*``) a few
  deterministic bytes;
* **headers** the response documents as ``required`` get a value drawn from
  their schema (or example);
* a body that cannot be drawn in the media type asked for is drawn in another
  the response documents; when none can be, the answer is a problem with the
  first client error status the operation documents (else 422) saying so -
  never a 5xx for a legal request.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from servicestub.core.errors import StatusProblem
from servicestub.core.shapes import Json, Record
from servicestub.engine.fabricate import Context, FabricateError, Fabricator
from servicestub.engine.seeding import rng_for
from servicestub.specs import own_operation_id, resolve

Kind = Literal["json", "text", "binary"]

#: Success statuses in the order they are preferred.
_PREFERRED = ("200", "201", "202", "204")
#: How many bytes a binary answer holds.
BINARY_SIZE = 16
#: How many times a drawn value that does not validate is drawn again.
DRAWS = 8

_JSON = re.compile(r"[^/]+/([^;]+\+)?json(;.*)?", re.IGNORECASE)
_BINARY_TYPES = ("application/octet-stream", "application/pdf", "application/zip")
_BINARY_PREFIXES = ("image/", "audio/", "video/", "font/")
_MISSING: Any = object()
#: The media type answered for a range of them (``image/*``) the spec documents.
_FOR_RANGE = {
    "application": "application/octet-stream",
    "text": "text/plain",
    "image": "image/png",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "font": "font/woff2",
}


def answered_media_type(documented: str, kind: Kind) -> str:
    """The ``Content-Type`` of an answer in the ``documented`` media type: itself,
    or for a range (``*/*``, ``application/*``, ``image/*``) a media type inside
    it - an answer's ``Content-Type`` is a media type, never a range (RFC 9110,
    8.3): ``application/json`` for a JSON body, else the range's common type
    (``text/plain``, ``image/png``, ``application/octet-stream``)."""
    essence, _, rest = documented.partition(";")
    kind_part, _, subtype = essence.strip().lower().partition("/")
    if subtype != "*":
        return documented
    if kind == "json" and kind_part in ("*", "application"):
        concrete = "application/json"
    elif kind_part == "*":
        concrete = "text/plain" if kind == "text" else "application/octet-stream"
    else:
        concrete = _FOR_RANGE.get(kind_part, f"{kind_part}/octet-stream")
    return f"{concrete};{rest}" if rest else concrete


@dataclasses.dataclass(frozen=True)
class MediaPlan:
    """Where the body of one media type of an answer comes from."""

    media_type: str
    kind: Kind
    schema: Json
    #: The example answered (``_MISSING`` when the body is drawn from the schema).
    example: Json = _MISSING
    #: Where the example was found (``example``, ``examples.one``,
    #: ``schema example``, ``schema default``); ``None``: drawn from the schema.
    source: str | None = None
    #: Examples found but not used, each with why.
    refused: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Plan:
    """What an operation answers: its status, its media types (JSON first), the
    required headers (name -> schema)."""

    operation_id: str
    status: int
    #: The spec's key of the response answered (``200``, ``2XX``, ``default``).
    documented: str
    media: tuple[MediaPlan, ...]
    headers: Mapping[str, Json]
    #: The status answered when no body of the success can be made: the first
    #: client error the operation documents, else 422 (never a 5xx: the request
    #: was legal, the spec's schema admits nothing the mock can draw).
    refusal: int = 422

    @property
    def offers(self) -> tuple[str, ...]:
        return tuple(media.media_type for media in self.media)

    def describe(self) -> str:
        """How the answer is made, as a person reads it (``inspect``)."""
        if not self.media:
            return f"{self.status} without a body"
        first = self.media[0]
        if first.kind != "json":
            made = f"a {first.kind} body" + (f" from {first.source}" if first.source else "")
        elif first.source is not None:
            made = f"its {first.source}"
        else:
            made = "generated from its schema"
        refused = f" (not used: {'; '.join(first.refused)})" if first.refused else ""
        return f"{self.status} {first.media_type}, {made}{refused}"


@dataclasses.dataclass(frozen=True)
class Answer:
    """One answer: status, media type (``None``: no body), body and headers."""

    status: int
    media_type: str | None
    body: bytes | str | Json
    headers: dict[str, str]
    kind: Kind = "json"


def success(document: Json, operation: Json) -> tuple[str, Record] | None:
    """``(status key, response)`` of the success the operation answers, or ``None``
    when it documents no response at all."""
    responses: Record = operation.get("responses") or {}
    keys = [str(key) for key in responses]
    explicit = sorted(k for k in keys if len(k) == 3 and k.startswith("2") and k.isdigit())
    order = [k for k in _PREFERRED if k in keys] + [k for k in explicit if k not in _PREFERRED]
    order += [k for k in keys if k.upper() == "2XX"] + [k for k in keys if k == "default"]
    for key in order:
        found = next(value for name, value in responses.items() if str(name) == key)
        return key, resolve(document, found)
    return None


def _status(key: str) -> int:
    return int(key) if key.isdigit() else 200


def kind_of(media_type: str, schema: Json) -> Kind:
    """How a body of ``media_type`` with ``schema`` is answered."""
    lowered = media_type.lower()
    if isinstance(schema, dict) and schema.get("format") == "binary":
        return "binary"
    if _JSON.fullmatch(lowered) or lowered in ("*/*", "application/*"):
        return "json"
    if lowered in _BINARY_TYPES or lowered.startswith(_BINARY_PREFIXES):
        return "binary"
    return "text"


def _json_first(content: Record) -> list[str]:
    names = list(content)
    return sorted(
        names,
        key=lambda n: 0 if n.lower() == "application/json" else 1 if _JSON.fullmatch(n) else 2,
    )


def _candidates(document: Json, media: Record, schema: Json) -> list[tuple[str, Json]]:
    """The examples of a media type in the order they are tried."""
    found: list[tuple[str, Json]] = []
    if "example" in media:
        found.append(("example", media["example"]))
    examples = media.get("examples")
    if isinstance(examples, dict):
        for name, entry in examples.items():
            try:
                entry = resolve(document, entry)
            except (KeyError, TypeError, ValueError):
                continue
            if isinstance(entry, dict) and "value" in entry:
                found.append((f"examples.{name}", entry["value"]))
    try:
        flat = resolve(document, schema)
    except (KeyError, TypeError, ValueError):
        flat = {}
    if isinstance(flat, dict):
        if "example" in flat:
            found.append(("schema example", flat["example"]))
        if isinstance(flat.get("examples"), list):
            found += [("schema examples", value) for value in flat["examples"]]
        if "default" in flat:
            found.append(("schema default", flat["default"]))
    return found


def _media_plan(
    fabricator: Fabricator, document: Json, media_type: str, media: Record
) -> MediaPlan:
    schema: Json = media.get("schema") if isinstance(media.get("schema"), dict) else {}
    kind = kind_of(media_type, _flat(document, schema))
    refused: list[str] = []
    for source, value in _candidates(document, media, schema):
        if kind == "binary":
            break
        if kind == "text" and not isinstance(value, str):
            refused.append(f"{source} is not a string")
            continue
        if kind == "json" or _is_string_schema(_flat(document, schema)):
            if not fabricator.valid(value, schema):
                refused.append(f"{source} does not validate against its schema")
                continue
            if kind == "json" and _holds_write_only(fabricator, value, schema):
                refused.append(f"{source} holds a writeOnly property")
                continue
        return MediaPlan(media_type, kind, schema, value, source, tuple(refused))
    return MediaPlan(media_type, kind, schema, refused=tuple(refused))


def _flat(document: Json, schema: Json) -> Json:
    try:
        return resolve(document, schema)
    except (KeyError, TypeError, ValueError):
        return {}


def _is_string_schema(schema: Json) -> bool:
    return isinstance(schema, dict) and schema.get("type", "string") == "string"


def _holds_write_only(fabricator: Fabricator, value: Json, schema: Json, depth: int = 0) -> bool:
    """``value`` has a property its schema marks ``writeOnly`` (never answered)."""
    if depth > 32 or not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        try:
            schema = fabricator.resolve(schema["$ref"])
        except FabricateError:
            return False
        return _holds_write_only(fabricator, value, schema, depth + 1)
    members = [m for key in ("allOf", "oneOf", "anyOf") for m in schema.get(key) or ()]
    if any(_holds_write_only(fabricator, value, member, depth + 1) for member in members):
        return True
    if isinstance(value, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name not in value or not isinstance(sub, dict):
                continue
            flat = sub
            if "$ref" in sub:
                try:
                    flat = fabricator.resolve(sub["$ref"])
                except FabricateError:
                    continue
            if isinstance(flat, dict) and flat.get("writeOnly"):
                return True
            if _holds_write_only(fabricator, value[name], sub, depth + 1):
                return True
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return any(_holds_write_only(fabricator, v, schema["items"], depth + 1) for v in value)
    return False


def plan_operation(
    document: Json, operation_id: str, operation: Json, fabricator: Fabricator | None = None
) -> Plan:
    """How ``operation`` (of ``document``) is answered (see the module's docstring)."""
    fabricator = fabricator or Fabricator(document, Context(view="read"))
    found = success(document, operation)
    if found is None:
        return Plan(operation_id, 204, "", (), {})
    key, response = found
    content: Record = response.get("content") or {}
    media = tuple(
        _media_plan(fabricator, document, name, resolve(document, content[name]) or {})
        for name in _json_first(content)
    )
    headers = required_headers(document, response)
    status = _status(key)
    documented = sorted(str(k) for k in operation.get("responses") or {})
    refusal = next((int(k) for k in documented if k.isdigit() and k.startswith("4")), 422)
    return Plan(operation_id, status, key, () if status == 204 else media, headers, refusal)


def plan_document(document: Json, operation_ids: Mapping[str, Json]) -> dict[str, Plan]:
    """``operationId -> Plan`` of each operation of ``operation_ids`` (operationId ->
    operation), one fabricator shared (its validators are kept)."""
    fabricator = Fabricator(document, Context(view="read"))
    return {
        operation_id: plan_operation(document, operation_id, operation, fabricator)
        for operation_id, operation in operation_ids.items()
    }


@dataclasses.dataclass
class Answerer:
    """Makes the answers of one spec's planned operations."""

    document: Json
    plans: dict[str, Plan]
    #: Where the spec is mounted: answers are drawn for the path below it.
    base_path: str = ""

    def answer(
        self, operation_id: str, media_type: str | None, seed: int, now: datetime, path: str
    ) -> Answer:
        """The answer of ``operation_id`` in ``media_type`` (one of its plan's
        offers; ``None`` or unknown: the first) for the request to ``path``,
        the same for the same ``seed``, reference time ``now`` and path - whatever
        the file is named or where it is mounted (the draw takes the spec's own
        operationId, not the ``<api>.`` prefix it is served under, and the path
        below the mount)."""
        plan = self.plans[operation_id]
        own_id = own_operation_id(operation_id)
        below = path.removeprefix(self.base_path) if path.startswith(self.base_path) else path
        rng = rng_for(seed, "answer", own_id, below)
        fabricator = Fabricator(self.document, Context(now=now, view="read", seed=seed))
        headers = header_values(fabricator, plan.headers, rng)
        if not plan.media:
            return Answer(plan.status, None, b"", headers)
        chosen = next((m for m in plan.media if m.media_type == media_type), plan.media[0])
        failures = []
        for media in (chosen, *(m for m in plan.media if m is not chosen)):
            try:
                body = self._body(fabricator, media, rng)
            except FabricateError as error:  # another documented media type may do
                failures.append(f"{media.media_type}: {error}")
                continue
            answered = answered_media_type(media.media_type, media.kind)
            return Answer(plan.status, answered, body, headers, media.kind)
        raise StatusProblem(
            plan.refusal,
            f"The spec documents no {plan.status} answer of {own_id} the mock can make "
            f"({'; '.join(failures)}); give the response an example, or loosen its schema.",
        )

    def _body(self, fabricator: Fabricator, media: MediaPlan, rng: Any) -> bytes | Json:
        """A body of ``media``: its bytes, its example, else one drawn from its schema."""
        if media.kind == "binary":
            return rng.randbytes(BINARY_SIZE)
        if media.example is not _MISSING:
            return media.example
        if media.kind == "text":
            flat = _flat(self.document, media.schema)
            schema = media.schema if _is_string_schema(flat) else {"type": "string"}
            return _drawn(fabricator, schema, rng)
        return _drawn(fabricator, media.schema, rng)


def _drawn(fabricator: Fabricator, schema: Json, rng: Any) -> Json:
    """A value for ``schema`` that validates against it (drawn again a few times
    when one does not); a schema no value can be drawn for raises FabricateError."""
    value = fabricator.value(schema, rng)
    for _ in range(DRAWS):
        if fabricator.valid(value, schema):
            break
        value = fabricator.value(schema, rng)
    return value


def required_headers(document: Json, response: Json) -> dict[str, Record]:
    """The headers ``response`` (of ``document``) documents as ``required``: name ->
    header object, ``$ref``s followed; ``Content-Type`` is the body's own, never one."""
    found: dict[str, Record] = {}
    response = _flat(document, response)  # a $ref to components/responses followed
    if not isinstance(response, dict):
        return found
    for name, header in (response.get("headers") or {}).items():
        header = _flat(document, header)
        if isinstance(header, dict) and header.get("required") and name.lower() != "content-type":
            found[str(name)] = header
    return found


def header_schema(header: Record) -> Json:
    """The schema of a header: its ``schema``, else its ``content``'s first one."""
    if isinstance(header.get("schema"), dict):
        return header["schema"]
    for media in (header.get("content") or {}).values():
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            return media["schema"]
    return {"type": "string"}


def _sent_value(fabricator: Fabricator, text: str, schema: Json) -> Json:
    """``text`` (a header the request sent) read as ``schema``'s kind, or ``_MISSING``
    when it does not meet the schema."""
    readings: list[Json] = [text]
    for kind in (int, float):
        with contextlib.suppress(ValueError):
            readings.append(kind(text))
    return next((value for value in readings if fabricator.valid(value, schema)), _MISSING)


def header_values(
    fabricator: Fabricator,
    headers: Mapping[str, Record],
    rng: Any,
    sent: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A value for each header of ``headers`` (name -> header object) meeting its
    schema, deterministic for ``rng``: the request's own header of that name when
    it sent one that meets the schema (an ``X-Request-ID`` echoed), else the
    header's example when valid, else one drawn from its schema (a schema nothing
    can be drawn for: ``x``)."""
    values: dict[str, str] = {}
    sent = sent or {}
    for name, header in headers.items():
        schema = header_schema(header)
        echoed = sent.get(name.lower())
        value = _MISSING if echoed is None else _sent_value(fabricator, echoed, schema)
        if (
            value is _MISSING
            and "example" in header
            and fabricator.valid(header["example"], schema)
        ):
            value = header["example"]
        if value is _MISSING:
            try:
                value = _drawn(fabricator, schema, rng)
            except FabricateError:
                value = "x"
        values[name] = _text(value)
    return values


def _text(value: Json) -> str:
    """A value as a header carries it (OpenAPI ``style: simple``, not exploded)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)
