"""The behavioural phase: discover the reference data the target has, then run
each chosen rule family in the run's scope, listing what it creates in the run's
ledger (the runner removes it at the end, with what the schema phases created)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from servicestub.contract.behaviour import model as m
from servicestub.contract.behaviour import orders
from servicestub.contract.behaviour.engine import BehaviourMachine, Context, run_family
from servicestub.contract.behaviour.statuses import StatusesMachine
from servicestub.contract.behaviour.v4 import ServicesMachine
from servicestub.contract.created import CreatedLog
from servicestub.contract.model import RULE_FAMILIES, Options, Outcome
from servicestub.contract.scope import RunScope

#: Calls per sequence, per family (lists and reads walk pages, so fewer steps there).
STEPS = 12


def _all(ctx: Context, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in range(1, 51):
        answer = ctx.client.get(ctx.origin + path, params={"page": page, "perPage": 100})
        answer.raise_for_status()
        data = answer.json().get("data") or []
        items += data
        if len(data) < 100:
            break
    return items


def discover(ctx: Context) -> str | None:
    """Reference data of the run's tenant, from the target's own API; why not, or None."""
    base = f"/v1/tenants/{ctx.tenant}"
    types = [t["serviceTypeUid"] for t in _all(ctx, f"{base}/service-types")]
    statuses = sorted(
        _all(ctx, f"{base}/service-statuses"), key=lambda s: m.answered_order(s.get("position", 0))
    )
    rates = [
        r for r in _all(ctx, f"{base}/hourly-rates") if m.answered_money(r.get("price")) is not None
    ]
    if not types:
        return f"tenant {ctx.tenant} has no service types to create orders with"
    if not statuses:
        return f"tenant {ctx.tenant} has no workflow statuses"
    ctx.found.update(
        serviceTypes=types,
        statuses=[s["statusUid"] for s in statuses],
        # Exact in cents, so that hours x price never needs rounding.
        rates=[r for r in rates if round(float(r["price"]) * 100) == float(r["price"]) * 100],
    )
    return None


def machines(rules: list[str]) -> list[tuple[str, type[BehaviourMachine]]]:
    found: list[tuple[str, type[BehaviourMachine]]] = []
    for family in rules:
        if family in orders.RULES:
            found.append((family, orders.family_machine(family)))
        elif family == "statuses":
            found.append((family, StatusesMachine))
        elif family == "v4":
            found.append((family, ServicesMachine))
    return found


def run_behaviour(
    origin: str,
    apis: set[str],
    options: Options,
    outcome: Outcome,
    on_progress: Callable[[str], None],
    scope: RunScope,
    log: CreatedLog,
) -> None:
    """Run the chosen families of the APIs under test against ``origin``, in ``scope``."""
    ctx = Context(
        origin,
        dict(options.headers),
        options.request_timeout,
        outcome,
        log,
        scope.run_id,
        scope.tenant,
        scope.store,
        scope.other_tenant,
    )
    ctx.found["sharedTenant"] = not scope.fresh_tenant
    on_progress(f"behaviour: scope {scope.tenant}/{scope.store}")
    wanted = [f for f in RULE_FAMILIES if f in options.rules]
    chosen = [(family, machine) for family, machine in machines(wanted) if machine.api in apis]
    try:
        if any(machine.api == "orders" for _, machine in chosen):
            problem = discover(ctx)
            if problem:
                outcome.errors.append(f"orders behaviour: {problem}")
                on_progress(f"  [ERR ] behaviour: {problem}")
                chosen = [(f, mc) for f, mc in chosen if mc.api != "orders"]
        for number, (family, machine) in enumerate(chosen):
            prepare = getattr(machine, "prepare", None)
            if prepare is not None:
                problem = prepare(ctx)
                if problem:
                    outcome.skipped[f"behaviour {family}"] = problem
                    on_progress(f"  [skip] behaviour {family}: {problem}")
                    continue
            run_family(
                machine,
                ctx,
                seed=options.seed + number,
                examples=options.behaviour_examples,
                steps=STEPS,
                waivers=options.waivers,
                on_progress=on_progress,
                shrink_seconds=options.shrink_seconds,
            )
    finally:
        ctx.client.close()
