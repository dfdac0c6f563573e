"""An OpenAPI 3.1 document read as the equivalent OpenAPI 3.0.3 one, so that it is served.

connexion 3.3 checks documents against the OpenAPI 3.0 schema and the mock's
validators read JSON Schema draft 4 with 3.0's ``nullable``; a 3.1 document's
schemas are JSON Schema 2020-12. :func:`downgrade` rewrites each 3.1 feature
into the 3.0 form that means the same:

- ``type: [T, "null"]`` -> ``type: T, nullable: true`` (with an ``enum`` that
  leaves ``null`` out, null stays invalid: no ``nullable``); several types ->
  ``anyOf`` of one schema per type (each ``nullable`` if null is one);
  ``type: "null"`` -> ``nullable`` with ``enum: [null]``; a boolean schema ->
  ``{}`` or ``{not: {}}``;
- ``const`` -> a one-value ``enum``; ``examples`` (an array) -> ``example``
  (its first value); numeric ``exclusiveMinimum``/``exclusiveMaximum`` -> the
  bound with 3.0's boolean flag; ``contentEncoding: base64`` -> ``format:
  byte``, ``contentMediaType`` alone -> ``format: binary``; a ``{type: "null"}``
  branch of an ``anyOf``/``oneOf`` -> ``nullable`` on another branch;
- a schema ``$ref`` with siblings -> ``allOf: [{$ref}]`` beside them (siblings
  that are only annotations -- description, title, deprecated, examples,
  ``x-``... -- are dropped, which changes no validation); ``$defs`` (and
  draft 7's ``definitions``) lifted into ``components/schemas``
  (``<owner>_<name>``) with the references to them;
- ``webhooks``, ``jsonSchemaDialect``, ``components/pathItems`` (a path item
  ``$ref`` into them is resolved first), ``$schema``/``$id``/``$anchor``/
  ``$comment`` and every keyword 2020-12 reads as an annotation (one a 3.0
  Schema Object may not hold: ``regex``...), ``info.summary``,
  ``license.identifier`` and the siblings of a non-schema ``$ref`` are dropped;
  an operation without ``responses`` gets a ``default`` one.

``propertyNames`` and ``contains`` (with ``minContains``/``maxContains``) have
no 3.0 form but only narrow what is valid: they are dropped, which loosens the
validation of what the client sends (:data:`LOOSENED`). What else has no 3.0
meaning (``prefixItems``, ``if``/``then``/``else``, ``dependentSchemas``,
``dependentRequired``, ``patternProperties``, ``unevaluatedProperties``...)
makes the operations that reach that schema dropped with the reason, the way
:mod:`servicestub.specs.pruning` drops what cannot be served: the rest of the
spec is served.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from servicestub.core.json_schema import objects_in
from servicestub.specs.loading import METHODS
from servicestub.specs.pruning import Dropped, drop

#: Keywords of JSON Schema 2020-12 with no OpenAPI 3.0 meaning: a schema holding
#: one is not served.
UNMAPPED = (
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
)

#: Keywords with no 3.0 form that only narrow what is valid: dropped (validation loosens).
LOOSENED = ("propertyNames", "contains", "minContains", "maxContains")

#: Keywords without a 3.0 meaning that change no validation: dropped.
#: The keywords of an OpenAPI 3.0 Schema Object, and the 3.1 ones rewritten into them.
_KEPT = frozenset(
    {
        *("additionalProperties", "allOf", "anyOf", "default", "deprecated", "description"),
        *("discriminator", "enum", "example", "exclusiveMaximum", "exclusiveMinimum"),
        *("externalDocs", "format", "items", "maxItems", "maxLength", "maxProperties"),
        *("maximum", "minItems", "minLength", "minProperties", "minimum", "multipleOf", "not"),
        *("nullable", "oneOf", "pattern", "properties", "readOnly", "required", "title"),
        *("type", "uniqueItems", "writeOnly", "xml"),
        *("const", "examples", "contentEncoding", "contentMediaType"),
    }
)

#: The 3.0 form of ``{type: "null"}``.
NULL = {"enum": [None], "nullable": True}

#: Siblings of a schema ``$ref`` that change no validation (dropped with them).
_ANNOTATIONS = frozenset({"description", "title", "deprecated", "example", "examples", "$comment"})

#: Keywords holding named schemas that ``$ref``s point into: 2020-12's ``$defs`` and
#: draft 7's ``definitions`` (an annotation to 2020-12, but JSON pointers reach it).
_DEFINITIONS = ("$defs", "definitions")

#: Keywords holding one sub-schema, or a mapping / list of them.
_ONE = ("items", "not", "additionalProperties")
_MAP = ("properties",)
_LIST = ("allOf", "anyOf", "oneOf")

#: What an operation without ``responses`` (optional in 3.1, required in 3.0) answers.
DEFAULT_RESPONSES = {"default": {"description": "Not documented by the spec (OpenAPI 3.1)."}}


def is_31(document: Any) -> bool:
    """Whether ``document`` says it is OpenAPI 3.1."""
    return isinstance(document, dict) and str(document.get("openapi", "")).startswith("3.1.")


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


class _Downgrade:
    """One document's rewrite: the schemas lifted out of ``$defs`` and the reasons
    (per owner: a component ``#/components/<kind>/<name>``, an operation or a path
    item, as JSON pointers) that a schema has no 3.0 meaning."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.lifted: dict[str, Any] = {}
        self.moved: dict[str, str] = {}
        self.unmapped: dict[str, str] = {}

    # -- schemas -----------------------------------------------------------------------
    def schema(self, node: Any, pointer: str, owner: str) -> Any:
        """``node`` (a schema at ``pointer``) in its 3.0 form."""
        if node is True:
            return {}
        if node is False:
            return {"not": {}}
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            siblings = {k: v for k, v in node.items() if k != "$ref" and k not in _ANNOTATIONS}
            siblings = {k: v for k, v in siblings.items() if not k.startswith("x-")}
            if not siblings:
                return {"$ref": node["$ref"]}
            rest = self.schema(siblings, pointer, owner)
            return {"allOf": [{"$ref": node["$ref"]}], **rest}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in UNMAPPED:
                self.unmapped.setdefault(
                    owner,
                    f"{pointer[2:] or 'the schema'} uses '{key}' (JSON Schema 2020-12), "
                    "which has no OpenAPI 3.0 meaning",
                )
            elif key == "additionalProperties" and isinstance(value, bool):
                out[key] = value
            elif key in _ONE:
                out[key] = self.schema(value, f"{pointer}/{key}", owner)
            elif key in _MAP and isinstance(value, dict):
                out[key] = {
                    name: self.schema(sub, f"{pointer}/{key}/{_escape(name)}", owner)
                    for name, sub in value.items()
                }
            elif key in _LIST and isinstance(value, list):
                out[key] = _null_branch_folded(
                    [self.schema(sub, f"{pointer}/{key}/{i}", owner) for i, sub in enumerate(value)]
                )
            elif key in _DEFINITIONS and isinstance(value, dict):
                self._lift(value, f"{pointer}/{key}", owner)
            elif key in _KEPT or key.startswith("x-"):
                out[key] = value
            # else: a keyword 2020-12 reads as an annotation (``regex``, ``dependencies``...):
            # it changes no validation, and a 3.0 Schema Object may not hold it.
        return self._keywords(out)

    def _lift(self, defs: dict[str, Any], pointer: str, owner: str) -> None:
        """Move the schemas of ``$defs`` (at ``pointer``) into ``components/schemas``,
        each named after its owner."""
        stem = owner.rsplit("/", 1)[-1] if owner.startswith("#/components/schemas/") else "defs"
        taken = (self.document.get("components") or {}).get("schemas") or {}
        for name, sub in defs.items():
            new = f"{stem}_{name}"
            while new in taken or new in self.lifted:
                new += "_"
            self.lifted[new] = None  # reserved before its own $defs are lifted
            where = f"{pointer}/{_escape(name)}"
            self.moved[where] = f"#/components/schemas/{_escape(new)}"
            self.lifted[new] = self.schema(sub, where, f"#/components/schemas/{_escape(new)}")

    @staticmethod
    def _keywords(out: dict[str, Any]) -> dict[str, Any]:
        """The keywords of one schema whose 3.1 value has another 3.0 form."""
        if "const" in out:
            const = out.pop("const")
            enum = out.get("enum")
            out["enum"] = [v for v in enum if v == const] if isinstance(enum, list) else [const]
        if isinstance(out.get("examples"), list):
            examples = out.pop("examples")
            if examples and "example" not in out:
                out["example"] = examples[0]
        for exclusive, bound, sign in (
            ("exclusiveMinimum", "minimum", 1),
            ("exclusiveMaximum", "maximum", -1),
        ):
            value = out.get(exclusive)
            if _number(value):
                inclusive = out.get(bound)
                if _number(inclusive) and (inclusive - value) * sign > 0:
                    del out[exclusive]  # the inclusive bound is the stricter one
                else:
                    out[bound], out[exclusive] = value, True
        encoding = out.pop("contentEncoding", None)
        media = out.pop("contentMediaType", None)
        if "format" not in out and (encoding is not None or media is not None):
            out["format"] = "byte" if encoding == "base64" else "binary"
        types = out.get("type")
        if isinstance(types, str):
            types = [types]
        if isinstance(types, list):
            nullable = "null" in types
            kinds = [t for t in types if t != "null"]
            enum = out.get("enum")
            if isinstance(enum, list) and None not in enum:
                nullable = False  # the enum keeps null out whatever the type says
            del out["type"]
            if len(kinds) == 1:
                out["type"] = kinds[0]
            elif kinds:
                if "anyOf" in out:  # the schema's own anyOf still applies beside the types
                    out["allOf"] = [*out.get("allOf", []), {"anyOf": out.pop("anyOf")}]
                # null is allowed by each branch: 3.0 reads nullable only beside a type
                branch = {"nullable": True} if nullable else {}
                out["anyOf"] = [{"type": kind, **branch} for kind in kinds]
                nullable = False
            elif nullable:
                out.setdefault("enum", [None])
            else:  # only null, which the enum leaves out (or no type at all): nothing is valid
                out["not"] = {}
            if nullable:
                out["nullable"] = True
        return out

    # -- the places schemas are held ---------------------------------------------------
    def content(self, node: Any, pointer: str, owner: str) -> None:
        """The media types of a request body, response or parameter ``content``."""
        for media, entry in (node or {}).items() if isinstance(node, dict) else ():
            if isinstance(entry, dict):
                where = f"{pointer}/{_escape(str(media))}"
                if "schema" in entry:
                    entry["schema"] = self.schema(entry["schema"], f"{where}/schema", owner)
                for header in (entry.get("encoding") or {}).values():
                    if isinstance(header, dict):
                        self.headers(header.get("headers"), f"{where}/encoding", owner)

    def holder(self, node: Any, pointer: str, owner: str) -> Any:
        """A parameter, header, request body or response: its schemas in 3.0 form."""
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            return {"$ref": node["$ref"]}  # a 3.0 Reference Object has nothing else
        if "schema" in node:
            node["schema"] = self.schema(node["schema"], f"{pointer}/schema", owner)
        self.content(node.get("content"), f"{pointer}/content", owner)
        self.headers(node.get("headers"), f"{pointer}/headers", owner)
        return node

    def headers(self, node: Any, pointer: str, owner: str) -> None:
        for name, header in (node or {}).items() if isinstance(node, dict) else ():
            node[name] = self.holder(header, f"{pointer}/{_escape(str(name))}", owner)

    def operation(self, node: dict[str, Any], pointer: str) -> None:
        parameters = node.get("parameters")
        if isinstance(parameters, list):
            node["parameters"] = [
                self.holder(p, f"{pointer}/parameters/{i}", pointer)
                for i, p in enumerate(parameters)
            ]
        if "requestBody" in node:
            node["requestBody"] = self.holder(
                node["requestBody"], f"{pointer}/requestBody", pointer
            )
        responses = node.get("responses")
        if not isinstance(responses, dict) or not responses:
            node["responses"] = DEFAULT_RESPONSES
        else:
            self.headers(responses, f"{pointer}/responses", pointer)
        node.pop("callbacks", None)  # path items of their own; the mock makes no callbacks

    def path_item(self, item: dict[str, Any], pointer: str) -> dict[str, Any]:
        ref = item.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/pathItems/"):
            named = ((self.document.get("components") or {}).get("pathItems") or {}).get(
                ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
            )
            if isinstance(named, dict):
                item = {**named, **{k: v for k, v in item.items() if k != "$ref"}}
        parameters = item.get("parameters")
        if isinstance(parameters, list):
            item["parameters"] = [
                self.holder(p, f"{pointer}/parameters/{i}", pointer)
                for i, p in enumerate(parameters)
            ]
        for method in (*METHODS, "head", "options", "trace"):
            if isinstance(item.get(method), dict):
                self.operation(item[method], f"{pointer}/{method}")
        return item

    def run(self) -> None:
        document = self.document
        document["openapi"] = "3.0.3"
        for key in ("webhooks", "jsonSchemaDialect"):
            document.pop(key, None)
        info = document.get("info")
        if isinstance(info, dict):
            info.pop("summary", None)
            if isinstance(info.get("license"), dict):
                info["license"].pop("identifier", None)
        paths = document.get("paths")
        if isinstance(paths, dict):
            for path, item in list(paths.items()):
                if isinstance(item, dict):
                    paths[path] = self.path_item(item, f"#/paths/{_escape(path)}")
        components = document.get("components")
        if isinstance(components, dict):
            components.pop("pathItems", None)
            for kind, table in components.items():
                if not isinstance(table, dict):
                    continue
                for name in list(table):
                    where = f"#/components/{kind}/{_escape(str(name))}"
                    if kind == "schemas":
                        table[name] = self.schema(table[name], where, where)
                    elif kind in ("parameters", "headers", "requestBodies", "responses"):
                        table[name] = self.holder(table[name], where, where)
            if self.lifted:
                components.setdefault("schemas", {}).update(self.lifted)
        if self.moved:
            _move_references(document, self.moved)


