"""The OpenAPI documents servicestub serves, and where each is mounted."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import yaml

_PACKAGED = Path(__file__).parent / "openapi"
_CHECKOUT = Path(__file__).resolve().parents[2] / "openapi"

#: Specs ship inside the wheel; in a checkout they are read from ``openapi/``.
SPEC_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@dataclasses.dataclass(frozen=True)
class ApiSpec:
    name: str
    file: str
    base_path: str

    @property
    def path(self) -> Path:
        return SPEC_DIR / self.file

    def document(self) -> dict[str, Any]:
        """The parsed spec (a fresh copy: connexion annotates what it is given;
        an orjson round trip copies it several times faster than ``deepcopy``)."""
        return orjson.loads(orjson.dumps(_parsed(self.path)))


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _parsed(path: Path) -> dict[str, Any]:
    """Parse once with libyaml when available (several times faster than PyYAML's Python parser)."""
    return yaml.load(path.read_text(), Loader=_Loader)


METHODS = ("get", "put", "post", "delete", "patch")

ORDERS = ApiSpec("orders", "service-orders.yaml", "/v1")
SERVICES = ApiSpec("services", "services-v4.yaml", "/api/v4")
ADMIN = ApiSpec("admin", "mock-admin.yaml", "/_mock")
APIS = (ORDERS, SERVICES, ADMIN)


@functools.cache
def _method_table() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    table = []
    for api in APIS:
        document = _parsed(api.path)
        for template, item in document["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(api.base_path + template))
            methods = tuple(
                m.upper() for m in item if m in ("get", "put", "post", "delete", "patch")
            )
            table.append((re.compile(pattern + "$"), methods))
    return tuple(table)


def allowed_methods(path: str) -> tuple[str, ...]:
    """The methods the specs document for ``path`` (for a 405's ``Allow``)."""
    for pattern, methods in _method_table():
        if pattern.match(path):
            return methods
    return ()


@functools.cache
def array_query_parameters() -> frozenset[str]:
    """Query parameters the specs declare as arrays (the only ones that may repeat)."""
    names = set()
    for api in APIS:
        document = _parsed(api.path)
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


def operations(
    specs: Iterable[ApiSpec],
) -> Iterator[tuple[dict[str, Any], str, str, dict[str, Any]]]:
    """``(document, path, method, operation)`` for every operation of ``specs``
    (the documents are shared: read them, do not change them)."""
    for api in specs:
        document = _parsed(api.path)
        for path, item in document["paths"].items():
            for method in METHODS:
                if method in item:
                    yield document, path, method, item[method]


def resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref`` (``#/components/...``) followed."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
