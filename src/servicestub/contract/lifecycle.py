"""A deterministic lifecycle probe driven by the specs' own examples and links:
create a resource, read it back, delete it, read it again.

Schemathesis's stateful phase only reaches a delete when it happens to
generate a valid create; this probe always does, so a resource that stays
readable after its DELETE (or one that cannot be read after its create) is
caught on every run."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

import httpx
import yaml

from servicestub.contract.runner import Failure, Outcome
from servicestub.specs import ApiSpec, resolve

METHODS = ("get", "put", "post", "delete", "patch")


def _pointer(document: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/"):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                found[item[method]["operationId"]] = (path, method, item[method])
    return found


def _params(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for parameter in operation.get("parameters", []):
        parameter = resolve(document, parameter)
        if parameter["in"] == "path" and "example" in parameter:
            values[parameter["name"]] = parameter["example"]
    return values


def _example_body(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    body = resolve(document, operation.get("requestBody", {}))
    media = body.get("content", {}).get("application/json", {})
    return media.get("example", resolve(document, media.get("schema", {})).get("example"))


def _curl(method: str, url: str, headers: dict[str, str]) -> str:
    parts = [
        "curl",
        "-X",
        method.upper(),
        *[x for k, v in headers.items() for x in ("-H", f"{k}: {v}")],
        url,
    ]
    return " ".join(shlex.quote(p) for p in parts)


def probe(
    origin: str,
    spec: ApiSpec,
    outcome: Outcome,
    headers: dict[str, str],
    on_progress: Callable[[str], None],
) -> None:
    """Run create -> get -> delete -> get for every create whose links name a get and a delete."""
    document = yaml.safe_load(spec.path.read_text())
    operations = _operations(document)
    base = origin.rstrip("/") + spec.base_path
    with httpx.Client(headers=headers, timeout=30) as client:
        for path, method, operation in operations.values():
            if method != "post":
                continue
            for status, response in operation["responses"].items():
                links = {
                    link["operationId"]: link
                    for link in resolve(document, response).get("links", {}).values()
                }
                gets = [i for i in links if operations[i][1] == "get" and "{" in operations[i][0]]
                deletes = [i for i in links if operations[i][1] == "delete"]
                if not (gets and deletes and status.startswith("2")):
                    continue
                _probe_one(
                    client,
                    base,
                    document,
                    operations,
                    path,
                    operation,
                    links[gets[0]],
                    links[deletes[0]],
                    spec,
                    outcome,
                    headers,
                    on_progress,
                )


def _probe_one(
    client: httpx.Client,
    base: str,
    document: dict[str, Any],
    operations: dict[str, tuple[str, str, dict[str, Any]]],
    path: str,
    operation: dict[str, Any],
    get_link: dict[str, Any],
    delete_link: dict[str, Any],
    spec: ApiSpec,
    outcome: Outcome,
    headers: dict[str, str],
    on_progress: Callable[[str], None],
) -> None:
    request_params = _params(document, operation)
    label = f"POST {path}"
    created = client.post(
        base + path.format(**request_params), json=_example_body(document, operation)
    )
    if created.status_code >= 300:
        return  # the create itself is judged by the other checks
    body = created.json()

    def target(link: dict[str, Any]) -> tuple[str, str]:
        target_path, method, _op = operations[link["operationId"]]
        values = {}
        for name, expression in link.get("parameters", {}).items():
            if expression.startswith("$request.path."):
                values[name] = request_params[expression.removeprefix("$request.path.")]
            elif expression.startswith("$response.body#"):
                values[name] = _pointer(body, expression.removeprefix("$response.body#"))
            else:
                values[name] = expression
        return method, base + target_path.format(**values)

    _get, get_url = target(get_link)
    delete_method, delete_url = target(delete_link)
    checks = outcome.ran.setdefault((spec.name, label), set())
    checks.update({"ensure_resource_availability", "use_after_free"})
    if client.get(get_url).status_code >= 300:
        outcome.failures.append(
            Failure(
                spec.name,
                label,
                "ensure_resource_availability",
                "Created resource not found",
                f"{get_url} does not answer right after the create",
                _curl("GET", get_url, headers),
            )
        )
        return
    if client.request(delete_method.upper(), delete_url).status_code >= 300:
        return
    after = client.get(get_url)
    ok = after.status_code == 404
    on_progress(f"  [{' ok ' if ok else 'FAIL'}] lifecycle {label}")
    if not ok:
        outcome.failures.append(
            Failure(
                spec.name,
                label,
                "use_after_free",
                "Deleted resource still available",
                f"{get_url} answered {after.status_code} after "
                f"{delete_method.upper()} {delete_url} succeeded",
                _curl("GET", get_url, headers),
            )
        )
