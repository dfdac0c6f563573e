"""Query and path parameters as the spec's ``style`` and ``explode`` say, typed strictly."""

from __future__ import annotations

import re
from typing import Any

from connexion.uri_parsing import QUERY_STRING_DELIMITERS, OpenAPIURIParser

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_BOOLEANS = {"true": True, "false": False}


def typed(text: Any, schema: dict[str, Any]) -> Any:
    """A parameter's text as the JSON value it spells for ``schema``'s type,
    spelled exactly as JSON writes it (``true``, not ``True``; ``20``, not
    ``+20``, `` 20`` or ``2_0``); anything else stays text, for validation to
    refuse."""
    if not isinstance(text, str):
        return text  # already typed (a path converter did it)
    kind = schema.get("type")
    if kind == "boolean":
        return _BOOLEANS.get(text, text)
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    return text


class SpecURIParser(OpenAPIURIParser):  # type: ignore[misc]  # connexion is untyped
    """Query and path parameters read exactly as the spec's ``style`` and
    ``explode`` say, and typed strictly (see :func:`typed`).

    connexion's parser splits an exploded array's values on commas as well
    (``states=NEW,DONE`` would be two states, though ``explode: true`` makes it
    one value, ``"NEW,DONE"``) and converts with Python's ``int``/``float`` and a
    case-blind boolean."""

    def resolve_params(self, params: dict[str, Any], _in: str) -> dict[str, Any]:
        resolved = {}
        for name, values in params.items():
            definition = self.param_defns.get(name)
            if definition is None:
                resolved[name] = values  # not in the spec: ignored
                continue
            schema = definition.get("schema", {})
            occurrences = [values] if _in == "path" else values
            if schema.get("type") == "array":
                items = self._items(occurrences, definition, _in)
                resolved[name] = [typed(item, schema.get("items", {})) for item in items]
            else:
                resolved[name] = typed(occurrences[-1], schema)
        return resolved

    def _items(self, occurrences: list[str], definition: dict[str, Any], _in: str) -> list[str]:
        """An array's values: one per occurrence when exploded, else the
        delimited values of its one occurrence."""
        style = definition.get("style", self.style_defaults[_in])
        if definition.get("explode", style == "form"):
            return list(occurrences)
        return occurrences[-1].split(QUERY_STRING_DELIMITERS.get(style, ","))
