"""Deterministic values for OpenAPI schemas: records that look like a live business,
for a spec the engine has never seen.

:func:`fabricate` draws one value for an OpenAPI 3.0 schema (3.1 type lists and
numeric ``exclusive*`` too) from a :class:`random.Random`: the same generator state
gives the same value. :func:`fabricate_records` draws the records of one
collection in one scope from ``(seed, collection path, scope values)``, so what a
collection holds does not depend on which collections were used first.

The rules, in the order a schema meets them:

* ``$ref`` is followed (siblings merged over it, as 3.1 allows). A schema that
  nests in itself more than :attr:`Context.depth` times is drawn *minimal* from
  there on: optional properties left out, arrays at ``minItems``, nullable values
  null, strings at ``minLength``, the branch of a ``oneOf`` that does not recurse
  preferred; a schema that can never end raises :class:`FabricateError`.
* ``allOf`` members are merged (properties merged, ``required`` joined, the
  tighter bound kept); a ``oneOf``/``anyOf`` branch is merged with the rest of
  its schema. The branch is chosen by the generator; for ``oneOf`` a value that
  also validates against another branch is drawn again. With a ``discriminator``
  the chosen branch's mapping value (or its schema name) is set.
* ``const``, then ``example``/``examples`` (with probability
  :attr:`Context.examples`, only those that validate; an object's example is
  lent to its properties as theirs, so records differ), then ``nullable`` / a
  ``null`` type (:attr:`Context.nulls`), ``enum``, ``default``
  (:attr:`Context.defaults`), then the ``type``: strings by ``format``, by
  ``pattern`` (see :class:`Pattern`), by the property's name (:data:`NAMED`), or
  words; numbers within ``minimum``/``maximum``/``exclusive*``/``multipleOf``;
  arrays within ``minItems``/``maxItems``/``uniqueItems``; objects with every
  required property and each optional one with probability :attr:`Context.optional`,
  a few ``additionalProperties`` when it is a schema, ``minProperties`` met.
* ``readOnly``/``writeOnly`` by :attr:`Context.view`: ``"stored"`` (a record as
  held: both), ``"read"`` (as answered: no ``writeOnly``) or ``"write"`` (a
  request body: no ``readOnly``).

Date-times are RFC 3339 UTC before :attr:`Context.now` (the reference time),
never the wall clock. ``not``, ``patternProperties`` and ``prefixItems`` are not
drawn for (a value may then miss them).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import ipaddress
import itertools
import math
import random
import re
import re._parser as regex_parser  # pinned by tests/engine/test_fabricate.py
import string
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import orjson

from servicestub.core.json_schema import components_of, draft4
from servicestub.core.settings import DEFAULT_REFERENCE_TIME
from servicestub.core.shapes import Json, Record
from servicestub.engine.model import CollectionModel
from servicestub.engine.seeding import derive_seed, epoch, iso_at, rng_for

View = Literal["stored", "read", "write"]

#: How far a recursive schema nests in itself before only what is required is drawn.
DEFAULT_DEPTH = 2
#: Nesting beyond which a schema is taken never to end (a required self-reference).
HARD_DEPTH = 64
#: The most items, characters, properties or regex repeats one value may need,
#: and the most values one draw makes: a schema asking for more (``minItems:
#: 100000000``) is refused with a FabricateError instead of a start-up that never ends.
MAX_SIZE = 10_000
MAX_VALUES = 200_000
#: How many ``$ref``s, distinct or not, a value may nest in before it is drawn minimal:
#: a spec whose schemas all refer to each other (an object expandable into any other)
#: nests without repeating one and would draw a record of millions of values.
MAX_NESTING = 4
#: How many times a value that misses a constraint is drawn again.
ATTEMPTS = 24
#: How many values each pool of realistic values holds.
POOL_SIZE = 64
#: Where a wide range of numbers is mostly drawn (:meth:`_Draw.near`).
NEAR = 9999
#: How many validators compiled for examples, ``oneOf`` branches and completed
#: records are kept (shared by every fabricator of every spec).
VALIDATORS_KEPT = 256


class FabricateError(ValueError):
    """No value can be drawn for a schema (contradictory or endless); says which."""


@dataclasses.dataclass(frozen=True)
class Context:
    """How values are drawn (everything but the generator)."""

    #: The reference time: every date and date-time drawn lies before it.
    now: datetime = DEFAULT_REFERENCE_TIME
    #: Which of ``readOnly``/``writeOnly`` properties a drawn object holds.
    view: View = "stored"
    #: The seed of the pools of realistic values (names, cities, ...).
    seed: int = 0
    #: How many times one ``$ref`` may nest in itself before values turn minimal.
    depth: int = DEFAULT_DEPTH
    #: The chance that an optional property is present.
    optional: float = 0.7
    #: The chance that a nullable value is null.
    nulls: float = 0.1
    #: The chance that a schema's (valid) example is used rather than drawn anew.
    examples: float = 0.5
    #: The chance that a schema's ``default`` is used.
    defaults: float = 0.25
    #: How far back dates and date-times go.
    span: timedelta = timedelta(days=730)


# -- patterns -----------------------------------------------------------------

_PRINTABLE = "".join(chr(c) for c in range(32, 127))
_WORD = string.ascii_letters + string.digits + "_"
_CATEGORIES = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_WORD": _WORD,
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "".join(c for c in _PRINTABLE if c not in string.digits),
    "CATEGORY_NOT_WORD": "".join(c for c in _PRINTABLE if c not in _WORD),
    "CATEGORY_NOT_SPACE": _PRINTABLE.replace(" ", ""),
}
#: How many repetitions past its minimum an unbounded quantifier (``*``, ``+``) draws.
REPEAT_SLACK = 8


class Pattern:
    """Strings matching a regular expression, drawn from its parse tree.

    The tree is the standard library's (``re._parser``, Python 3.11-3.13; the
    tests pin its shape). Characters are printable ASCII; literals, classes and
    their negations, ``.``, categories (``\\d\\w\\s`` and negations), groups,
    alternation, every quantifier and back-references are drawn; anchors draw
    nothing and lookarounds are left to the check: each string drawn is checked
    with :func:`re.search` (JSON Schema patterns are not anchored) and drawn again
    when it misses.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        ascii_pattern = ascii_properties(pattern)
        try:
            self._compiled = re.compile(ascii_pattern)
            self._tree = regex_parser.parse(ascii_pattern)
        except re.error as error:
            raise FabricateError(f"the pattern {pattern!r} cannot be drawn from: {error}") from None

    def matches(self, text: str) -> bool:
        return self._compiled.search(text) is not None

    def draw(self, rng: random.Random, low: int = 0, high: int | None = None) -> str:
        """A string matching the pattern whose length is within ``low..high``."""
        # Unbounded quantifiers repeat ``stretch`` to ``stretch + slack`` times past
        # their minimum: stretched while the strings come out short, shrunk while long.
        stretch, slack = 0, REPEAT_SLACK
        for _ in range(ATTEMPTS):
            groups: dict[int, str] = {}
            text = self._sequence(self._tree, rng, (stretch, slack), groups)
            if len(text) < low:
                stretch = max(1, stretch * 2)
                padded = self._padded(text, rng, low, high)
                if padded is not None:
                    return padded
            elif high is not None and len(text) > high:
                stretch, slack = stretch // 2, slack // 2
            if _fits(text, low, high) and self._compiled.search(text):
                return text
        raise FabricateError(
            f"No string of length {low}..{high if high is not None else ''} matching "
            f"{self.pattern!r} was found in {ATTEMPTS} draws; loosen the pattern or the lengths."
        )

    def _padded(self, text: str, rng: random.Random, low: int, high: int | None) -> str | None:
        """``text`` (a match too short for ``low``) lengthened to ``low`` by more
        matches after it, else before it: a pattern is searched for, not matched
        whole (JSON Schema, ``pattern``), so ``[A-z0-9]`` holds for 24 characters
        too - unless it is anchored at both ends. ``None`` when neither holds."""
        if not text:
            return None
        more = text
        while len(more) < low + len(text):
            more += self._sequence(self._tree, rng, (0, REPEAT_SLACK), {}) or text
        size = low if high is None else min(max(low, len(text)), high)
        for candidate in (more[:size], more[-size:]):
            if len(candidate) == size and self._compiled.search(candidate):
                return candidate
        return None

    def _sequence(
        self, items: Any, rng: random.Random, reach: tuple[int, int], groups: dict[int, str]
    ) -> str:
        return "".join(self._item(op, arg, rng, reach, groups) for op, arg in items)

    def _item(
        self, op: Any, arg: Any, rng: random.Random, reach: tuple[int, int], groups: dict[int, str]
    ) -> str:
        name = str(op)
        if name == "LITERAL":
            return chr(arg)
        if name == "NOT_LITERAL":
            return rng.choice(_PRINTABLE.replace(chr(arg), ""))
        if name == "ANY":
            return rng.choice(_PRINTABLE)
        if name == "IN":
            return rng.choice(_character_set(arg))
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            if low > MAX_SIZE:
                raise FabricateError(
                    f"The pattern repeats a part at least {low} times; a mock value holds at "
                    f"most {MAX_SIZE}."
                )
            if high == regex_parser.MAXREPEAT:
                stretch, slack = reach
                count = rng.randint(low + stretch, low + stretch + slack)
            else:
                count = rng.randint(low, high)
            return "".join(self._sequence(sub, rng, reach, groups) for _ in range(count))
        if name == "SUBPATTERN":
            group, _add, _delete, sub = arg
            text = self._sequence(sub, rng, reach, groups)
            if group is not None:
                groups[group] = text
            return text
        if name == "ATOMIC_GROUP":
            return self._sequence(arg, rng, reach, groups)
        if name == "BRANCH":
            return self._sequence(rng.choice(arg[1]), rng, reach, groups)
        if name == "GROUPREF":
            return groups.get(arg, "")
        if name == "CATEGORY":
            return rng.choice(_CATEGORIES[str(arg)])
        return ""  # anchors and lookarounds draw nothing; the final check judges


