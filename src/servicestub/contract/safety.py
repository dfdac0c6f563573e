"""What a contract run against a live target (``--url``) may touch, enforced at the
one point every generated request passes: schemathesis's ``before_call`` hook.

* **Scope.** The specs are narrowed before schemathesis sees them: every
  ``{tenantId}`` / ``{storeId}`` in a path becomes the run's own tenant and store
  (:func:`pin_scope`), so no phase — examples, coverage, fuzzing or stateful,
  positive or negative — can address another tenant.
* **Only what the run created.** A write (any method but GET) whose path names a
  record by an id that some create produces (``serviceOrderUid``, ``itemUid``,
  v4 ``id``, ...) is sent only with an id the run itself created; any other id
  (a spec example, a generated value, an id found in a list) is swapped for one of
  the run's own, or for one that cannot exist when it has none yet. The same holds
  for a body's ``identity`` (the record a v4 PATCH item acts on). schemathesis
  re-validates a case a hook changed, so its negative-data checks stay right.
* **Real reference data.** A positive request body that names a service type,
  status, rate or v4 lookup the target does not have gets one discovered from the
  target's own API instead (:meth:`Guard.discover`), so creates succeed on a
  backend whose ids differ from the spec examples.
* **Creates are recorded** (from each create's links to its DELETE) in the run's
  created-records ledger (:class:`~servicestub.contract.created.CreatedLog`, shared
  with the behaviour phase) as they happen; the runner removes them once at the end
  and, on a servicestub, drops the run's fresh tenant last.

Creates are the POST operations whose success response links onward: the ids
their links read from the response body are what they produce (the specs link
only from creates, never from lists or searches; a test keeps it so).
"""

from __future__ import annotations

import dataclasses
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import schemathesis

from servicestub.contract import lifecycle
from servicestub.contract.created import CreatedLog
from servicestub.contract.scope import RunScope
from servicestub.specs import METHODS, resolve

#: Path parameters the run's scope fixes, and the scope field each takes.
SCOPE_PARAMETERS = {"tenantId": "tenant", "storeId": "store"}
#: Root key of a spec document a guard adopted: which guard, which API.
GUARD_TAG = "x-servicestub-guard"
#: Body fields naming the record a write acts on, and the path parameter whose ids they take.
BODY_TARGETS = {"identity": "id"}
#: Reference data a create may name, per API: (list path, id field) read from the target.
REFERENCE_LISTS = {
    "orders": (
        ("/tenants/{tenantId}/service-types", "serviceTypeUid"),
        ("/tenants/{tenantId}/service-statuses", "statusUid"),
        ("/tenants/{tenantId}/hourly-rates", "hourlyRateUid"),
    ),
}
#: v4 lookup ids, read from the target's existing services.
V4_LOOKUPS = (
    "serviceTypeId",
    "usageFrequencyTypeId",
    "generalLedgerId",
    "taxCodeId",
    "serviceTaxCategoryId",
    "defaultServiceStatusTypeId",
    "serviceCategoryId",
)

_GUARDS: dict[str, tuple[Guard, str]] = {}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of every operation of a spec."""
    yield from lifecycle.operations(document).values()


def _all_links(document: Any) -> Iterator[dict[str, Any]]:
    """Every link object of a document, wherever it is (responses may be shared)."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "links" and isinstance(value, dict):
                yield from (link for link in value.values() if isinstance(link, dict))
            else:
                yield from _all_links(value)
    elif isinstance(document, list):
        for value in document:
            yield from _all_links(value)


def _is_scope_parameter(document: dict[str, Any], parameter: Any) -> bool:
    parameter = resolve(document, parameter)
    return parameter.get("in") == "path" and parameter.get("name") in SCOPE_PARAMETERS


def pin_scope(document: dict[str, Any], scope: RunScope) -> dict[str, str]:
    """Fix ``{tenantId}`` / ``{storeId}`` of every path of ``document`` (changed in
    place) to the scope's; they are parameters no more, here or in links. Returns
    each new path's template (to report operations by their spec names)."""
    values = {name: getattr(scope, field) for name, field in SCOPE_PARAMETERS.items()}
    templates: dict[str, str] = {}
    paths: dict[str, Any] = {}
    for template, item in document["paths"].items():
        path = template
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        templates[path] = template
        for holder in (item, *(item[m] for m in METHODS if m in item)):
            if "parameters" in holder:
                holder["parameters"] = [
                    p for p in holder["parameters"] if not _is_scope_parameter(document, p)
                ]
        paths[path] = item
    document["paths"] = paths
    for link in _all_links(document):
        for name in SCOPE_PARAMETERS:
            (link.get("parameters") or {}).pop(name, None)
    return templates


