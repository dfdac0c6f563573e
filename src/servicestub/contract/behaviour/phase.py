"""The behavioural phase: discover the reference data the target has, work in
the run's own scope, run each chosen rule family, and remove what it created."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from servicestub.contract.behaviour import created
from servicestub.contract.behaviour.engine import Context, run_family
from servicestub.contract.model import RULE_FAMILIES, Options, Outcome

#: Calls per sequence, per family (lists and reads walk pages, so fewer steps there).
STEPS = 12


def new_run_id() -> str:
    return secrets.token_hex(4)


def scope(options: Options, run_id: str) -> tuple[str, str]:
    """The run's tenant and store: given ones, or fresh ones named after seed and run id."""
    tenant = options.tenant or f"ct{options.seed % 100000}-{run_id}"
    return tenant, options.store or f"st-{run_id}"


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
    statuses = sorted(_all(ctx, f"{base}/service-statuses"), key=lambda s: s.get("position", 0))
    rates = [r for r in _all(ctx, f"{base}/hourly-rates") if r.get("price") is not None]
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


def machines(rules: list[str]) -> list[tuple[str, Any]]:
    from servicestub.contract.behaviour import orders, statuses, v4

    found = []
    for family in rules:
        if family in orders.RULES:
            found.append((family, orders.family_machine(family)))
        elif family == "statuses":
            found.append((family, statuses.StatusesMachine))
        elif family == "v4":
            found.append((family, v4.ServicesMachine))
    return found


def run_behaviour(
    origin: str,
    apis: set[str],
    options: Options,
    outcome: Outcome,
    on_progress: Callable[[str], None],
) -> None:
    """Run the chosen families of the APIs under test against ``origin``."""
    run_id = options.run_id or new_run_id()
    tenant, store = scope(options, run_id)
    path = Path(options.created_file) if options.created_file else created.default_path(run_id)
    ctx = Context(
        origin,
        dict(options.headers),
        options.request_timeout,
        outcome,
        created.CreatedLog(path),
        run_id,
        tenant,
        store,
    )
    ctx.found["sharedTenant"] = bool(options.tenant)
    on_progress(
        f"behaviour: run id {run_id} (--run-id {run_id} --seed {options.seed} repeats it), "
        f"scope {tenant}/{store}, created records -> {path}"
    )
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
        cleanup(ctx, on_progress)
        ctx.client.close()


def cleanup(ctx: Context, on_progress: Callable[[str], None]) -> None:
    """Remove what the run created and still exists (newest first)."""
    left = 0
    for url, method in reversed(list(ctx.to_remove.items())):
        try:
            answer = ctx.client.request(method, url)
        except Exception:
            left += 1
            continue
        if answer.status_code >= 300 and answer.status_code != 404:
            left += 1
    removed = len(ctx.to_remove) - left
    ctx.to_remove.clear()
    on_progress(
        f"behaviour: removed {removed} created record(s)" + (f", {left} left" if left else "")
    )