def _character_set(items: Sequence[tuple[Any, Any]]) -> str:
    chosen: set[str] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chosen.add(chr(arg))
        elif name == "RANGE":
            chosen.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            chosen.update(_CATEGORIES[str(arg)])
    if negate:
        return "".join(c for c in _PRINTABLE if c not in chosen)
    ascii_only = "".join(sorted(c for c in chosen if c in _PRINTABLE))
    return ascii_only or "".join(sorted(chosen))


#: The ASCII characters of the Unicode properties specs use (``\\p{L}``), which
#: Python's ``re`` does not read: what is drawn is ASCII, and ASCII letters are
#: letters, so a string drawn from the ASCII class matches the property too.
_PROPERTY_CLASSES = {
    "L": "a-zA-Z",
    "Letter": "a-zA-Z",
    "Lu": "A-Z",
    "Ll": "a-z",
    "Alpha": "a-zA-Z",
    "N": "0-9",
    "Nd": "0-9",
    "Number": "0-9",
    "Digit": "0-9",
    "Z": " ",
    "Zs": " ",
    "Space": " ",
    "White_Space": " ",
    "P": "!-#%-*,-/:;?@\\[-\\]_{}",
    "Punct": "!-#%-*,-/:;?@\\[-\\]_{}",
    "S": "$+<->^`|~",
    "Alnum": "a-zA-Z0-9",
    "ASCII": " -~",
    "Any": " -~",
}
_PROPERTY = re.compile(r"\\p\{([A-Za-z_]+)\}|\\p([A-Za-z])")


def ascii_properties(pattern: str) -> str:
    """``pattern`` with each Unicode property escape (``\\p{L}``, ``\\pN``) read
    as the ASCII characters it holds (inside a class: its ranges; outside: a class
    of them). A property not known here, or ``\\P`` (its negation), is left as it
    is, which ``re`` then refuses (:class:`FabricateError`)."""
    if "\\p" not in pattern:
        return pattern
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        found = _PROPERTY.match(pattern, index)
        if found and (chars := _PROPERTY_CLASSES.get(found.group(1) or found.group(2))):
            out.append(chars if in_class else f"[{chars}]")
            index = found.end()
            continue
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def pattern(text: str) -> Pattern:
    """The :class:`Pattern` of ``text``, parsed once."""
    return Pattern(text)