@dataclasses.dataclass(frozen=True)
class CreateRule:
    """What one create produces: path parameter -> response body pointer, and the
    DELETE that removes the record (its path and link parameters), when there is one."""

    produced: dict[str, str]
    delete: tuple[str, dict[str, str]] | None


@dataclasses.dataclass
class SpecRules:
    """What a guard knows of one (scope-pinned) spec."""

    api: str
    base: str
    #: Path parameter name -> its JSON type, for those some create produces.
    guarded: dict[str, str]
    #: (method, path) -> its rule, for each create.
    creates: dict[tuple[str, str], CreateRule]
    #: PATCH paths whose DataFlow items may create records, with the path parameter
    #: and DELETE path that address one.
    patch_creates: dict[str, tuple[str, str]]
    templates: dict[str, str]
    #: operationIds of writes that can change tenant-wide records (see :func:`shared_writes`).
    shared: list[str] = dataclasses.field(default_factory=list)


def _success_links(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for status, response in operation.get("responses", {}).items():
        if str(status).startswith("2"):
            found += list((resolve(document, response).get("links") or {}).values())
    return found


def _path_parameter_types(document: dict[str, Any]) -> dict[str, str]:
    types: dict[str, str] = {}
    for path, _method, operation in operations(document):
        item = document["paths"][path]
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = resolve(document, parameter)
            if parameter.get("in") == "path":
                schema = resolve(document, parameter.get("schema", {}))
                types[parameter["name"]] = schema.get("type", "string")
    return types


def spec_rules(
    api: str, document: dict[str, Any], base: str, templates: dict[str, str]
) -> SpecRules:
    """Read from a spec which operations create what, and which ids writes must own."""
    by_id = {op.get("operationId"): (path, method) for path, method, op in operations(document)}
    creates: dict[tuple[str, str], CreateRule] = {}
    for path, method, operation in operations(document):
        if method != "post":
            continue
        links = _success_links(document, operation)
        produced: dict[str, str] = {}
        delete = None
        for link in links:
            parameters = {k: str(v) for k, v in (link.get("parameters") or {}).items()}
            for name, expression in parameters.items():
                if expression.startswith("$response.body#"):
                    produced[name] = expression.removeprefix("$response.body#")
            target = by_id.get(link.get("operationId"))
            if target is not None and target[1] == "delete" and delete is None:
                delete = (target[0], parameters)
        if produced:
            creates[(method, path)] = CreateRule(produced, delete)
    types = _path_parameter_types(document)
    guarded = {
        name: types.get(name, "string") for rule in creates.values() for name in rule.produced
    }
    patch_creates = {}
    for path, method, _operation in operations(document):
        names = [n for n in guarded if "{" + n + "}" in path]
        if method == "patch" and "delete" in document["paths"][path] and len(names) == 1:
            patch_creates[path] = (names[0], path)
    return SpecRules(api, base.rstrip("/"), guarded, creates, patch_creates, templates)


def shared_writes(document: dict[str, Any]) -> list[str]:
    """operationIds of writes to tenant-wide records (under ``{tenantId}`` but no
    ``{storeId}``): types, statuses, rates. They can change records every store of
    the tenant shares, so they run only in a tenant of the run's own."""
    return [
        operation["operationId"]
        for path, method, operation in operations(document)
        if method != "get" and "{tenantId}" in path and "{storeId}" not in path
    ]


def pick(values: list[Any], seed: Any) -> Any:
    """One of ``values``, chosen by ``seed`` the same way in every process."""
    return values[zlib.crc32(repr(seed).encode()) % len(values)]


class Guard:
    """What one run against a live target knows: its scope, the ids it created, the
    reference data found; what to remove at the end goes to ``log``, the run's ledger."""

    def __init__(
        self,
        scope: RunScope,
        origin: str,
        headers: dict[str, str],
        timeout: float,
        on_progress: Callable[[str], None] = lambda line: None,
        log: CreatedLog | None = None,
    ) -> None:
        self.scope, self.origin = scope, origin.rstrip("/")
        self.headers, self.timeout, self.on_progress = headers, timeout, on_progress
        self.log = log if log is not None else CreatedLog(scope.created_file)
        self.rules: dict[str, SpecRules] = {}
        #: Path parameter name -> ids the run created, oldest first.
        self.created: dict[str, list[Any]] = {}
        #: Body field -> reference ids the target has.
        self.found: dict[str, list[Any]] = {}
        self._lock = threading.Lock()

    # -- set-up ------------------------------------------------------------------

    def adopt(self, api: str, document: dict[str, Any], base: str) -> SpecRules:
        """Pin ``document`` (changed in place) to the scope and guard every request
        schemathesis makes from it."""
        shared = shared_writes(document)
        templates = pin_scope(document, self.scope)
        rules = spec_rules(api, document, base, templates)
        rules.shared = shared
        self.rules[api] = rules
        key = f"{self.scope.run_id}:{api}:{id(self)}"
        document[GUARD_TAG] = key
        _GUARDS[key] = (self, api)
        return rules

    def release(self) -> None:
        for key in [k for k, (guard, _) in _GUARDS.items() if guard is self]:
            del _GUARDS[key]

    def client(self) -> httpx.Client:
        return httpx.Client(headers=self.headers, timeout=self.timeout)

    def discover(self, apis: set[str], base_paths: dict[str, str]) -> None:
        """Read the reference data creates need from the target's own API."""
        with self.client() as client:
            for path, field in REFERENCE_LISTS["orders"] if "orders" in apis else ():
                url = base_paths["orders"] + path.replace("{tenantId}", self.scope.tenant)
                items = _items(client, url, {"perPage": 100}, "data")
                self._found(field, [item.get(field) for item in items])
            if "services" in apis:
                url = base_paths["services"] + "/Service/Paged"
                items = _items(client, url, {"pageSize": 100}, "pagedResults", "items")
                for field in V4_LOOKUPS:
                    self._found(field, [item.get(field) for item in items])
        missing = sorted(f for f, v in self.found.items() if not v)
        shown = ", ".join(f"{len(v)} {f}" for f, v in sorted(self.found.items()) if v)
        self.on_progress(f"reference data found on the target: {shown or 'none'}")
        if missing:
            self.on_progress(
                f"  [warn] none found for {', '.join(missing)}: creates naming them will be "
                "refused (400), and what follows them is not exercised"
            )

    def _found(self, field: str, values: list[Any]) -> None:
        kept = [v for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
        self.found[field] = sorted(set(kept), key=str)

    # -- requests ----------------------------------------------------------------

    def owns(self, name: str, value: Any) -> bool:
        return str(value) in {str(v) for v in self.created.get(name, ())}

    def own_id(self, rules: SpecRules, name: str, value: Any) -> Any:
        """``value`` when the run created it, else one of the run's ids of ``name``
        (or one that cannot exist while it has none)."""
        if self.owns(name, value):
            return value
        ids = self.created.get(name)
        if ids:
            return pick(ids, value)
        return 0 if rules.guarded.get(name) == "integer" else f"{self.scope.run_id}-none"

    def prepare(
        self,
        api: str,
        method: str,
        path: str,
        path_parameters: dict[str, Any],
        body: Any,
        *,
        positive_body: bool,
    ) -> None:
        """Make a request safe, in place: ids it writes to become the run's own; a
        positive body names reference data the target has."""
        rules = self.rules[api]
        with self._lock:
            if method.lower() != "get":
                for name in list(path_parameters):
                    if name in rules.guarded:
                        path_parameters[name] = self.own_id(rules, name, path_parameters[name])
                for holder in _dicts(body):
                    for field, name in BODY_TARGETS.items():
                        if field in holder and name in rules.guarded:
                            holder[field] = self.own_id(rules, name, holder[field])
            if positive_body:
                for holder in _dicts(body):
                    for field, known in self.found.items():
                        value = holder.get(field)
                        # "" names no record (optional references); it stays as it is.
                        if known and value not in (None, "") and value not in known:
                            holder[field] = pick(known, value)

    def observe(
        self,
        api: str,
        method: str,
        path: str,
        path_parameters: dict[str, Any],
        status: int,
        body: Any,
    ) -> None:
        """After a response: note what a successful create made."""
        rules = self.rules[api]
        if not 200 <= status < 300 or not isinstance(body, dict):
            return
        rule = rules.creates.get((method.lower(), path))
        if rule is not None:
            try:
                values = {name: lifecycle.pointer(body, p) for name, p in rule.produced.items()}
                url = None
                if rule.delete is not None:
                    path, parameters = rule.delete
                    url = rules.base + lifecycle.link_target(
                        path, parameters, path_parameters, body
                    )
            except (KeyError, IndexError, TypeError, ValueError):
                return  # not the documented body; the schema checks say why
            self._created(rules, values, url)
        elif method.lower() == "patch" and path in rules.patch_creates:
            name, delete_path = rules.patch_creates[path]
            results = body.get("results")
            for item in (results.get("items") if isinstance(results, dict) else None) or []:
                if isinstance(item, dict) and item.get("action") == "created":
                    url = rules.base + delete_path.replace("{" + name + "}", str(item["identity"]))
                    self._created(rules, {name: item["identity"]}, url)

    def _created(self, rules: SpecRules, values: dict[str, Any], url: str | None) -> None:
        with self._lock:
            for name, value in values.items():
                if value is not None and not self.owns(name, value):
                    self.created.setdefault(name, []).append(value)
            if url is not None:
                self.log.add(rules.api, "DELETE", url)

    # -- the end -----------------------------------------------------------------

    def is_servicestub(self, client: httpx.Client) -> bool:
        """Whether the target is a servicestub (its control plane answers health)."""
        try:
            answer = client.get(self.origin + "/_mock/health")
            return answer.status_code == 200 and answer.json().get("status") == "ok"
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    def note_tenant_drop(self, apis: set[str]) -> list[str]:
        """On a servicestub, list the drop of the run's own tenants (its fresh one, and
        the one isolation checks read, which reading makes exist there) first in the
        created-records file and last in the ledger (so they are dropped after
        everything else, at the end and by ``--cleanup``). The tenants noted."""
        if "orders" not in apis:
            return []
        with self.client() as client:
            if not self.is_servicestub(client):
                return []
        own = [self.scope.tenant] if self.scope.fresh_tenant else []
        for tenant in [*own, self.scope.other_tenant]:
            self.log.add("admin", "DELETE", f"{self.origin}/_mock/tenants/{tenant}", last=True)
        return [*own, self.scope.other_tenant]


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a body, outermost first."""
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _dicts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _dicts(inner)


def _items(client: httpx.Client, url: str, params: dict[str, Any], *keys: str) -> list[Any]:
    try:
        answer = client.get(url, params=params)
        data: Any = answer.json() if answer.status_code == 200 else {}
        for key in keys:
            data = data.get(key) if isinstance(data, dict) else None
    except (httpx.HTTPError, ValueError):
        return []
    return [item for item in data or [] if isinstance(item, dict)]


def _guard_of(case: Any) -> tuple[Guard, str] | None:
    raw = getattr(case.operation.schema, "raw_schema", None)
    key = raw.get(GUARD_TAG) if isinstance(raw, dict) else None
    return _GUARDS.get(key) if key else None


def _body_is_positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    if meta is None:
        return True
    from schemathesis.core.parameters import ParameterLocation

    component = meta.components.get(ParameterLocation.BODY)
    return component is None or not component.mode.is_negative


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Every request of a guarded spec is made safe before it is sent."""
    found = _guard_of(case)
    if found is None:
        return
    guard, api = found
    if case.path_parameters is None:
        case.path_parameters = {}
    guard.prepare(
        api,
        str(case.operation.method),
        case.operation.path,
        case.path_parameters,
        case.body,
        positive_body=_body_is_positive(case),
    )


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Every answer to a guarded spec's create is noted in the ledger and the file."""
    found = _guard_of(case)
    if found is None:
        return
    guard, api = found
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    guard.observe(
        api,
        str(case.operation.method),
        case.operation.path,
        case.path_parameters or {},
        response.status_code,
        body,
    )
