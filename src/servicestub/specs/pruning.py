"""The parts of a third-party spec that cannot be served, found before connexion
sees the spec, so that they are dropped (each with its reason) and the rest is served.

connexion refuses a whole spec for one flaw: a parameter without a schema or
with an unknown ``style`` fails its check of the document against the OpenAPI
3.0 schema, a ``$ref`` to nothing fails its reference resolution, and a
``pattern`` that is not a regular expression fails the request validators the
first time the operation is called (a 500). :func:`prune` runs those checks per
operation instead: the same OpenAPI 3.0 schema connexion uses (compiled once
with jsonschema_rs, which is fast enough to check a spec of hundreds of paths
in milliseconds), every reference the operation reaches, and every pattern
with the validators' own regex engine. A flaw inside an operation drops that
operation; in a path item (its shared parameters), every operation of the
path; in a component, every operation that reaches the component. Flaws
elsewhere (``info``, ``tags``...) do not stop anything from being served.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import pkgutil
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from servicestub.specs.loading import METHODS

#: Methods an OpenAPI path item may document that the mock does not serve: left
#: out with their reason (connexion would otherwise need a handler for each).
UNSERVED_METHODS = ("head", "options", "trace")

#: A reason is cut to this many characters (a ``oneOf`` failure quotes whole nodes).
REASON_CHARS = 300


@dataclasses.dataclass(frozen=True)
class Dropped:
    """An operation left out of the served spec, and why."""

    method: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}: {self.reason}"


@functools.cache
def _openapi_schema() -> Any:
    """connexion's JSON schema of OpenAPI 3.0 documents, compiled once."""
    raw = pkgutil.get_data("connexion", "resources/schemas/v3.0/schema.json")
    assert raw is not None
    return jsonschema_rs.Draft4Validator(json.loads(raw))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 3] + "..."


def _where(parts: tuple[Any, ...]) -> str:
    return "/".join(str(part) for part in parts)


def _schema_flaws(document: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``(place, what is wrong)`` wherever ``document`` breaks the OpenAPI 3.0 schema."""
    for error in _openapi_schema().iter_errors(document):
        yield tuple(error.instance_path), error.message


def _flaw(place: tuple[Any, ...], message: str, whole: str = "it") -> str:
    return _short(f"{_where(place) or whole} is not valid OpenAPI 3.0: {message}")


@functools.lru_cache(maxsize=4096)
def _pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a regular expression the validators can use, or ``None``."""
    try:
        jsonschema_rs.Draft4Validator({"pattern": pattern})
    except jsonschema_rs.ValidationError:
        return f"the pattern {pattern!r} is not a regular expression"
    return None


class _Reach:
    """What the nodes of a document reach: the first problem of the references
    they follow and the patterns they hold (each component walked once)."""

    def __init__(self, document: dict[str, Any], broken: dict[str, str]) -> None:
        self.document = document
        self.broken = broken
        self.components: dict[str, str | None] = {}

    def _target(self, ref: str) -> tuple[Any, str | None]:
        if not ref.startswith("#/"):
            return None, f"the reference {ref} is outside the file (only '#/...' is followed)"
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None, f"the reference {ref} names nothing in the spec"
        return node, None

    def component(self, ref: str) -> str | None:
        """The first problem of what ``ref`` names (``None``: none)."""
        if ref in self.components:
            return self.components[ref]
        self.components[ref] = None  # a reference that comes round again is fine here
        node, problem = self._target(ref)
        if problem is None:
            for prefix, reason in self.broken.items():
                if ref == prefix or ref.startswith(prefix + "/"):
                    problem = f"it uses {ref}: {reason}"
                    break
        if problem is None:
            problem = self.problem(node)
        self.components[ref] = problem
        return problem

    def problem(self, node: Any) -> str | None:
        """The first problem ``node`` reaches, or ``None``."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, dict):
                ref = current.get("$ref")
                if "$ref" in current and not isinstance(ref, str):
                    return "it holds a '$ref' that is not a reference (a property named $ref?)"
                if isinstance(ref, str) and (problem := self.component(ref)) is not None:
                    return problem
                pattern = current.get("pattern")
                if isinstance(pattern, str) and (problem := _pattern_problem(pattern)):
                    return problem
                stack.extend(value for key, value in current.items() if key != "$ref")
            elif isinstance(current, list):
                stack.extend(current)
        return None


def prune(document: dict[str, Any]) -> tuple[Dropped, ...]:
    """Drop from ``document`` (changed in place) every operation that cannot be
    served, and the path items left without one; what was dropped, and why."""
    paths: dict[str, Any] = document["paths"]
    reasons: dict[tuple[str, str], str] = {}
    broken: dict[str, str] = {}
    for place, message in _schema_flaws(document):
        if place[:1] == ("paths",) and len(place) >= 2 and isinstance(paths.get(place[1]), dict):
            one = len(place) >= 3 and place[2] in METHODS
            # An operation's own flaw is named from inside it; a path item's, from the path.
            reason = (
                _flaw(place[3:], message, "the operation")
                if one
                else _flaw(place[2:], message, "the path item")
            )
            for method in [place[2]] if one else METHODS:
                if isinstance(paths[place[1]].get(method), dict):
                    reasons.setdefault((method, place[1]), reason)
        elif place[:1] == ("components",) and len(place) >= 3:
            broken.setdefault("#/" + _where(place[:3]), _flaw(place, message))
    reach = _Reach(document, broken)
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        shared = reach.problem(item.get("parameters"))
        for method in METHODS:
            if not isinstance(item.get(method), dict) or (method, path) in reasons:
                continue
            problem = shared or reach.problem(item[method])
            if problem is not None:
                reasons[(method, path)] = problem
    for path, item in paths.items():
        for method in UNSERVED_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                reasons[(method, path)] = (
                    f"{method.upper()} operations are not served (only GET, PUT, POST, DELETE "
                    "and PATCH are); the rest of the spec is"
                )
    drop(document, reasons)
    _drop_unusable_components(document, reach)
    return tuple(Dropped(method, path, reason) for (method, path), reason in reasons.items())


def _drop_unusable_components(document: dict[str, Any], reach: _Reach) -> None:
    """Remove the components with a problem (no operation left reaches one):
    connexion resolves every reference of the document, used or not, and one
    that names nothing would stop the whole spec."""
    components = document.get("components")
    for kind, table in (components or {}).items() if isinstance(components, dict) else ():
        if not isinstance(table, dict):
            continue
        for name in list(table):
            escaped = str(name).replace("~", "~0").replace("/", "~1")
            if reach.component(f"#/components/{kind}/{escaped}") is not None:
                del table[name]


def drop(document: dict[str, Any], operations: dict[tuple[str, str], str]) -> None:
    """Remove the ``(method, path)`` ``operations`` from ``document``, and the path
    items left without an operation."""
    paths: dict[str, Any] = document["paths"]
    for method, path in operations:
        paths[path].pop(method, None)
    for path in [path for path, item in paths.items() if isinstance(item, dict)]:
        if not any(method in paths[path] for method in METHODS):
            del paths[path]


def nothing_served(file: object, dropped: tuple[Dropped, ...], shown: int = 3) -> str:
    """The refusal of a spec none of whose operations can be served: the first reasons."""
    reasons = "; ".join(str(part) for part in dropped[:shown])
    more = f" (and {len(dropped) - shown} more)" if len(dropped) > shown else ""
    return f"{file}: no operation of the spec can be served: {reasons}{more}."