# -- realistic values by property name ----------------------------------------


def _key(name: str) -> str:
    return name.replace("_", "").replace("-", "").casefold()


#: Property name (lower case, without ``_``/``-``) -> the pool a plain string is drawn from.
NAMED: dict[str, str] = {
    **dict.fromkeys(("firstname", "givenname"), "first_name"),
    **dict.fromkeys(("lastname", "surname", "familyname"), "last_name"),
    **dict.fromkeys(("name", "fullname", "customername", "contactname"), "name"),
    **dict.fromkeys(("username", "login"), "user_name"),
    **dict.fromkeys(("email", "emailaddress", "mail"), "email"),
    **dict.fromkeys(("phone", "phonenumber", "telephone", "mobile"), "phone"),
    **dict.fromkeys(("city", "town"), "city"),
    **dict.fromkeys(("street", "streetaddress", "addressline1", "address1"), "street"),
    **dict.fromkeys(("postalcode", "postcode", "zip", "zipcode"), "postcode"),
    "country": "country",
    "countrycode": "country_code",
    **dict.fromkeys(("company", "companyname", "organization", "organisation"), "company"),
    "title": "title",
    **dict.fromkeys(("description", "comment", "message", "note", "notes", "summary"), "text"),
    **dict.fromkeys(("url", "website", "homepage", "link"), "url"),
    **dict.fromkeys(("currency", "currencycode"), "currency"),
    **dict.fromkeys(("color", "colour"), "color"),
}
#: Name endings that name a pool too (``customerEmail``, ``homePhone``, ``avatarUrl``).
NAMED_SUFFIXES = (("email", "email"), ("phone", "phone"), ("url", "url"), ("city", "city"))
#: Number properties by name: money (two decimals) or a small count.
NAMED_NUMBERS: dict[str, str] = {
    **dict.fromkeys(("price", "unitprice", "amount", "total", "subtotal", "cost"), "money"),
    **dict.fromkeys(("quantity", "qty"), "count"),
}

_POOLS: dict[str, Callable[[Any], str]] = {
    "first_name": lambda f: f.first_name(),
    "last_name": lambda f: f.last_name(),
    "name": lambda f: f.name(),
    "user_name": lambda f: f.user_name(),
    "email": lambda f: f.safe_email(),
    "phone": lambda f: f.phone_number(),
    "city": lambda f: f.city(),
    "street": lambda f: f.street_address(),
    "postcode": lambda f: f.postcode(),
    "country": lambda f: f.country(),
    "country_code": lambda f: f.country_code(),
    "company": lambda f: f.company(),
    "title": lambda f: f.sentence(nb_words=4).rstrip("."),
    "text": lambda f: f.sentence(nb_words=8),
    "url": lambda f: f.url(),
    "currency": lambda f: f.currency_code(),
    "color": lambda f: f.hex_color(),
    "word": lambda f: f.word(),
    "hostname": lambda f: f.domain_name(),
}


@functools.lru_cache(maxsize=4)
def pools(seed: int) -> dict[str, tuple[str, ...]]:
    """:data:`POOL_SIZE` realistic values of each kind for ``seed``, made with Faker
    once (drawing from a pool is far faster than calling Faker per value)."""
    from faker import Faker  # third-party, and only when a realistic value is wanted

    fake = Faker("en_US")
    fake.seed_instance(derive_seed(seed, "fabricate", "pools"))
    return {kind: tuple(make(fake) for _ in range(POOL_SIZE)) for kind, make in _POOLS.items()}


def named_pool(name: str | None) -> str | None:
    """The pool a plain string property called ``name`` is drawn from (:data:`NAMED`)."""
    if not name:
        return None
    key = _key(name)
    if key in NAMED:
        return NAMED[key]
    for suffix, kind in NAMED_SUFFIXES:
        if key.endswith(suffix):
            return kind
    if len(name) > 2 and name.endswith("At") and name[-3].islower():
        return "timestamp"  # createdAt, updatedAt, deletedAt
    return None


# -- schemas ------------------------------------------------------------------

_BRANCHES = frozenset({"oneOf", "anyOf"})
#: Values of each JSON type, one of which a typed property's schema refuses.
_OFF_TYPE: tuple[Json, ...] = ("", 0, False, [], {})


def _type_of(node: Record) -> str | None:
    """The type a schema's keywords imply when it names none."""
    if "properties" in node or "additionalProperties" in node or "required" in node:
        return "object"
    if "items" in node or "minItems" in node or "maxItems" in node:
        return "array"
    if {"pattern", "minLength", "maxLength", "format"} & node.keys():
        return "string"
    if {"minimum", "maximum", "multipleOf"} & node.keys():
        return "number"
    return None


def _merge(into: Record, other: Record) -> None:
    """``other`` merged into ``into`` as ``allOf`` combines them (the tighter bound wins)."""
    for key, value in other.items():
        if key not in into:
            into[key] = value
        elif key == "properties":
            merged = dict(into[key])
            for name, schema in value.items():
                merged[name] = {"allOf": [merged[name], schema]} if name in merged else schema
            into[key] = merged
        elif key == "required":
            into[key] = [*into[key], *(n for n in value if n not in into[key])]
        elif key in ("minimum", "minLength", "minItems", "minProperties"):
            into[key] = max(into[key], value)
        elif key in ("maximum", "maxLength", "maxItems", "maxProperties"):
            into[key] = min(into[key], value)
        elif key == "type":
            into[key] = _same_type(into[key], value)
        elif key == "enum":
            into[key] = [v for v in into[key] if v in value]
        elif key == "nullable":
            into[key] = into[key] and value
        elif key in ("readOnly", "writeOnly", "uniqueItems"):
            into[key] = into[key] or value
        elif key == "additionalProperties" and value is False:
            into[key] = False
        elif key == "allOf":
            into[key] = [*into[key], *value]
        # Anything else: the first member's word stands.


def _admits_null(node: Record) -> bool:
    """Whether a flattened schema, validated on its own as OpenAPI 3.0 reads it,
    takes ``null``: it is ``nullable`` or states no type (an ``enum`` without
    ``null`` takes none either way)."""
    if "enum" in node and None not in node["enum"]:
        return False
    return node.get("nullable") is True or not ({"type", "enum"} & node.keys())