#: A branch holding one of these may refuse null whatever its ``nullable``: not folded into.
_NOT_FOLDED = frozenset({"enum", "nullable", "allOf", "anyOf", "oneOf", "not"})


def _null_branch_folded(branches: list[Any]) -> list[Any]:
    """An ``anyOf``/``oneOf``'s ``{type: "null"}`` branch folded into another branch
    (one with a type, no enum and no null of its own, made ``nullable``): null is then
    valid under exactly one branch, as before, in the form 3.0 tools read best."""
    if NULL not in branches:
        return branches
    for i, branch in enumerate(branches):
        if isinstance(branch, dict) and "type" in branch and not _NOT_FOLDED & set(branch):
            folded = [*branches[:i], {**branch, "nullable": True}, *branches[i + 1 :]]
            folded.remove(NULL)
            return folded
    return branches


def _move_references(node: Any, moved: dict[str, str]) -> None:
    """Point every ``$ref`` into a lifted ``$defs`` entry at its new place (the
    innermost: a ``$defs`` inside a lifted one was lifted on its own)."""
    innermost_first = sorted(moved.items(), key=lambda pair: -len(pair[0]))
    for current in objects_in(node):
        ref = current.get("$ref")
        if isinstance(ref, str):
            for old, new in innermost_first:
                if ref == old or ref.startswith(old + "/"):
                    current["$ref"] = new + ref[len(old) :]
                    break


