"""Reading a third-party OpenAPI file (``serve --spec``), or refusing it with the reason.

A file is read as YAML, which covers JSON (by content: its extension says
nothing). It is served only when it is an OpenAPI 3.0 or 3.1 document with at
least one operation (3.1 is rewritten as 3.0: :mod:`servicestub.specs.openapi31`);
everything else is a :class:`SpecRefused` naming the file and what to do.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

METHODS = ("get", "put", "post", "delete", "patch")

#: What the refusal of a Swagger 2.0 file suggests (the npm package ``swagger2openapi``).
CONVERT_HINT = "npx swagger2openapi {file} -o {stem}-openapi3.yaml"


class SpecRefused(ValueError):
    """A spec file that cannot be served at all; the message names the file and why."""


def read_yaml(path: Path) -> Any:
    """The JSON or YAML document in ``path`` (whatever its name); unreadable or unparsable files
    are a :class:`SpecRefused` (the line and column of a syntax error named)."""
    if not path.exists():
        raise SpecRefused(f"{path}: no such file.")
    if not path.is_file():
        raise SpecRefused(f"{path}: not a file (give the path of an OpenAPI YAML or JSON file).")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpecRefused(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})."
        ) from None
    except OSError as error:
        raise SpecRefused(f"{path}: cannot be read ({error.strerror or error}).") from None
    try:  # JSON is YAML, but orjson reads it tens of times faster than PyYAML's constructor
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = error.problem or error.context or "not YAML"
        raise SpecRefused(f"{path}: not YAML or JSON ({where}{problem}).") from None
    except yaml.YAMLError as error:
        raise SpecRefused(f"{path}: not YAML or JSON ({error}).") from None


def refusal(path: Path, document: Any) -> str | None:
    """Why ``document`` (read from ``path``) cannot be served at all, or ``None``."""
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {type(document).__name__}"
        return f"{path}: the document is {kind}, not a mapping with 'openapi', 'info' and 'paths'."
    version = document.get("openapi")
    if "swagger" in document and version is None:
        hint = CONVERT_HINT.format(file=path, stem=path.stem)
        return (
            f"{path}: Swagger {document.get('swagger')} is not served; only OpenAPI 3.0 is. "
            f"Convert it first: `{hint}`."
        )
    if not isinstance(version, str) or not re.fullmatch(r"3\.\d+\.\d+(-.+)?", version):
        return f"{path}: 'openapi: {version}' is not an OpenAPI version; give 'openapi: 3.0.3'."
    if not version.startswith(("3.0.", "3.1.")):
        return (
            f"{path}: OpenAPI {version} is not served; only 3.0 and 3.1 are (3.1 read as its "
            "3.0 equivalent). Write the spec as 3.1 or 3.0."
        )
    paths = document.get("paths")
    if not isinstance(paths, dict) or not paths:
        return f"{path}: the spec has no 'paths'; there is nothing to serve."
    if not any(
        isinstance(item, dict) and isinstance(item.get(method), dict)
        for item in paths.values()
        for method in METHODS
    ):
        return f"{path}: the spec's paths have no operation (get, put, post, delete, patch)."
    return None


def load(path: Path) -> dict[str, Any]:
    """The OpenAPI 3.0 document in ``path``, or a :class:`SpecRefused` saying why not."""
    document = read_yaml(path)
    reason = refusal(path, document)
    if reason is not None:
        raise SpecRefused(reason)
    loaded: dict[str, Any] = document
    return loaded
