"""Run the lifecycle probe, then schemathesis's engine, over each chosen spec
against one origin, then the behavioural phase, and collect per operation and check
what passed and what failed. One run scope (tenant, store, created-records ledger)
serves every phase, and one clean-up at the end removes what they created."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
from schemathesis.engine import from_schema

from servicestub.contract.behaviour.phase import run_behaviour
from servicestub.contract.config import load_schema
from servicestub.contract.created import CreatedLog
from servicestub.contract.determinism import pinned_generation
from servicestub.contract.lifecycle import Probe
from servicestub.contract.model import SCHEMA_PHASES, Options, Outcome
from servicestub.contract.recording import EventRecorder
from servicestub.contract.safety import Guard, SpecRules
from servicestub.contract.scope import RunScope
from servicestub.core.safe_yaml import SPEC_LIMITS, load_file
from servicestub.specs import ApiSpec


def unreachable(origin: str, timeout: float = 5.0) -> str | None:
    """Why nothing answers at ``origin``, or None when something does (any status)."""
    try:
        httpx.get(origin + "/", timeout=timeout)
    except httpx.HTTPError as exc:
        return f"nothing answers at {origin}: {exc}"
    return None


def run(
    origin: str,
    specs: Sequence[ApiSpec],
    options: Options,
    on_progress: Callable[[str], None] = lambda line: None,
    *,
    spec_override: Path | None = None,
    live: bool = False,
) -> Outcome:
    """Test every operation of ``specs`` against ``origin`` (scheme://host:port);
    each spec's base path is appended to it. ``live``: the target is not the run's
    own, so the schema phases too work in the run's scope and touch only what it
    created (:mod:`servicestub.contract.safety`). The behaviour phase always works in
    the scope; what any phase created is removed at the end."""
    origin = origin.rstrip("/")
    outcome = Outcome(seed=options.seed)
    problem = unreachable(origin)
    if problem:
        outcome.errors.append(problem)
        on_progress(f"  [ERR ] {problem}")
        return outcome
    scope = RunScope.of(options) if live or "behaviour" in options.phases else None
    log = CreatedLog(scope.created_file) if scope is not None else None
    if scope is not None:
        on_progress(
            f"run id {scope.run_id} (--run-id {scope.run_id} --seed {options.seed} repeats it); "
            f"scope: tenant {scope.tenant}{'' if scope.fresh_tenant else ' (given)'}, "
            f"store {scope.store}; created records -> {scope.created_file}"
        )
    guard = None
    if live and scope is not None:
        headers, timeout = dict(options.headers), options.request_timeout
        guard = Guard(scope, origin, headers, timeout, on_progress, log)
    try:
        with pinned_generation(options.seed):
            chosen = []
            for spec in specs:
                path = spec_override or spec.path
                if not path.is_file():
                    outcome.skipped[spec.name] = f"its spec {path} does not exist"
                    on_progress(f"{spec.name}: skipped, its spec {path} does not exist")
                    continue
                chosen.append((spec, path))
            tested = {s.name for s, _ in chosen}
            schema_phases = any(phase in SCHEMA_PHASES for phase in options.phases)
            if guard is not None:
                dropped = guard.note_tenant_drop(tested)
                if dropped:
                    on_progress(
                        f"the target is a servicestub: tenant {' and '.join(dropped)} is "
                        "dropped at the end"
                    )
                if schema_phases:
                    guard.discover(tested, {s.name: origin + s.base_path for s in specs})
            for spec, path in chosen if schema_phases else ():
                _run_spec(origin, spec, path, options, outcome, on_progress, guard)
            behaviour = "behaviour" in options.phases and tested & {"orders", "services"}
            if behaviour and scope is not None and log is not None:
                run_behaviour(origin, tested, options, outcome, on_progress, scope, log)
    finally:
        if guard is not None:
            guard.release()
        if log is not None:
            _finish(log, origin if live else None, options, on_progress)
    return outcome


def _finish(
    log: CreatedLog, live_origin: str | None, options: Options, on_progress: Callable[[str], None]
) -> None:
    """The run's one clean-up: remove what every phase created and did not remove
    itself, newest first (on a servicestub, the run's fresh tenant last)."""
    with httpx.Client(headers=dict(options.headers), timeout=options.request_timeout) as client:
        removal = log.remove_pending(client.request)
    line = f"clean-up: removed {len(removal.removed)} created record(s)"
    if removal.already_gone:
        line += f", {len(removal.already_gone)} already gone"
    on_progress(line)
    for left in removal.left:
        on_progress(f"  [warn] not removed: {left}")
    if removal.left and live_origin is not None:
        on_progress(
            f"  [warn] servicestub contract --cleanup {log.path} --url {live_origin} retries"
        )


def _document(spec: ApiSpec, path: Path) -> dict[str, Any]:
    """A fresh parse of the spec to test (its own, or the file given instead)."""
    if path == spec.path:
        return spec.document()
    document: dict[str, Any] = load_file(path, SPEC_LIMITS)  # a user's file: within bounds
    return document


def _run_spec(
    origin: str,
    spec: ApiSpec,
    path: Path,
    options: Options,
    outcome: Outcome,
    on_progress: Callable[[str], None],
    guard: Guard | None = None,
) -> None:
    base = origin + spec.base_path
    on_progress(f"{spec.name}: {base} ({path.name}, seed {options.seed})")

    def document() -> dict[str, Any]:
        found = _document(spec, path)
        if guard is not None:
            guard.adopt(spec.name, found, base)
        return found

    try:
        tested = document()
        rules = guard.rules[spec.name] if guard is not None else None
        excluded = _excluded(rules, options, on_progress)
        schema = load_schema(spec.name, tested, base, options, excluded)
    except Exception as exc:  # an unreadable spec stops this API, not the run
        problem = f"cannot load {path}: {' '.join(str(exc).split())}"
        outcome.errors.append(f"{spec.name}: {problem}")
        on_progress(f"  [ERR ] {problem}")
        return
    templates = rules.templates if rules is not None else {}
    if "stateful" in options.phases:
        # First, while the records the spec's examples name are still there.
        Probe(
            spec.name,
            document(),
            base,
            dict(options.headers),
            outcome,
            on_progress,
            timeout=options.request_timeout,
            guard=guard,
            templates=templates,
        ).run()
    recorder = EventRecorder(spec.name, outcome, on_progress, templates)
    for event in from_schema(schema).execute():
        recorder.handle(event)


def _excluded(
    rules: SpecRules | None, options: Options, on_progress: Callable[[str], None]
) -> list[str]:
    """Operations a live run leaves out: writes to tenant-wide records of a tenant
    it did not make (unless ``--allow-shared-writes``)."""
    if rules is None or options.tenant is None or options.allow_shared_writes or not rules.shared:
        return []
    on_progress(
        f"  [skip] {', '.join(rules.shared)}: they change records every store of tenant "
        f"{options.tenant} shares; they run in a tenant of the run's own, or with "
        "--allow-shared-writes"
    )
    return list(rules.shared)