def _references(node: Any) -> set[str]:
    """The components (``#/components/<kind>/<name>``) ``node`` refers to directly."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                found.add("/".join(ref.split("/")[:4]))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _reasons(document: dict[str, Any], unmapped: dict[str, str]) -> dict[tuple[str, str], str]:
    """``(method, path) -> why`` for every operation reaching a schema with no 3.0 meaning."""
    components = document.get("components") or {}
    broken: dict[str, str | None] = {}

    def problem(ref: str) -> str | None:
        if ref in broken:
            return broken[ref]
        broken[ref] = None  # a reference that comes round again adds nothing
        found = unmapped.get(ref)
        if found is not None:
            found = f"it uses {ref}: {found}"
        else:  # what the component refers to, named by the schema that has no 3.0 meaning
            _, _, kind, name = ref.split("/", 3)
            node = (components.get(kind) or {}).get(name.replace("~1", "/").replace("~0", "~"))
            found = next((p for r in sorted(_references(node)) if (p := problem(r))), None)
        broken[ref] = found
        return found

    reasons: dict[tuple[str, str], str] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        pointer = f"#/paths/{_escape(path)}"
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            own = unmapped.get(f"{pointer}/{method}") or unmapped.get(pointer)
            reached = _references(operation) | _references(item.get("parameters"))
            found = own or next((p for r in sorted(reached) if (p := problem(r))), None)
            if found:
                reasons[(method, path)] = found
    return reasons


def downgrade(document: dict[str, Any]) -> tuple[Dropped, ...]:
    """Rewrite the OpenAPI 3.1 ``document`` (in place) as OpenAPI 3.0.3; the
    operations left out because a schema they reach has no 3.0 meaning, and why."""
    rewrite = _Downgrade(document)
    rewrite.run()
    reasons = _reasons(document, rewrite.unmapped)
    drop(document, reasons)
    return tuple(Dropped(method, path, reason) for (method, path), reason in reasons.items())