#: Marks a schema written ``nullable`` that OpenAPI 3.0 validators read as not
#: (``{allOf: [$ref], nullable: true}``): null is drawn for it only where nothing
#: else ends a recursion.
NULL_LAST = "x-servicestub-null-last"


def _nullable_as_read(merged: Record, members: list[Record]) -> None:
    """``merged`` (a schema combined from ``members``) nullable only when null
    validates against every member (openapi-core reads ``nullable`` per schema,
    and checks each ``allOf`` member and a ``$ref``'s target on its own);
    written nullable but not read so, it takes null as a last resort."""
    admitted = all(_admits_null(member) for member in members)
    merged["nullable"] = admitted
    if not admitted:
        merged[NULL_LAST] = True


def _same_type(one: Json, other: Json) -> Json:
    """The types both ``allOf`` members admit (an integer is a number too)."""
    first = set(one) if isinstance(one, list) else {one}
    second = set(other) if isinstance(other, list) else {other}

    def admits(types: set[str], kind: str) -> bool:
        return kind in types or (kind == "integer" and "number" in types)

    both = {t for t in first | second if admits(first, t) and admits(second, t)}
    if not both:
        raise FabricateError(f"An allOf asks for type {one!r} and {other!r}: no value is both.")
    return sorted(both) if len(both) > 1 else next(iter(both))


def _close(merged: Record, members: list[Record]) -> None:
    """Apply each member's ``additionalProperties`` to the properties the others add:
    every member validates on its own, so a closed one (``false``) admits none of
    them and a schema one holds them to that schema."""
    extras = [m["additionalProperties"] for m in members if "additionalProperties" in m]
    if not extras or "properties" not in merged:
        return
    properties = dict(merged["properties"])
    for member in members:
        extra = member.get("additionalProperties")
        named = member.get("properties") or {}
        for name in [n for n in properties if n not in named]:
            if extra is False:
                if name in merged.get("required", ()):
                    raise FabricateError(
                        f"An allOf requires {name!r}, which a member with "
                        "additionalProperties: false does not name: no value satisfies it."
                    )
                del properties[name]
            elif isinstance(extra, dict) and extra:
                properties[name] = {"allOf": [properties[name], extra]}
    merged["properties"] = properties
    if False in extras:
        merged["additionalProperties"] = False
    elif len(schemas := [e for e in extras if isinstance(e, dict) and e]) > 1:
        merged["additionalProperties"] = {"allOf": schemas}


def _lent(node: Record, example: Record) -> Record:
    """An object schema whose properties take ``example``'s values as their examples
    (so records drawn from one example still differ)."""
    properties = {
        name: {"allOf": [schema], "example": example[name]} if name in example else schema
        for name, schema in node["properties"].items()
    }
    bare = {k: v for k, v in node.items() if k not in ("example", "examples")}
    return {**bare, "properties": properties}


def _fits(text: str, low: int, high: int | None) -> bool:
    return low <= len(text) and (high is None or len(text) <= high)


def _canonical(value: Json) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


class _Unchecked:
    """Stands for a validator where a schema cannot be compiled."""

    def is_valid(self, _value: Json) -> bool:
        return True


_UNCHECKED = _Unchecked()


#: ``(id of a spec's converted components, schema) -> (those components, validator)``,
#: most recent last: shared by every :class:`Fabricator` of a spec (each collection,
#: each record completed draws with its own, and compiling is the dear part: a big
#: spec compiled thousands at start-up). The components are held so that their id
#: cannot be reused while an entry is kept.
_VALIDATORS: OrderedDict[tuple[int, bytes], tuple[Json, Any]] = OrderedDict()


def _validator(schema: Json, components: Json) -> Any:
    """The draft 4 validator of ``schema`` under ``components`` (compiled once;
    a schema that does not compile so, 3.1 words, is taken as met: unchecked)."""
    key = (id(components), _canonical(schema))
    found = _VALIDATORS.get(key)
    if found is not None:
        _VALIDATORS.move_to_end(key)
        return found[1]
    validator = draft4(schema, components) or _UNCHECKED
    _VALIDATORS[key] = (components, validator)
    if len(_VALIDATORS) > VALIDATORS_KEPT:
        _VALIDATORS.popitem(last=False)
    return validator


