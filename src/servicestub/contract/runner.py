"""Run the lifecycle probe, then schemathesis's engine, over each chosen spec
against one origin, and collect per operation and check what passed and what failed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import yaml
from schemathesis.engine import from_schema

from servicestub.contract.config import load_schema
from servicestub.contract.determinism import pinned_generation
from servicestub.contract.lifecycle import Probe
from servicestub.contract.model import SCHEMA_PHASES, Options, Outcome
from servicestub.contract.recording import EventRecorder
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
) -> Outcome:
    """Test every operation of ``specs`` against ``origin`` (scheme://host:port);
    each spec's base path is appended to it."""
    origin = origin.rstrip("/")
    outcome = Outcome(seed=options.seed)
    problem = unreachable(origin)
    if problem:
        outcome.errors.append(problem)
        on_progress(f"  [ERR ] {problem}")
        return outcome
    tested = set()
    with pinned_generation(options.seed):
        for spec in specs:
            path = spec_override or spec.path
            if not path.is_file():
                outcome.skipped[spec.name] = f"its spec {path} does not exist"
                on_progress(f"{spec.name}: skipped, its spec {path} does not exist")
                continue
            tested.add(spec.name)
            if any(phase in SCHEMA_PHASES for phase in options.phases):
                _run_spec(origin, spec, path, options, outcome, on_progress)
        if "behaviour" in options.phases and tested & {"orders", "services"}:
            from servicestub.contract.behaviour.phase import run_behaviour

            run_behaviour(origin, tested, options, outcome, on_progress)
    return outcome


def _document(spec: ApiSpec, path: Path) -> dict[str, Any]:
    """A fresh parse of the spec to test (its own, or the file given instead)."""
    if path == spec.path:
        return spec.document()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: dict[str, Any] = yaml.load(path.read_text(), Loader=loader)
    return document


def _run_spec(
    origin: str,
    spec: ApiSpec,
    path: Path,
    options: Options,
    outcome: Outcome,
    on_progress: Callable[[str], None],
) -> None:
    base = origin + spec.base_path
    on_progress(f"{spec.name}: {base} ({path.name}, seed {options.seed})")
    try:
        schema = load_schema(spec.name, _document(spec, path), base, options)
    except Exception as exc:  # an unreadable spec stops this API, not the run
        problem = f"cannot load {path}: {' '.join(str(exc).split())}"
        outcome.errors.append(f"{spec.name}: {problem}")
        on_progress(f"  [ERR ] {problem}")
        return
    if "stateful" in options.phases:
        # First, while the records the spec's examples name are still there.
        Probe(
            spec.name,
            _document(spec, path),
            base,
            dict(options.headers),
            outcome,
            on_progress,
            timeout=options.request_timeout,
        ).run()
    recorder = EventRecorder(spec.name, outcome, on_progress)
    for event in from_schema(schema).execute():
        recorder.handle(event)
