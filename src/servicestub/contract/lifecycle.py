"""A deterministic lifecycle probe driven by a spec's own examples and links:
create a resource, read it back, delete it, read it again.

schemathesis's stateful phase reaches a delete only when it happens to generate
a valid create and then walk the right links; this probe always does, so a
resource that stays readable after its DELETE (or that cannot be read right
after its create) is caught on every run. Its findings are reported under the
schemathesis checks they belong to: ``use_after_free`` and
``ensure_resource_availability``."""

from __future__ import annotations

import copy
import dataclasses
import json
import shlex
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from servicestub.contract.model import Failure, Outcome
from servicestub.specs import METHODS, resolve


class Guard(Protocol):
    """What the probe asks of a live run's guard (``contract.safety.Guard``):
    make a request safe before it is sent, and note what a create made."""

    def prepare(
        self,
        api: str,
        method: str,
        path: str,
        path_parameters: dict[str, Any],
        body: Any,
        *,
        positive_body: bool,
    ) -> None: ...

    def observe(
        self,
        api: str,
        method: str,
        path: str,
        path_parameters: dict[str, Any],
        status: int,
        body: Any,
    ) -> None: ...


Operations = dict[str, tuple[str, str, dict[str, Any]]]


def curl(method: str, url: str, headers: dict[str, str], body: Any = None) -> str:
    """A one-line curl sending this request."""
    parts = ["curl", "-X", method.upper()]
    for name, value in headers.items():
        parts += ["-H", f"{name}: {value}"]
    if body is not None:
        parts += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
    return " ".join(shlex.quote(part) for part in [*parts, url])


def pointer(document: Any, where: str) -> Any:
    """The value at JSON pointer ``where`` of ``document``."""
    for part in where.lstrip("/").split("/"):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def link_target(path: str, parameters: dict[str, Any], request: dict[str, Any], body: Any) -> str:
    """``path`` with a link's ``parameters`` filled in from the request's path
    parameters and the response ``body`` (KeyError etc. when one cannot be)."""
    values = {}
    for name, expression in parameters.items():
        expression = str(expression)
        if expression.startswith("$request.path."):
            values[name] = request[expression.removeprefix("$request.path.")]
        elif expression.startswith("$response.body#"):
            values[name] = pointer(body, expression.removeprefix("$response.body#"))
        else:
            values[name] = expression
    return path.format(**values)


def operations(document: dict[str, Any]) -> Operations:
    """operationId -> (path, method, operation) for every operation of a spec."""
    found = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item and "operationId" in item[method]:
                found[item[method]["operationId"]] = (path, method, item[method])
    return found