class Fabricator:
    """Draws values for the schemas of one document (its ``$ref`` targets) in one
    :class:`Context`; holds what is worth keeping between values (validators)."""

    def __init__(self, document: Json | None = None, context: Context | None = None) -> None:
        self.document: Json = document or {}
        self.context = context or Context()
        self._components = components_of(self.document)

    def value(self, schema: Json, rng: random.Random, name: str | None = None) -> Json:
        """One value for ``schema`` (``name``: the property it is for, if any)."""
        try:
            return _Draw(self, rng).value(schema, name)
        except (OverflowError, RecursionError) as error:  # numbers past floats, endless refs
            raise FabricateError(f"No value can be drawn for this schema ({error}).") from None

    def resolve(self, ref: str) -> Json:
        """The node a local ``$ref`` points at."""
        if ref != "#" and not ref.startswith("#/"):
            raise FabricateError(f"Only local references are followed, not {ref!r}.")
        target: Json = self.document
        for part in ref[2:].split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            try:
                target = target[int(part) if isinstance(target, list) else part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise FabricateError(f"{ref!r} points at nothing in the document.") from None
        return target

    def one_branch(self, value: Json, schema: Json) -> Json:
        """``value`` made to validate against exactly one branch of the ``oneOf`` of
        ``schema`` where it validates against several and one can be told apart
        (see ``_Draw.separated``); else ``value`` itself."""
        draw = _Draw(self, random.Random(0))
        try:
            flat = draw.flatten(schema)
        except FabricateError:
            return value
        branches = flat.get("oneOf")
        if not isinstance(branches, list):
            return value
        held = [b for b in branches if self.valid(value, b)]
        for index, chosen in enumerate(held if len(held) > 1 else ()):
            others = [b for i, b in enumerate(held) if i != index]
            separate = draw.separated(value, chosen, others)
            if separate is not None:
                return separate
        return value

    def valid(self, value: Json, schema: Json) -> bool:
        """``value`` validates against ``schema`` (as the mock's request validation reads
        OpenAPI: ``core.json_schema``, draft 4, formats checked; a schema that does not
        compile so is taken as met)."""
        return bool(_validator(schema, self._components).is_valid(value))


class _Draw:
    """One draw: the generator and the ``$ref``s being drawn, outermost first."""

    def __init__(self, fabricator: Fabricator, rng: random.Random) -> None:
        self.fab = fabricator
        self.context = fabricator.context
        self.rng = rng
        self.refs: list[str] = []
        #: Values drawn so far (bounded by :data:`MAX_VALUES`).
        self.drawn = 0
        #: ids of document schemas whose branches are being drawn (their own
        #: ``oneOf`` is not drawn again when a branch refers back to them).
        self.choosing: set[int] = set()

    @property
    def minimal(self) -> bool:
        if len(self.refs) > MAX_NESTING:
            return True
        return any(self.refs.count(ref) > self.context.depth for ref in set(self.refs))

    def chance(self, probability: float) -> bool:
        return not self.minimal and self.rng.random() < probability

    # -- structure ----------------------------------------------------------

    def flatten(self, node: Json, via: list[str] | None = None) -> Record:
        """``node`` with its ``$ref`` followed and ``allOf`` merged (one level of
        the schema, its properties left as they are); the ``$ref``s followed are
        added to ``via``."""
        if node is True or node is None:
            return {}
        if node is False:
            raise FabricateError("A schema of `false` admits no value.")
        if not isinstance(node, dict):
            raise FabricateError(f"{node!r} is not a schema.")
        if "$ref" in node:
            ref = node["$ref"]
            if len(self.refs) > HARD_DEPTH:
                raise FabricateError(
                    f"{ref} requires itself without end; make the recursion optional or nullable."
                )
            target = self.fab.resolve(ref)
            self.refs.append(ref)
            try:
                flat = self.flatten(target, via)
            finally:
                self.refs.pop()
            if via is not None:
                via.append(ref)
            if id(target) in self.choosing:
                flat = {k: v for k, v in flat.items() if k not in _BRANCHES}
            merged = {k: v for k, v in node.items() if k != "$ref"}
            _merge(merged, flat)
            if (
                node.get("nullable") is True
            ):  # a sibling of $ref: 3.0 validators read the target only
                _nullable_as_read(merged, [flat])
            return merged
        if "allOf" not in node:
            return node
        outer = {k: v for k, v in node.items() if k != "allOf"}
        members = [outer, *(self.flatten(member, via) for member in node["allOf"])]
        merged = dict(outer)
        for member in members[1:]:
            _merge(merged, member)
        _close(merged, members)
        if any(member.get("nullable") is True for member in members):
            _nullable_as_read(merged, members)
        if "allOf" in merged:  # a member's own allOf, merged by a second pass
            return self.flatten(merged, via)
        return merged

    @contextlib.contextmanager
    def inside(self, node: Json) -> Iterator[Record]:
        """``node`` flattened, its ``$ref``s counted as being drawn while inside."""
        via: list[str] = []
        flat = self.flatten(node, via)
        self.refs.extend(via)
        try:
            yield flat
        finally:
            del self.refs[len(self.refs) - len(via) :]

    def value(self, node: Json, name: str | None) -> Json:
        self.drawn += 1
        if self.drawn > MAX_VALUES:
            raise FabricateError(
                f"The schema asks for more than {MAX_VALUES} values in one record; "
                "lower its minItems/minProperties."
            )
        ref = node.get("$ref") if isinstance(node, dict) else None
        with self.inside(node) as flat:
            if _BRANCHES & flat.keys():
                target = self.fab.resolve(ref) if ref is not None else node
                return self.branch(flat, target, name)
            found = self.plain(flat, name)
            if isinstance(found, dict) and isinstance(flat.get("discriminator"), dict):
                self.discriminate(found, flat, ref)
            return found

    def branch(self, flat: Record, target: Json, name: str | None) -> Json:
        """A value of one ``oneOf``/``anyOf`` branch, merged with the rest of ``flat``."""
        keyword = "oneOf" if "oneOf" in flat else "anyOf"
        branches: list[Json] = list(flat[keyword])
        # null is valid only as a branch reads it (the schema's own `nullable`
        # does not make a branch take it)
        rest = {k: v for k, v in flat.items() if k not in (keyword, "nullable")}
        order = list(range(len(branches)))
        self.rng.shuffle(order)
        if self.minimal:  # branches that do not lead back into what is being drawn first
            order.sort(
                key=lambda i: isinstance(branches[i], dict) and branches[i].get("$ref") in self.refs
            )
        self.choosing.add(id(target))
        try:
            for index in order:
                chosen = branches[index]
                for _ in range(ATTEMPTS // 4):
                    ref = chosen.get("$ref") if isinstance(chosen, dict) else None
                    with self.inside(chosen) as flat_branch:
                        merged = dict(rest)
                        _merge(merged, flat_branch)
                        if isinstance(merged.get("discriminator"), dict):
                            # a member of a discriminated union is told apart by its
                            # property: a null would be no member (openapi-core refuses it)
                            merged.pop("nullable", None)
                            merged.pop(NULL_LAST, None)
                        if _BRANCHES & flat_branch.keys():  # a branch that branches itself
                            found = self.branch(merged, chosen, name)
                        else:
                            found = self.plain(merged, name)
                    if isinstance(found, dict) and isinstance(merged.get("discriminator"), dict):
                        self.discriminate(found, merged, ref)
                    if keyword == "anyOf":
                        return found
                    others = [b for i, b in enumerate(branches) if i != index]
                    separate = self.separated(found, chosen, others)
                    if separate is not None:
                        return separate
        finally:
            self.choosing.discard(id(target))
        raise FabricateError(
            f"No value validating against exactly one branch of a oneOf was found "
            f"(branches: {[b.get('$ref', b.get('type')) for b in branches]})."
        )

    def separated(self, found: Json, chosen: Json, others: Sequence[Json]) -> Json | None:
        """``found`` (valid under ``chosen``) made valid under no branch of ``others``
        where one can be: a property another branch constrains and ``chosen`` leaves
        open (``UserWithStats``' ``videosCount``, of ``oneOf: [User, UserWithStats]``)
        given a value that branch refuses; ``None`` when it still validates against
        another branch."""
        value = found
        for other in others:
            if not self.fab.valid(value, other):
                continue
            if not isinstance(value, dict):
                return None
            open_ = self.flatten(chosen)
            if open_.get("additionalProperties") is False:
                return None
            constrained = self.flatten(other).get("properties") or {}
            kept = open_.get("properties") or {}
            for prop, schema in constrained.items():
                if prop in kept or prop in value:
                    continue
                refused = (v for v in _OFF_TYPE if not self.fab.valid(v, schema))
                candidate = {**value, prop: next(refused, None)}
                if not self.fab.valid(candidate, other) and self.fab.valid(candidate, chosen):
                    value = candidate
                    break
            else:
                return None
        return value

    def discriminate(self, found: Record, flat: Record, ref: str | None) -> None:
        """Set the discriminator property of ``flat`` to the value naming the schema
        ``ref`` (its mapping key, else the schema's name), where its schema allows it."""
        if ref is None:
            return  # an inline branch: nothing names it
        discriminator = flat["discriminator"]
        mapping = discriminator.get("mapping") or {}
        prop = discriminator.get("propertyName")
        names = [key for key, target in mapping.items() if target == ref]
        value = names[0] if names else ref.rsplit("/", 1)[-1]
        schema = (flat.get("properties") or {}).get(prop, {})
        if prop and self.fab.valid(value, self.flatten(schema)):
            found[prop] = value

    # -- values -------------------------------------------------------------

    def plain(self, node: Record, name: str | None) -> Json:
        """A value of a flattened schema without branches."""
        context = self.context
        if "const" in node:
            return node["const"]
        examples = self.examples(node)
        if examples and self.chance(context.examples):
            chosen = self.rng.choice(examples)
            if not (isinstance(chosen, dict) and node.get("properties")):
                return chosen
            node = _lent(node, chosen)
        kinds = node.get("type")
        kinds = list(kinds) if isinstance(kinds, list) else [kinds] if kinds else []
        nullable = node.get("nullable") is True or "null" in kinds
        if "enum" in node and None not in node["enum"]:
            nullable = False  # a null not in the enum is refused all the same
        kinds = [k for k in kinds if k != "null"]
        if nullable and (self.minimal or self.rng.random() < context.nulls):
            return None
        if node.get(NULL_LAST) and self.minimal:
            return None  # ends a recursion the spec meant to end so
        if "enum" in node:
            options = [v for v in node["enum"] if v is not None or nullable]
            if not options:
                raise FabricateError(f"The enum {node['enum']!r} leaves no value to draw.")
            return self.rng.choice(options)
        if "default" in node and self.chance(context.defaults):
            return node["default"]
        kind = self.rng.choice(kinds) if kinds else _type_of(node)
        if kind is None:
            return None if nullable and not kinds else self.words(node, 1, 12)
        draws: dict[str, Callable[[Record, str | None], Json]] = {
            "object": self.object,
            "array": self.array,
            "string": self.string,
            "integer": self.integer,
            "number": self.number,
            "boolean": self.boolean,
        }
        draw = draws.get(kind)
        if draw is None:
            raise FabricateError(f"Unknown type {kind!r}.")
        return draw(node, name)

    def boolean(self, _node: Record, _name: str | None) -> bool:
        return self.rng.random() < 0.5

    def examples(self, node: Record) -> list[Json]:
        """The schema's examples that validate against it (invalid ones are never used)."""
        given = list(node.get("examples") or []) if isinstance(node.get("examples"), list) else []
        if "example" in node:
            given.append(node["example"])
        if not given:
            return []
        bare = {k: v for k, v in node.items() if k not in ("example", "examples")}
        return [example for example in given if self.fab.valid(example, bare)]

    def object(self, node: Record, _name: str | None) -> Record:
        view = self.context.view
        required = set(node.get("required") or ())
        properties: dict[str, Json] = node.get("properties") or {}
        extra = node.get("additionalProperties")
        found: Record = {}
        skipped: list[str] = []
        for prop, schema in properties.items():
            flags = self.flatten(schema)
            if (view == "write" and flags.get("readOnly")) or (
                view == "read" and flags.get("writeOnly")
            ):
                continue
            if prop in required:
                found[prop] = self.value(schema, prop)
            elif self.chance(self.context.optional):
                with contextlib.suppress(FabricateError):  # it admits no value: left out
                    found[prop] = self.value(schema, prop)
            else:
                skipped.append(prop)
        for prop in sorted(required - properties.keys()):
            found[prop] = self.value(extra if isinstance(extra, dict) else {}, prop)
        if isinstance(extra, dict) and extra and not self.minimal:
            for _ in range(self.rng.randint(0, 2)):
                key = self.word_key(found, properties)
                found[key] = self.value(extra, key)
        least = _within_size(node, "minProperties", "properties")
        while len(found) < least:
            if skipped:
                prop = skipped.pop(0)
                found[prop] = self.value(properties[prop], prop)
            elif extra is not False:
                key = self.word_key(found, properties)
                found[key] = self.value(extra if isinstance(extra, dict) else {}, key)
            else:
                raise FabricateError(f"minProperties {least} exceeds the properties allowed.")
        most = node.get("maxProperties")
        if most is not None:
            for prop in [p for p in reversed(found) if p not in required][: len(found) - most]:
                del found[prop]
        return found

    def word_key(self, found: Record, properties: Mapping[str, Json]) -> str:
        for _ in range(ATTEMPTS):
            key = self.rng.choice(pools(self.context.seed)["word"])
            if key not in found and key not in properties:
                return key
        return f"extra{len(found)}"

    def array(self, node: Record, name: str | None) -> list[Json]:
        low = _within_size(node, "minItems", "items")
        high = node.get("maxItems")
        top = low if self.minimal else low + 3
        count = self.rng.randint(low, max(low, top if high is None else min(high, top)))
        items = node.get("items", {})
        if not node.get("uniqueItems"):
            return [self.value(items, name) for _ in range(count)]
        found: dict[bytes, Json] = {}
        for _ in range(ATTEMPTS * max(count, 1)):
            if len(found) >= count:
                break
            item = self.value(items, name)
            found.setdefault(_canonical(item), item)
        if len(found) < low:
            raise FabricateError(f"Only {len(found)} distinct items were drawn of {low} required.")
        return list(found.values())

    def string(self, node: Record, name: str | None) -> str:
        low = _within_size(node, "minLength", "characters")
        high = node.get("maxLength")
        kind = None if self.minimal else named_pool(name)
        form = node.get("format")
        if "pattern" in node:
            # A named value is taken when it matches (``currency`` ``EUR`` for
            # ``^[A-Z]{3}$``); with a format too, a value of the format that
            # matches, else a match the format accepts.
            matching = pattern(node["pattern"])
            candidates: list[Callable[[], str]] = []
            if kind is not None:
                candidates.append(lambda: self.named(kind))
            if form in _FORMATS:
                candidates += [lambda: _FORMATS[form](self, low, high)] * ATTEMPTS
            for candidate in candidates:
                text = candidate()
                if _fits(text, low, high) and matching.matches(text):
                    return text
            for _ in range(ATTEMPTS if form else 1):
                text = matching.draw(self.rng, low, high)
                if not form or self.fab.valid(text, {"type": "string", "format": form}):
                    return text
            raise FabricateError(f"No {form} matching {node['pattern']!r} was found.")
        if form in _FORMATS:
            for _ in range(ATTEMPTS):
                text = _FORMATS[form](self, low, high)
                if _fits(text, low, high):
                    return text
            raise FabricateError(f"No {form} fits the lengths {low}..{high}.")
        if kind is not None:
            text = self.named(kind)
            if _fits(text, low, high):
                return text
        return self.words(node, low, high)

    def named(self, kind: str) -> str:
        if kind == "timestamp":
            return self.date_time()
        return self.rng.choice(pools(self.context.seed)[kind])

    def words(self, node: Record, low: int, high: int | None) -> str:
        """Lower-case words, cut to a length within ``low..high``."""
        if self.minimal:
            length = low
        else:
            length = self.rng.randint(max(low, min(3, high or 3)), max(low, 24))
        if high is not None:
            length = min(length, high)
        words = pools(self.context.seed)["word"]
        text = ""
        while len(text) < length:
            text = f"{text} {self.rng.choice(words)}" if text else self.rng.choice(words)
        text = text[:length]
        return text if not text.endswith(" ") else text[:-1] + "s"

    def integer(self, node: Record, name: str | None) -> int:
        low, high = self.bounds(node, integral=True)
        step = node.get("multipleOf")
        if NAMED_NUMBERS.get(_key(name or "")) == "count" and step is None:
            guess = self.rng.randint(1, 10)
            if low <= guess <= high:
                return guess
        if step is not None:
            first, last = math.ceil(low / step), math.floor(high / step)
            if first > last:
                raise FabricateError(f"No multiple of {step} lies in {low}..{high}.")
            return int(self.rng.randint(first, last) * step)
        if low > high:
            raise FabricateError(f"No integer lies in {low}..{high}.")
        if self.minimal and low >= 0:
            return int(low)
        return self.rng.randint(low, self.near(low, high))

    def number(self, node: Record, name: str | None) -> float | int:
        step = node.get("multipleOf")
        low, high = self.bounds(node, integral=False)
        if step is not None:
            first, last = math.ceil(low / step), math.floor(high / step)
            if first > last:
                raise FabricateError(f"No multiple of {step} lies in {low}..{high}.")
            for _ in range(ATTEMPTS):
                value = float(Decimal(self.rng.randint(first, last)) * Decimal(str(step)))
                if (value / step).is_integer():  # as validators check it, in floats
                    break
            return value
        if low > high:
            raise FabricateError(f"No number lies in {low}..{high}.")
        money = NAMED_NUMBERS.get(_key(name or "")) == "money"
        drawn = self.rng.uniform(low, self.near(low, high))
        rounded = round(drawn, 2 if money or high - low > 1 else 6)
        return rounded if low <= rounded <= high else drawn

    def near(self, low: Any, high: Any) -> Any:
        """The top of the range a number is mostly drawn from: a wide range (ids up
        to 2**31) is mostly drawn from its first :data:`NEAR` values, as a live
        business's numbers are."""
        if high - low <= NEAR or self.rng.random() >= 0.9:
            return high
        return low + NEAR

    def bounds(self, node: Record, *, integral: bool) -> tuple[Any, Any]:
        """The closed range a number is drawn from: exclusive bounds (3.0 booleans or
        3.1 numbers) moved inside; a missing bound 1000 from the other (or 0..1000)."""
        low, high = node.get("minimum"), node.get("maximum")
        exclusive_low = node.get("exclusiveMinimum") is True
        exclusive_high = node.get("exclusiveMaximum") is True
        floor, ceiling = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
        if _is_number(floor) and (low is None or floor >= low):
            low, exclusive_low = floor, True
        if _is_number(ceiling) and (high is None or ceiling <= high):
            high, exclusive_high = ceiling, True
        if low is None:
            low = 0 if high is None or high >= 1 else high - 1000
        if high is None:
            high = low + 1000
        if integral:
            low = math.floor(low) + 1 if exclusive_low else math.ceil(low)
            high = math.ceil(high) - 1 if exclusive_high else math.floor(high)
        else:
            nudge = max(abs(high - low), 1) * 1e-9
            low, high = low + nudge * exclusive_low, high - nudge * exclusive_high
        return low, high

    # -- formats --------------------------------------------------------------

    def date_time(self) -> str:
        now = epoch(self.context.now)
        return iso_at(now - self.rng.randint(1, int(self.context.span.total_seconds())))

    def date(self) -> str:
        return self.date_time()[:10]

    def email(self) -> str:
        return self.rng.choice(pools(self.context.seed)["email"])


def _is_number(value: Json) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sized_bytes(draw: _Draw, low: int, high: int | None) -> str:
    """Base64 of random bytes, as many as the lengths allow."""
    least = math.ceil(low / 4) * 3
    most = (high // 4) * 3 if high is not None else least + 24
    count = draw.rng.randint(least, max(least, most)) if not draw.minimal else least
    return base64.b64encode(draw.rng.getrandbits(8 * count).to_bytes(count, "big")).decode()


_FORMATS: dict[str, Callable[[_Draw, int, int | None], str]] = {
    "date-time": lambda d, _low, _high: d.date_time(),
    "date": lambda d, _low, _high: d.date(),
    "time": lambda d, _low, _high: d.date_time()[11:],
    "uuid": lambda d, _low, _high: str(uuid.UUID(int=d.rng.getrandbits(128), version=4)),
    "email": lambda d, _low, _high: d.email(),
    "idn-email": lambda d, _low, _high: d.email(),
    "uri": lambda d, _low, _high: d.rng.choice(pools(d.context.seed)["url"]),
    "url": lambda d, _low, _high: d.rng.choice(pools(d.context.seed)["url"]),
    "hostname": lambda d, _low, _high: d.rng.choice(pools(d.context.seed)["hostname"]),
    "ipv4": lambda d, _low, _high: str(ipaddress.IPv4Address(d.rng.getrandbits(32))),
    "ipv6": lambda d, _low, _high: str(ipaddress.IPv6Address(d.rng.getrandbits(128))),
    "byte": _sized_bytes,
}


# -- the entry points ---------------------------------------------------------


def _within_size(node: Record, keyword: str, what: str) -> int:
    """``node[keyword]`` (0 when absent), or FabricateError past :data:`MAX_SIZE`."""
    least = node.get(keyword, 0)
    if isinstance(least, int | float) and least > MAX_SIZE:
        raise FabricateError(
            f"{keyword} {least} asks for more {what} than the {MAX_SIZE} a mock value holds."
        )
    return int(least)


def fabricate(
    schema: Json,
    rng: random.Random,
    *,
    document: Json | None = None,
    context: Context | None = None,
    name: str | None = None,
) -> Json:
    """One value for the OpenAPI ``schema`` (``$ref``s resolved in ``document``),
    drawn from ``rng``; see the module's docstring for the rules."""
    return Fabricator(document, context).value(schema, rng, name)


def _scope_values(model: CollectionModel, scope: Mapping[str, str] | Sequence[str]) -> list[str]:
    if isinstance(scope, Mapping):
        missing = [p for p in model.scope if p not in scope]
        if missing:
            raise FabricateError(f"{model.path}: the scope lacks {', '.join(missing)}.")
        return [str(scope[p]) for p in model.scope]
    if len(scope) != len(model.scope):
        raise FabricateError(
            f"{model.path}: its scope is {', '.join(model.scope) or 'empty'}, "
            f"but {len(scope)} values were given."
        )
    return [str(value) for value in scope]


def _as_schema_value(text: str, schema: Record) -> Json:
    """A path parameter's text as the property of the same name holds it."""
    if schema.get("type") in ("integer", "number") and re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def fabricate_records(
    model: CollectionModel,
    schema: Json,
    seed: int,
    scope: Mapping[str, str] | Sequence[str],
    count: int,
    *,
    document: Json | None = None,
    context: Context | None = None,
) -> list[Record]:
    """``count`` records of ``model`` in ``scope`` (its path parameters' values, by
    name or in order) drawn for the item ``schema`` as stored.

    Deterministic from ``(seed, model.path, scope values)`` alone. Each record's
    id (``model.id_field``) is unique: integers count up from the schema's
    minimum (or 1); strings (uuids, patterns) are drawn until distinct. A property
    named like a scope parameter (:attr:`CollectionModel.scope_fields`) holds the
    scope's value (a book of shelf 3 says ``shelfId: 3``, or ``shelf_id: 3``).
    """
    values = _scope_values(model, scope)
    context = dataclasses.replace(context or Context(), seed=seed, view="stored")
    fabricator = Fabricator(document, context)
    rng = rng_for(seed, "fabricate", model.path, *values)
    draw = _Draw(fabricator, rng)
    item = draw.flatten(schema)
    properties: dict[str, Json] = item.get("properties") or {}
    id_schema = draw.flatten(properties[model.id_field]) if model.id_field in properties else {}
    holders = {param: model.scope_fields.get(param, param) for param in model.scope}
    fixed = {}
    for param, value in zip(model.scope, values, strict=True):
        holder = holders[param]
        if holder in properties:
            held = _as_schema_value(value, draw.flatten(properties[holder]))
            if fabricator.valid(held, properties[holder]):  # a value it cannot hold is drawn
                fixed[holder] = held
    records: list[Record] = []
    seen: set[bytes] = set()
    ids = _ids(draw, id_schema)
    for _ in range(count):
        record = fabricator.value(schema, rng)
        if not isinstance(record, dict):
            raise FabricateError(f"{model.path}: its item schema draws {record!r}, not an object.")
        record.update(fixed)
        try:
            uid = _unique_id(record.get(model.id_field), ids, seen, draw, id_schema)
        except FabricateError:
            if not records:
                raise
            # The ids its schema allows are all taken (``train|test``): as many records
            # as there are ids, or none where clients choose them (else every create
            # would find its key taken).
            return [] if model.keyed_by_client else records
        record[model.id_field] = uid
        records.append(record)
    return records


def _ids(draw: _Draw, id_schema: Record) -> Iterator[int] | None:
    """Counting ids for an integer id field, from its least value or 1 (``None``:
    ids are drawn)."""
    if id_schema.get("type") != "integer":
        return None
    low, _high = draw.bounds(id_schema, integral=True)
    bounded = "minimum" in id_schema or "exclusiveMinimum" in id_schema
    return itertools.count(low if bounded else max(low, 1))


def _unique_id(
    drawn: Json, ids: Iterator[int] | None, seen: set[bytes], draw: _Draw, schema: Record
) -> Json:
    """A drawn id none before it had (compared as JSON: an id may be an object)."""
    if ids is not None:
        return next(ids)
    for _ in range(ATTEMPTS):
        if drawn is not None and (key := _canonical(drawn)) not in seen:
            seen.add(key)
            return drawn
        drawn = draw.value(schema, None) if schema else str(len(seen) + 1)
    raise FabricateError(f"No id distinct from {len(seen)} others was drawn for {schema!r}.")


__all__ = [
    "NAMED",
    "Context",
    "FabricateError",
    "Fabricator",
    "Pattern",
    "fabricate",
    "fabricate_records",
    "named_pool",
    "pattern",
    "pools",
]
