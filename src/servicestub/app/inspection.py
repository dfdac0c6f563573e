"""``servicestub inspect``: how each operation of a third-party spec is served,
and why, without serving it.

An operation is served **stateful** (an operation of one of the collections the
engine reads from the spec: which collection, which action), **from examples**
(the success it answers documents an example that validates: which), or
**generated** from its schema; an operation whose success has no body answers
**empty**. Where a path looks like a collection the engine cannot serve, the
reason the model gives is shown (``SpecModel.skipped``); parts dropped at load
come from :func:`dropped_parts`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings
from servicestub.engine.answers import Plan, plan_document
from servicestub.engine.dispatch import collection_operations
from servicestub.engine.model import SpecModel, model_of
from servicestub.specs import ApiSpec, operations, own_operation_id
from servicestub.specs.pruning import Dropped

How = Literal["stateful", "examples", "generated", "empty", "dropped"]


@dataclasses.dataclass(frozen=True)
class Served:
    """How one operation is served."""

    method: str
    path: str
    operation_id: str
    how: How
    why: str

    def line(self) -> str:
        return f"{self.method.upper():7} {self.path}  {self.operation_id}  {self.how}: {self.why}"


@dataclasses.dataclass(frozen=True)
class Report:
    """Every operation of one spec, and whether the spec can be served at all."""

    api: str
    mount: str
    operations: tuple[Served, ...]
    #: Why the spec cannot be served at all (``None``: it can).
    refused: str | None = None

    def summary(self) -> str:
        if self.refused is not None:
            return f"{self.api}: cannot be served: {self.refused}"
        counts = {how: 0 for how in ("stateful", "examples", "generated", "empty", "dropped")}
        for served in self.operations:
            counts[served.how] += 1
        parts = ", ".join(f"{count} {how}" for how, count in counts.items() if count)
        return f"{self.api} at {self.mount or '/'}: {len(self.operations)} operations ({parts})"

    def as_json(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "mount": self.mount or "/",
            "refused": self.refused,
            "operations": [dataclasses.asdict(served) for served in self.operations],
            "summary": self.summary(),
        }


def dropped_parts(dropped: Iterable[Dropped]) -> dict[tuple[str, str], str]:
    """``(method, path) -> why`` of the operations left out of the served spec
    (at load, or when the app was built: :attr:`Runtime.parts`)."""
    return {(part.method.lower(), part.path): part.reason for part in dropped}


def _planned(plan: Plan) -> tuple[How, str]:
    if not plan.media:
        return "empty", plan.describe()
    if plan.media[0].source is not None:
        return "examples", plan.describe()
    return "generated", plan.describe()


def _not_a_collection(model: SpecModel, path: str) -> str:
    """Why the operations at ``path`` are not a collection's."""
    for candidate in (path, path.rsplit("/", 1)[0]):
        if candidate in model.skipped:
            why = model.skipped[candidate]
            return why if why.startswith(candidate) else f"{candidate}: {why}"
    return "not a collection's operation"


def inspect_api(
    api: ApiSpec, dropped: Iterable[Dropped] = (), unserved: Mapping[str, str] | None = None
) -> Report:
    """How each operation of ``api`` is served; ``dropped``: the operations left
    out of it (at load, or when the app was built), each with its reason;
    ``unserved``: operationId -> why a collection's operation is answered instead."""
    model = model_of(api)
    unserved = unserved or {}
    engine = {k: v for k, v in collection_operations(model).items() if k not in unserved}
    left_out = dropped_parts((*api.dropped, *dropped))
    listed: list[tuple[str, str, str, dict[str, Any]]] = []
    for _doc, path, method, operation in operations((api,)):
        if (method, path) not in left_out:
            listed.append((method, path, operation["operationId"], operation))
    answered = {op_id: op for _m, _p, op_id, op in listed if op_id not in engine}
    plans = plan_document(api.parsed(), answered)
    found = []
    for method, path, operation_id, _operation in listed:
        shown = own_operation_id(operation_id)
        if operation_id in engine:
            served = engine[operation_id]
            why = f"collection {served.collection.path} ({served.action})"
            found.append(Served(method, path, shown, "stateful", why))
        else:
            how, made = _planned(plans[operation_id])
            why = f"{made}; {unserved.get(operation_id) or _not_a_collection(model, path)}"
            found.append(Served(method, path, shown, how, why))
    # What was left out of the served spec comes last, with its reason.
    found += [Served(m, p, "", "dropped", why) for (m, p), why in left_out.items()]
    return Report(api.name, api.base_path, tuple(found))


def inspect_spec(path: Path) -> Report:
    """The report of the spec file ``path``; ``refused`` says why when it cannot be
    served at all (the app that would serve it fails to start)."""
    try:
        app = create_app(Settings(specs=((path, None),)))
        (api,) = (spec for spec in app.runtime.apis if spec.third_party)
    except Exception as error:  # whatever stops a start stops the spec being served
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return Report(path.stem, "", (), refused=first)
    if api.name not in app.runtime.parts:
        return inspect_api(api)
    parts = app.runtime.decided(api.name)  # every collection's records checked
    return inspect_api(api, parts.dropped, parts.unserved)