def _path_examples(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for parameter in operation.get("parameters", []):
        parameter = resolve(document, parameter)
        if parameter["in"] == "path" and "example" in parameter:
            values[parameter["name"]] = parameter["example"]
    return values


def _example_body(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    body = resolve(document, operation.get("requestBody", {}))
    media = body.get("content", {}).get("application/json", {})
    if "example" in media:
        return media["example"]
    examples = media.get("examples") or {}
    for example in examples.values():
        example = resolve(document, example)
        if "value" in example:
            return example["value"]
    return resolve(document, media.get("schema", {})).get("example")


def lifecycles(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(create operationId, link to a single-resource GET, link to a DELETE) for
    every create whose success response links both."""
    found = []
    ops = operations(document)
    for operation_id, (_path, method, operation) in ops.items():
        if method != "post":
            continue
        for status, response in operation.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            links = list((resolve(document, response).get("links") or {}).values())
            gets = [
                link
                for link in links
                if link.get("operationId") in ops
                and ops[link["operationId"]][1] == "get"
                and "{" in ops[link["operationId"]][0]
            ]
            deletes = [
                link
                for link in links
                if link.get("operationId") in ops and ops[link["operationId"]][1] == "delete"
            ]
            if gets and deletes:
                found.append((operation_id, gets[0], deletes[0]))
                break
    return found


@dataclasses.dataclass(frozen=True)
class _Started:
    """A lifecycle whose resource was created and read; its delete is still to come."""

    create_label: str
    get_label: str
    delete_label: str
    get_url: str
    delete_url: str
    create_curl: str
    status: int


class Probe:
    """Runs every lifecycle of one spec against ``base`` (origin + base path): all
    creates and reads first, in the spec's order (so a sub-resource is made under a
    parent the probe just made), then the deletes, newest first. With a ``guard``
    (a live target), requests name only what the run created and reference data
    the target has, and what is created is recorded for clean-up."""

    def __init__(
        self,
        api: str,
        document: dict[str, Any],
        base: str,
        headers: dict[str, str],
        outcome: Outcome,
        on_progress: Callable[[str], None],
        timeout: float = 30.0,
        guard: Guard | None = None,
        templates: dict[str, str] | None = None,
    ) -> None:
        self.api, self.document, self.base = api, document, base.rstrip("/")
        self.headers, self.outcome, self.on_progress = headers, outcome, on_progress
        self.timeout, self.guard, self.templates = timeout, guard, templates or {}
        self.ops = operations(document)

    def run(self) -> None:
        started: list[_Started] = []
        with httpx.Client(headers=self.headers, timeout=self.timeout) as client:
            for create_id, get_link, delete_link in lifecycles(self.document):
                label = self._label(create_id)
                found = self._safely(label, self._create, client, create_id, get_link, delete_link)
                if found is not None:
                    started.append(found)
            for lifecycle in reversed(started):
                self._safely(lifecycle.create_label, self._delete, client, lifecycle)

    def _safely(self, label: str, step: Callable[..., Any], *args: Any) -> Any:
        """``step(*args)``; a network error is reported as this lifecycle's error."""
        try:
            return step(*args)
        except httpx.HTTPError as exc:
            problem = f"lifecycle {label}: {exc!r}"
            self.outcome.errors.append(f"{self.api} {problem}")
            self.on_progress(f"  [ERR ] {problem}")
            return None

    def _label(self, operation_id: str) -> str:
        path, method, _ = self.ops[operation_id]
        return f"{method.upper()} {self.templates.get(path, path)}"

    def _create(
        self,
        client: httpx.Client,
        create_id: str,
        get_link: dict[str, Any],
        delete_link: dict[str, Any],
    ) -> _Started | None:
        path, _method, operation = self.ops[create_id]
        params = _path_examples(self.document, operation)
        body = copy.deepcopy(_example_body(self.document, operation))
        if self.guard is not None:
            self.guard.prepare(self.api, "post", path, params, body, positive_body=True)
        try:
            url = self.base + path.format(**params)
        except KeyError:
            return None  # a path parameter without an example: nothing to send
        create_curl = curl("POST", url, self.headers, body)
        created = self._send(client, "POST", url, json=body)
        try:
            answer = created.json()
        except ValueError:
            answer = None
        if self.guard is not None:
            self.guard.observe(self.api, "post", path, params, created.status_code, answer)
        if created.status_code >= 300:
            # The create itself is judged by the schemathesis checks.
            self.on_progress(
                f"  [skip] lifecycle {self._label(create_id)}: the spec's example create "
                f"answered {created.status_code}"
            )
            return None
        try:
            get_url = self._target(get_link, params, answer)
            delete_url = self._target(delete_link, params, answer)
        except (KeyError, IndexError, TypeError, ValueError):
            return None  # the link cannot be followed; response_schema_conformance says why
        create_label, get_label = self._label(create_id), self._label(get_link["operationId"])
        self.outcome.mark_ran(self.api, create_label, "ensure_resource_availability")
        first = self._send(client, "GET", get_url)
        if first.status_code == 404:
            self._fail(
                create_label,
                "ensure_resource_availability",
                "Created resource not found",
                f"{get_label} answered 404 right after {create_label} answered "
                f"{created.status_code}",
                (create_curl, curl("GET", get_url, self.headers)),
            )
            return None
        delete_label = self._label(delete_link["operationId"])
        return _Started(
            create_label,
            get_label,
            delete_label,
            get_url,
            delete_url,
            create_curl,
            created.status_code,
        )

    def _delete(self, client: httpx.Client, started: _Started) -> None:
        deleted = self._send(client, "DELETE", started.delete_url)
        if not 200 <= deleted.status_code < 300:
            return
        self.outcome.mark_ran(self.api, started.delete_label, "use_after_free")
        after = self._send(client, "GET", started.get_url)
        ok = not 200 <= after.status_code < 400
        self.on_progress(
            f"  [{' ok ' if ok else 'FAIL'}] lifecycle {started.create_label}: create, read, "
            "delete, read again"
        )
        if not ok:
            self._fail(
                started.delete_label,
                "use_after_free",
                "Deleted resource still available",
                f"{started.get_label} answered {after.status_code} after "
                f"{started.delete_label} answered {deleted.status_code}; expected 404",
                (
                    started.create_curl,
                    curl("DELETE", started.delete_url, self.headers),
                    curl("GET", started.get_url, self.headers),
                ),
            )

    def _send(self, client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.outcome.requests[self.api] = self.outcome.requests.get(self.api, 0) + 1
        return client.request(method, url, **kwargs)

    def _target(self, link: dict[str, Any], params: dict[str, Any], body: Any) -> str:
        path = self.ops[link["operationId"]][0]
        return self.base + link_target(path, link.get("parameters") or {}, params, body)

    def _fail(
        self, operation: str, check: str, title: str, reason: str, commands: tuple[str, ...]
    ) -> None:
        self.outcome.failures.append(Failure(self.api, operation, check, title, reason, commands))
