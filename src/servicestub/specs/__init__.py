"""The OpenAPI documents servicestub serves, and where each is mounted."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import orjson
import yaml

from servicestub.core.memo import ByIdentity
from servicestub.specs.loading import METHODS as METHODS  # re-exported: the engine reads it here
from servicestub.specs.loading import SpecRefused, load
from servicestub.specs.openapi31 import downgrade, is_31
from servicestub.specs.patterns import rewrite_java_patterns
from servicestub.specs.pruning import Dropped, nothing_served, prune

_PACKAGED = Path(__file__).parents[1] / "openapi"
_CHECKOUT = Path(__file__).resolve().parents[3] / "openapi"

#: Specs ship inside the wheel; in a checkout they are read from ``openapi/``.
SPEC_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@dataclasses.dataclass(frozen=True)
class ApiSpec:
    name: str
    file: str
    base_path: str
    #: A file served instead of the packaged ``file`` (see :func:`served_apis`).
    source: Path | None = None
    #: A spec the mock has no handlers written for (``serve --spec``): every
    #: operation is the engine's (a collection's) or answered from the spec.
    third_party: bool = False
    #: The file's ``(mtime_ns, size)`` when it was named: a changed file is another
    #: ``ApiSpec``, so nothing cached from the old one (here or in the engine) is reused.
    stamp: tuple[int, int] = (0, 0)

    @property
    def path(self) -> Path:
        return self.source if self.source is not None else SPEC_DIR / self.file

    def document(self) -> dict[str, Any]:
        """The parsed spec (a fresh copy: connexion annotates what it is given;
        an orjson round trip copies it several times faster than ``deepcopy``)."""
        copied: dict[str, Any] = orjson.loads(orjson.dumps(self.parsed()))
        return copied

    def parsed(self) -> dict[str, Any]:
        """The parsed spec shared by every reader: read it, never change it."""
        if self.third_party:
            return _third_party(self.path, self.name, self.stamp)[0]
        return _parsed(self.path)

    @property
    def dropped(self) -> tuple[Dropped, ...]:
        """The operations of a third-party spec left out, each with its reason."""
        return _third_party(self.path, self.name, self.stamp)[1] if self.third_party else ()


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: How many parsed specs are kept (any number of specs may be served; each is
#: parsed again once it has fallen out).
PARSED_SPECS_KEPT = 16


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def _parsed(path: Path) -> dict[str, Any]:
    """Parse once with libyaml when available (several times faster than PyYAML's Python parser)."""
    loaded: dict[str, Any] = yaml.load(path.read_text(), Loader=_Loader)
    return loaded


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def _third_party(
    path: Path, name: str, _stamp: tuple[int, int]
) -> tuple[dict[str, Any], tuple[Dropped, ...]]:
    """A third-party spec as served as the API ``name``, and the operations left
    out of it (:func:`~servicestub.specs.pruning.prune`). Every operation has an
    operationId, ``<name>.<its own>`` (one it lacks is made from its method and
    path: ``petstore.get_pets_petId``), so that ids are unique across every spec
    served. Refused (:class:`SpecRefused`) when nothing of it can be served."""
    document: dict[str, Any] = orjson.loads(orjson.dumps(load(path)))
    unmapped = downgrade(document) if is_31(document) else ()
    rewrite_java_patterns(document)
    dropped = unmapped + prune(document)
    if not document["paths"]:
        raise SpecRefused(nothing_served(path, dropped))
    seen: set[str] = set()
    for path_name, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            wanted = operation.get("operationId")
            if not isinstance(wanted, str) or not wanted:
                slug = re.sub(r"[^0-9A-Za-z]+", "_", path_name).strip("_")
                wanted = f"{method}_{slug}" if slug else method
            unique, number = wanted, 1
            while unique in seen:
                number += 1
                unique = f"{wanted}_{number}"
            seen.add(unique)
            operation["operationId"] = f"{name}.{unique}"
    return document, dropped


def own_operation_id(served: str) -> str:
    """The spec's own operationId of a third-party operation served as
    ``<api>.<operationId>`` (what its author wrote, or the one made for it)."""
    return served.partition(".")[2] or served


ORDERS = ApiSpec("orders", "service-orders.yaml", "/v1")
SERVICES = ApiSpec("services", "services-v4.yaml", "/api/v4")
ADMIN = ApiSpec("admin", "mock-admin.yaml", "/_mock")
APIS = (ORDERS, SERVICES, ADMIN)


def mount_of(document: dict[str, Any]) -> str:
    """Where a spec is served when no mount is given: the path of its first
    ``servers`` URL (``https://api.example.com/v2`` -> ``/v2``; each ``{variable}``
    replaced by its default), else the root (``""``)."""
    servers = document.get("servers") or [{}]
    server = servers[0] if isinstance(servers, list) and isinstance(servers[0], dict) else {}
    url = str(server.get("url") or "")
    found_variables = server.get("variables")
    variables: dict[str, Any] = found_variables if isinstance(found_variables, dict) else {}

    def default(found: re.Match[str]) -> str:
        variable = variables.get(found.group(1))
        value = variable.get("default") if isinstance(variable, dict) else None
        return "" if value is None else str(value)

    url = re.sub(r"\{([^}]*)\}", default, url)
    path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", url).split("?")[0].split("#")[0]
    return _normal_mount(path)


def _normal_mount(mount: str) -> str:
    """``mount`` as a base path: ``/v1`` (no trailing or doubled slash); the root is ``""``."""
    segments = [segment for segment in mount.split("/") if segment]
    return "".join("/" + segment for segment in segments)


def _reaches_under(template: str, outer: str, inner: str) -> bool:
    """A path ``template`` served under the mount ``outer`` names paths under the
    mount ``inner`` by its literal segments (``/admin/users`` under ``/v1`` reaches
    ``/v1/admin``; ``/{id}`` does not: only the value ``admin`` of ``id`` is shadowed)."""
    wanted = inner.split("/")[len(outer.split("/")) :]
    have = [segment for segment in template.split("/") if segment]
    return len(have) >= len(wanted) and have[: len(wanted)] == wanted


def mount_conflict(
    outer: tuple[str, str, dict[str, Any] | None], inner: tuple[str, str, dict[str, Any] | None]
) -> str | None:
    """Why two APIs ``(name, mount, document or None for a built-in)`` cannot both
    be served, or ``None``: the same mount, or one mounted under the other where
    a path of the outer one reaches under the inner mount (the more specific
    mount answers every request under it, so that path would never be served)."""
    (outer_name, outer_mount, document), (inner_name, inner_mount, _) = outer, inner
    if outer_mount == inner_mount:
        shown = outer_mount or "/"
        return f"{outer_name} and {inner_name} are both mounted at {shown}; give one another mount"
    if not under(inner_mount, outer_mount):
        return None
    if document is None:  # a built-in API's paths are all its own
        return f"{inner_name} ({inner_mount}) is mounted inside {outer_name} ({outer_mount or '/'})"
    for template in document.get("paths") or {}:
        if _reaches_under(str(template), outer_mount, inner_mount):
            return (
                f"{outer_name} (mounted at {outer_mount or '/'}) has the path {template}, which "
                f"lies under {inner_name}'s mount {inner_mount}; mount one of them elsewhere"
            )
    return None


def stamp_of(path: Path) -> tuple[int, int]:
    """``(mtime_ns, size)`` of ``path``, ``(0, 0)`` when it cannot be read (the loader says why)."""
    try:
        found = path.stat()
    except OSError:
        return (0, 0)
    return (found.st_mtime_ns, found.st_size)


def third_party_apis(
    specs: Iterable[tuple[Path, str | None]], beside: Iterable[ApiSpec] = ()
) -> tuple[ApiSpec, ...]:
    """The third-party APIs ``specs`` names (``(file, mount or None)``): each named
    after its file (``petstore``; ``petstore-2`` for a second file of that name).
    A spec that cannot be served, or whose mount conflicts with another's or with
    an API served ``beside`` them (see :func:`mount_conflict`), is a
    :class:`SpecRefused` naming it."""
    found: list[ApiSpec] = []
    taken = {api.name for api in APIS}
    for file, mount in specs:
        stem = re.sub(r"[^0-9a-z]+", "-", Path(file).stem.lower()).strip("-") or "api"
        name, number = stem, 1
        while name in taken:
            number += 1
            name = f"{stem}-{number}"
        taken.add(name)
        path = Path(file)
        api = ApiSpec(name, path.name, "", source=path, third_party=True, stamp=stamp_of(path))
        base = _normal_mount(mount) if mount is not None else mount_of(api.parsed())
        found.append(dataclasses.replace(api, base_path=base))
    for pair in itertools.combinations([*beside, *found], 2):
        outer, inner = sorted(pair, key=lambda api: len(api.base_path))
        described = [
            (api.name, api.base_path, api.parsed() if api.third_party else None)
            for api in (outer, inner)
        ]
        reason = mount_conflict(described[0], described[1])
        if reason is not None:
            raise SpecRefused(f"Mounts overlap: {reason}.")
    return tuple(found)


def served_apis(
    spec_files: Iterable[tuple[str, Path]] = (), specs: Iterable[tuple[Path, str | None]] = ()
) -> tuple[ApiSpec, ...]:
    """The APIs a server serves: :data:`APIS`, each read from the file ``spec_files``
    names for it (``Settings.spec_files``: ``(api name, path)`` pairs), else its own;
    with third-party ``specs`` (``Settings.specs``), those and the control plane only.
    An unknown API name is a :class:`ValueError` naming the known ones."""
    third = third_party_apis(specs, (ADMIN,))
    if third:
        return (ADMIN, *third)
    files = dict(spec_files)
    unknown = set(files) - {api.name for api in APIS}
    if unknown:
        known = ", ".join(api.name for api in APIS)
        raise ValueError(f"no API named {', '.join(sorted(unknown))}; the APIs are {known}")
    return tuple(
        dataclasses.replace(api, source=Path(files[api.name])) if api.name in files else api
        for api in APIS
    )


#: Where connexion serves each API's Swagger UI and spec, under its base path.
DOCS_UI_PATH = "/ui"
SPEC_FILE_PATHS = ("/openapi.json", "/openapi.yaml")


def under(path: str, base_path: str) -> bool:
    """``path`` is ``base_path`` itself or below it (``/v1x`` is not under ``/v1``)."""
    return path == base_path or path.startswith(base_path + "/")


def may_be_under(base_path: str, prefix: str) -> bool:
    """Whether some path under ``base_path`` may be under ``prefix``: one of the two is
    under the other (every path under ``/v1`` is under ``/v1``, none under ``/_mock``;
    some paths under ``/`` are under ``/_mock``)."""
    return under(base_path, prefix) or under(prefix, base_path)


def is_control_plane(path: str) -> bool:
    """A request to the mock's own control plane, ``/_mock`` (its docs included)."""
    return under(path, ADMIN.base_path)


@dataclasses.dataclass(frozen=True)
class _DocsPaths:
    """Where the docs of some APIs are served: the exact paths (spec files, the UI's
    root) and the prefixes of the UI's files."""

    exact: frozenset[str]
    below: tuple[str, ...]


def _read_docs_paths(apis: tuple[ApiSpec, ...]) -> _DocsPaths:
    ui = [api.base_path + DOCS_UI_PATH for api in apis]
    return _DocsPaths(
        frozenset([*(api.base_path + file for api in apis for file in SPEC_FILE_PATHS), *ui]),
        tuple(path + "/" for path in ui),
    )


#: The docs paths of the served ``apis``: asked per request with the very tuple each
#: time, so kept by identity, which, unlike hashing the tuple of specs, costs nothing.
_DOCS_PATHS: ByIdentity[tuple[ApiSpec, ...], _DocsPaths] = ByIdentity(
    _read_docs_paths, PARSED_SPECS_KEPT
)


def is_docs(path: str, apis: tuple[ApiSpec, ...] = APIS) -> bool:
    """A request for the Swagger UI or spec file of one of ``apis`` (those served):
    exactly the routes connexion serves them on (``/v1/ui``, ``/v1/ui/...``,
    ``/v1/openapi.json``), so that an API path that merely contains ``ui`` (tenant
    ``ui``) is not one."""
    paths = _DOCS_PATHS(apis)
    return path in paths.exact or path.startswith(paths.below)


def is_api_request(path: str, apis: tuple[ApiSpec, ...] = APIS) -> bool:
    """A request the journal records and fault rules and ``Prefer`` act on:
    anything but the control plane and the docs of ``apis`` (those served)."""
    return not is_control_plane(path) and not is_docs(path, apis)


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def _method_table(
    apis: tuple[ApiSpec, ...] = APIS,
) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    table = []
    for api in apis:
        document = api.parsed()
        for template, item in document["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(api.base_path + template))
            methods = tuple(
                m.upper() for m in item if m in ("get", "put", "post", "delete", "patch")
            )
            table.append((re.compile(pattern + "$"), methods))
    return tuple(table)


def allowed_methods(path: str, apis: tuple[ApiSpec, ...] = APIS) -> tuple[str, ...]:
    """The methods the specs of ``apis`` document for ``path`` (for a 405's ``Allow``)."""
    for pattern, methods in _method_table(apis):
        if pattern.match(path):
            return methods
    return ()


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def served_methods(apis: tuple[ApiSpec, ...] = APIS) -> tuple[str, ...]:
    """Every method some operation of the business APIs of ``apis`` takes (the
    control plane's are not: it has no CORS), in a fixed order."""
    used = {
        method.upper()
        for _document, _path, method, _operation in operations(
            api for api in apis if api.name != ADMIN.name
        )
    }
    return tuple(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in used)


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def array_query_parameters(apis: tuple[ApiSpec, ...] = APIS) -> frozenset[str]:
    """Query parameters the specs declare as arrays (the only ones that may repeat)."""
    names = set()
    for api in apis:
        document = api.parsed()
        parameters = list(document.get("components", {}).get("parameters", {}).values())
        for item in document["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict):
                    parameters += [p for p in operation.get("parameters", []) if "$ref" not in p]
        for parameter in parameters:
            if (
                parameter.get("in") == "query"
                and parameter.get("schema", {}).get("type") == "array"
            ):
                names.add(parameter["name"])
    return frozenset(names)


def item_parameter(paths: dict[str, Any], collection: str) -> str | None:
    """The path parameter of ``collection``'s item path that has a GET
    (``/orders`` -> ``serviceOrderUid`` of ``/orders/{serviceOrderUid}``), if any."""
    item = re.compile(re.escape(collection.rstrip("/")) + r"/\{([^}/]+)\}")
    for template, operations in paths.items():
        if (found := item.fullmatch(template)) and "get" in operations:
            return found.group(1)
    return None


@functools.lru_cache(maxsize=PARSED_SPECS_KEPT)
def created_resources(apis: tuple[ApiSpec, ...] = APIS) -> dict[str, str]:
    """``operationId -> item parameter`` of every create of ``apis`` whose
    201 declares a ``Location`` header; the parameter names the new resource's
    id both in its GET path and in the created body."""
    table = {}
    for api in apis:
        document = api.parsed()
        for template, item in document["paths"].items():
            operation = item.get("post")
            created = resolve(document, (operation or {}).get("responses", {}).get("201", {}))
            if "Location" not in created.get("headers", {}):
                continue
            parameter = item_parameter(document["paths"], template)
            if parameter is None and api.third_party:
                continue  # a spec we do not own: its creates answer without a Location
            if parameter is None:
                raise ValueError(f"{api.file}: POST {template} declares Location but no GET item")
            table[operation["operationId"]] = parameter
    return table


def operations(
    specs: Iterable[ApiSpec],
) -> Iterator[tuple[dict[str, Any], str, str, dict[str, Any]]]:
    """``(document, path, method, operation)`` for every operation of ``specs``
    (the documents are shared: read them, do not change them)."""
    for api in specs:
        document = api.parsed()
        for path, item in document["paths"].items():
            for method in METHODS:
                if method in item:
                    yield document, path, method, item[method]


def resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref`` (``#/components/...``) followed; a chain of
    references that comes back to itself (``Loop: {$ref: Loop}``) is a ValueError
    naming it, not a loop without end."""
    followed: list[str] = []
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in followed:
            chain = " -> ".join([*followed, ref])
            raise ValueError(f"The spec's references go round without a schema: {chain}.")
        followed.append(ref)
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[unquote(part).replace("~1", "/").replace("~0", "~")]  # RFC 6901
        node = target
    return node
