"""Media types: ``Content-Type`` checks and ``Accept`` negotiation for every
operation (RFC 9110, sections 8.3 and 12.5.1).

Media types compare case-insensitively (type, subtype and parameter names);
whitespace around the parts and parameters such as ``charset=UTF-8`` do not
change what a type is. :class:`MediaTypeMiddleware` applies both checks to
every routed operation with what its spec documents, and hands the request on
with its ``Content-Type`` in one canonical spelling (``application/json``), so
that everything after it (connexion's validator lookup and body parsing, which
compare case-sensitively) sees the type the client meant.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from servicestub.core.errors import NotAcceptable, UnsupportedMediaType
from servicestub.core.memo import KeptWhenShort
from servicestub.middleware.operations import routed_operation_id, spec_operation_id
from servicestub.middleware.wire import header, header_list
from servicestub.specs import APIS, PARSED_SPECS_KEPT, ApiSpec, operations, resolve

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_MEDIA_TYPE = re.compile(rf"[ \t]*({_TOKEN})/({_TOKEN})[ \t]*((?:;.*)?)", re.DOTALL)
_PARAMETER = re.compile(rf"[ \t]*;[ \t]*(?:({_TOKEN})=({_TOKEN}|{_QUOTED}))?[ \t]*")
_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")

#: The scope key of the media type :class:`MediaTypeMiddleware` chose for the answer.
NEGOTIATED_KEY = "servicestub.media_type"
#: How many media types (and ``Accept`` values with the offers chosen from) keep
#: their parse (their choice): clients send any, so the caches are bounded in
#: number, and in length (a longer value is worked out each time).
MEDIA_KEPT = 512
MEDIA_KEPT_LENGTH = 256


@dataclasses.dataclass(frozen=True)
class MediaType:
    """A media type (or an ``Accept`` range) with its names in lower case."""

    type: str
    subtype: str
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def essence(self) -> str:
        """``type/subtype``, without parameters."""
        return f"{self.type}/{self.subtype}"

    def parameter(self, name: str) -> str | None:
        """The value of parameter ``name`` (names compare case-insensitively)."""
        return next((value for key, value in self.parameters if key == name), None)


def _parse_media_type(text: str) -> MediaType | None:
    """``text`` as a media type, or ``None`` when it is not one."""
    match = _MEDIA_TYPE.fullmatch(text)
    if match is None:
        return None
    parameters = []
    rest = match[3]
    while rest:
        found = _PARAMETER.match(rest)
        if found is None:
            return None
        if found[1]:
            value = found[2]
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            parameters.append((found[1].lower(), value))
        rest = rest[found.end() :]
    return MediaType(match[1].lower(), match[2].lower(), tuple(parameters))


#: :func:`_parse_media_type`, a short text's answer kept (a :class:`MediaType` is immutable).
parse_media_type = KeptWhenShort(_parse_media_type, MEDIA_KEPT, MEDIA_KEPT_LENGTH)
_kept_media_type = parse_media_type.kept


def _split_list(header: str) -> list[str]:
    """The members of a comma-separated header, commas inside quoted strings kept."""
    return [part for part in re.findall(rf'(?:{_QUOTED}|[^,"])+', header) if part.strip()]


def _ranges(accept: str) -> list[tuple[MediaType, float]]:
    """The media ranges of an ``Accept`` value with their weights; members that
    are not media ranges, or whose ``q`` is not a qvalue, are left out."""
    ranges = []
    for part in _split_list(accept):
        media = parse_media_type(part)
        if media is None:
            continue
        weight = media.parameter("q")
        if weight is None:
            ranges.append((media, 1.0))
        elif _QVALUE.fullmatch(weight):
            ranges.append((media, float(weight)))
    return ranges


def _specificity(media_range: MediaType, offer: MediaType) -> int | None:
    """How closely ``media_range`` matches ``offer`` (2 exactly, 1 ``type/*``,
    0 ``*/*``), or ``None`` when it does not."""
    if media_range.essence == offer.essence:
        return 2
    if media_range.subtype == "*" and media_range.type in ("*", offer.type):
        return 0 if media_range.type == "*" else 1
    return None


def is_json(media: MediaType) -> bool:
    """Whether ``media`` is JSON: ``application/json`` or a ``+json`` suffix
    (RFC 6839, 3.1) - ``application/x-ndjson`` is not one document of JSON."""
    return media.subtype in ("json", "x-json") or media.subtype.endswith("+json")


def _agreeing(documented: MediaType, sent: MediaType) -> int | None:
    """How many parameters ``documented`` and ``sent`` both state alike, or
    ``None`` when both state one with different values (values compare
    case-sensitively, a ``charset``'s name does not: RFC 9110, 8.3.2)."""
    theirs = dict(sent.parameters)
    alike = 0
    for name, value in documented.parameters:
        if name == "q" or name not in theirs:
            continue
        other = theirs[name]
        if name == "charset":
            value, other = value.lower(), other.lower()
        if value != other:
            return None
        alike += 1
    return alike


def documented_key(media_type: str, keys: Iterable[str]) -> str | None:
    """The key of a ``content`` map (as the spec spells it) under which a body of
    ``media_type`` (a request's or an answer's ``Content-Type``) is documented,
    or ``None``: names compare case-insensitively, parameters do not change the
    type unless both state one with different values (``application/json``
    is documented by ``application/json; charset=utf-8``), and a range key
    (``image/*``, ``*/*``) documents every type inside it. The most specific key
    wins (RFC 9110, 12.5.1): the type itself with the most agreeing parameters,
    then ``type/*``, then ``*/*``."""
    sent = parse_media_type(media_type)
    if sent is None:
        return None
    best: tuple[int, int] | None = None
    chosen = None
    for key in keys:
        documented = parse_media_type(key)
        if documented is None:
            continue
        specificity = _specificity(documented, sent)
        alike = _agreeing(documented, sent) if specificity is not None else None
        if specificity is None or alike is None:
            continue
        if best is None or (specificity, alike) > best:
            best, chosen = (specificity, alike), key
    return chosen


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most; the first offer when it sends no
    ``Accept``; ``None`` when it accepts none of them (406)."""
    if not accept or not accept.strip():
        return offers[0]
    return _choices(accept, offers)


def _choice(accept: str, offers: Sequence[str]) -> str | None:
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        wanted = parse_media_type(offer)
        assert wanted is not None, offer
        matches = [
            (spec, quality)
            for media, quality in ranges
            if (spec := _specificity(media, wanted)) is not None
        ]
        if not matches:
            continue
        specificity, quality = max(matches)  # the most specific range decides
        if quality <= 0:
            continue
        score = (quality, specificity, -position)
        if best is None or score > best:
            best, chosen = score, offer
    return chosen


#: :func:`_choice`, a short ``Accept``'s choice among offers given as a tuple kept.
_choices = KeptWhenShort(_choice, MEDIA_KEPT, MEDIA_KEPT_LENGTH)
_kept_choice = _choices.kept


@dataclasses.dataclass(frozen=True)
class OperationMedia:
    """What an operation documents: the media types its request body may be
    sent as (none: it takes no body), those of its successful answers (none:
    they carry no body, so there is nothing to negotiate), and the media types
    of each documented response (its key as the spec writes it -> them)."""

    consumes: tuple[str, ...]
    offers: tuple[str, ...]
    answers: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    #: :meth:`answered` per status asked (the statuses handlers answer: a few).
    _answered: dict[int, tuple[str, ...] | None] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def answered(self, status: int) -> tuple[str, ...] | None:
        """The media types documented for an answer of ``status``: its own
        response's, else its class's (``2XX``), else ``default``'s; ``None``
        when the operation documents nothing for it."""
        if status in self._answered:
            return self._answered[status]
        key = documented_status(self.answers, status)
        found = self._answered[status] = None if key is None else self.answers[key]
        return found


def documented_status(keys: Iterable[Any], status: int | str) -> Any:
    """The key of a ``responses`` map (as the spec spells it) documenting an
    answer of ``status``: its own, else its class's (``2XX``, any case), else
    ``default``'s; ``None`` when there is none (a key read from YAML may be an int)."""
    by_key = {str(key).upper(): key for key in keys}
    wanted = str(status)
    for key in (wanted, f"{wanted[:1]}XX", "DEFAULT"):
        if key in by_key:
            return by_key[key]
    return None


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def operation_media(apis: tuple[ApiSpec, ...] = APIS) -> dict[str, OperationMedia]:
    """``operationId -> OperationMedia`` for every operation of the specs served."""
    table = {}
    for document, _path, _method, operation in operations(apis):
        body = resolve(document, operation.get("requestBody", {}))
        offers: dict[str, None] = {}
        answers: dict[str, tuple[str, ...]] = {}
        for status, response in operation["responses"].items():
            content = tuple(resolve(document, response).get("content") or {})
            answers[str(status)] = content
            if str(status).startswith("2"):
                offers |= dict.fromkeys(content)
        table[operation["operationId"]] = OperationMedia(
            tuple(body.get("content", {})), tuple(offers), answers
        )
    return table


def _parsed(media_types: Sequence[str]) -> list[MediaType]:
    return [media for media in map(parse_media_type, media_types) if media is not None]


def _one_of(media_types: Sequence[str]) -> str:
    return " or ".join(media_types)


def content_type_problem(scope: Scope, consumes: Sequence[str]) -> UnsupportedMediaType | None:
    """Why the request's body may not be taken as sent, or ``None`` when it may."""
    raw = scope["headers"]
    values = header_list(raw, b"content-type")
    sends_body = (header(raw, b"content-length") or "0") not in ("", "0") or (
        header(raw, b"transfer-encoding") is not None
    )
    send = f"send it as {_one_of(consumes)}, e.g. 'Content-Type: {consumes[0]}'"
    if not values:
        if sends_body:
            return UnsupportedMediaType(f"The request has a body but no Content-Type; {send}.")
        return None
    if len(values) > 1:
        return UnsupportedMediaType(f"The request has {len(values)} Content-Type headers; {send}.")
    media = parse_media_type(values[0])
    if media is None:
        return UnsupportedMediaType(f"The Content-Type is not a media type; {send}.")
    if not any(_specificity(accepted, media) is not None for accepted in _parsed(consumes)):
        return UnsupportedMediaType(f"This operation does not take {media.essence}; {send}.")
    charset = media.parameter("charset")
    if charset is not None and charset.lower() != "utf-8":
        return UnsupportedMediaType(
            f"Bodies are read as UTF-8, not {charset}; send 'Content-Type: {consumes[0]}' "
            "(charset=utf-8 or none)."
        )
    return None


def _canonical_content_type(scope: Scope) -> Scope:
    """``scope`` with its ``Content-Type`` spelled ``type/subtype`` in lower case."""
    headers = []
    for name, value in scope["headers"]:
        if name.lower() == b"content-type":
            media = parse_media_type(value.decode("latin-1"))
            if media is not None:
                # A multipart body is read by its boundary: that parameter stays.
                boundary = media.parameter("boundary")
                kept = f'; boundary="{boundary}"' if boundary is not None else ""
                value = (media.essence + kept).encode("latin-1")
        headers.append((name, value))
    return {**scope, "headers": headers}


class MediaTypeMiddleware:
    """After routing: a body of a type the operation does not take is a 415, an
    ``Accept`` that admits none of the operation's answers is a 406 (errors are
    ``application/problem+json`` whatever the ``Accept``), and the chosen media
    type is left in the scope under :data:`NEGOTIATED_KEY` for the handler."""

    def __init__(self, app: ASGIApp, apis: tuple[ApiSpec, ...] = APIS) -> None:
        self.app = app
        self.media = operation_media(apis)

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether ``operation_id`` (as connexion resolved it) documents media types."""
        return spec_operation_id(operation_id) in self.media

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        operation_id = routed_operation_id(scope)
        media = self.media.get(operation_id) if operation_id else None
        if media is None:
            return self.app(scope, receive, send)
        if media.consumes:
            if (problem := content_type_problem(scope, media.consumes)) is not None:
                raise problem
            scope = _canonical_content_type(scope)
        if media.offers:
            accept = ", ".join(header_list(scope["headers"], b"accept"))
            chosen = choose(accept, media.offers)
            if chosen is None:
                raise NotAcceptable(
                    "The request's Accept admits none of what this operation answers "
                    f"({', '.join(media.offers)}); send 'Accept: {media.offers[0]}' (or */*)."
                )
            scope[NEGOTIATED_KEY] = chosen
        return self.app(scope, receive, send)
