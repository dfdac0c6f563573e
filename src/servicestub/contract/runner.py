"""Run schemathesis's engine over the chosen specs against one origin and
collect, per operation and check, what passed and what failed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, from_schema
from schemathesis.engine import events as ev

from servicestub.contract import PHASES
from servicestub.contract import checks as _custom
from servicestub.specs import ApiSpec

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "unsupported_method",
    *_custom.CUSTOM_CHECKS,
)


@dataclasses.dataclass(frozen=True)
class Failure:
    api: str
    operation: str
    check: str
    title: str
    reason: str
    curl: str


@dataclasses.dataclass
class Outcome:
    """Checks run per (api, operation), failures, and errors that stopped a run."""

    ran: dict[tuple[str, str], set[str]] = dataclasses.field(default_factory=dict)
    failures: list[Failure] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    #: Requests sent, per api.
    requests: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors


@dataclasses.dataclass(frozen=True)
class Options:
    max_examples: int = 20
    seed: int = 0
    phases: Sequence[str] = PHASES
    workers: int = 1
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


def _config(spec_path: Path, options: Options) -> SchemathesisConfig:
    """The project's schemathesis.toml (which operations may answer 400 to
    schema-valid data, and why) plus the run's seed."""
    project_file = spec_path.parent.parent / "schemathesis.toml"
    config = (
        SchemathesisConfig.from_path(project_file)
        if project_file.exists()
        else SchemathesisConfig.from_dict({})
    )
    config.update(seed=options.seed, max_failures=None)
    config.cache.enabled = False
    return config


def run(
    origin: str,
    specs: Sequence[ApiSpec],
    options: Options,
    on_progress: Callable[[str], None] = lambda line: None,
    *,
    spec_override: Path | None = None,
) -> Outcome:
    """Run every operation of ``specs`` against ``origin`` (scheme://host:port)."""
    outcome = Outcome()
    for spec in specs:
        path = spec_override or spec.path
        schema = schemathesis.openapi.from_path(str(path), config=_config(path, options))
        schema.config.update(
            base_url=origin.rstrip("/") + spec.base_path,
            headers=dict(options.headers) or None,
            workers=options.workers,
        )
        schema.config.generation.update(max_examples=options.max_examples, deterministic=True)
        schema.config.phases.update(phases=list(options.phases))
        schema.config.checks.update(included_check_names=list(CHECKS))
        on_progress(f"{spec.name}: {origin.rstrip('/')}{spec.base_path} ({path.name})")
        seen: set[tuple[str, str, str]] = set()
        for event in from_schema(schema).execute():
            if isinstance(event, ev.ScenarioFinished):
                _record(spec.name, event, outcome, seen, on_progress)
            elif isinstance(event, ev.FatalError):
                outcome.errors.append(f"{spec.name}: {event.exception}")
                on_progress(f"  ERROR {event.exception}")
            elif isinstance(event, ev.NonFatalError):
                outcome.errors.append(f"{spec.name} {event.label}: {event.info.message}")
                on_progress(f"  ERROR {event.label}: {event.info.message}")
        if "stateful" in options.phases and spec_override is None:
            from servicestub.contract.lifecycle import probe

            probe(origin, spec, outcome, dict(options.headers), on_progress)
    return outcome


def _record(
    api: str,
    event: ev.ScenarioFinished,
    outcome: Outcome,
    seen: set[tuple[str, str, str]],
    on_progress: Callable[[str], None],
) -> None:
    recorder = event.recorder
    outcome.requests[api] = outcome.requests.get(api, 0) + len(recorder.interactions)
    failed_here = 0
    for case_id, nodes in recorder.checks.items():
        case = recorder.cases.get(case_id)
        operation = case.value.operation.label if case else recorder.label
        for node in nodes:
            outcome.ran.setdefault((api, operation), set()).add(node.name)
            if node.status != Status.FAILURE or node.failure_info is None:
                continue
            failure = node.failure_info.failure
            key = (operation, node.name, failure.title)
            if key in seen:
                continue
            seen.add(key)
            failed_here += 1
            reason = " ".join(failure.message.split()) or failure.title
            outcome.failures.append(
                Failure(
                    api,
                    operation,
                    node.name,
                    failure.title,
                    reason[:300],
                    node.failure_info.code_sample,
                )
            )
    if event.status == Status.SKIP:
        return
    mark = "FAIL" if failed_here else " ok "
    on_progress(f"  [{mark}] {event.phase.value:<9} {recorder.label}")
