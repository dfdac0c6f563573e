"""Turn schemathesis engine events into an :class:`Outcome` and progress lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis.engine import Status, StopReason
from schemathesis.engine import events as ev

from servicestub.contract.checks import REGISTRY
from servicestub.contract.model import Failure, Outcome

Progress = Callable[[str], None]
REASON_LIMIT = 240


def one_line(failure: Any) -> str:
    """The gist of a schemathesis failure on one line: for a schema violation
    the validator's words and where in the body; else the message's first few
    lines joined (``Received: 200; Documented: 201, 400``)."""
    validation = getattr(failure, "validation_message", "")
    if validation:
        where = "/".join(str(part) for part in getattr(failure, "instance_path", ()))
        line = f"{validation} (at /{where})" if where else validation
    else:
        text = str(getattr(failure, "message", "") or "")
        lines = [line.strip() for line in text.splitlines() if line.strip()][:3]
        line = ""
        for part in lines:
            line = f"{line} {part}" if not line or line.endswith(":") else f"{line}; {part}"
        if not line:
            status = getattr(failure, "status_code", None)
            line = f"the server answered {status}" if status else str(failure.title)
    line = " ".join(line.split())
    return line if len(line) <= REASON_LIMIT else line[: REASON_LIMIT - 1] + "…"


def _commands(info: Any) -> tuple[str, ...]:
    """Ready-to-paste commands reproducing a failure, one line each, oldest first."""
    steps = [step.curl for step in getattr(info, "steps", None) or []]
    commands = steps if len(steps) > 1 else [info.code_sample]
    return tuple(" ".join(str(command).split()) for command in commands if command)


class EventRecorder:
    """Collects one API's events into ``outcome``; prints one line per scenario."""

    def __init__(
        self,
        api: str,
        outcome: Outcome,
        on_progress: Progress,
        templates: dict[str, str] | None = None,
    ) -> None:
        self.api = api
        #: Scope-pinned path -> the spec's template, so reports name operations as the spec does.
        self.templates = templates or {}
        self.outcome = outcome
        self.on_progress = on_progress
        self._seen: set[tuple[str, str, str]] = set()
        self._stateful = 0

    def handle(self, event: ev.EngineEvent) -> None:
        if isinstance(event, ev.ScenarioFinished):
            self._scenario(event)
        elif isinstance(event, ev.NonFatalError):
            message = " ".join(event.info.message.split())[:REASON_LIMIT]
            self.outcome.errors.append(f"{self.api} {event.label}: {message}")
            self.on_progress(f"  [ERR ] {event.label}: {message}")
        elif isinstance(event, ev.FatalError):
            self._error(" ".join(str(event.exception).split()))
        elif isinstance(event, ev.Interrupted):
            self._error("interrupted before the end")
        elif isinstance(event, ev.EngineFinished):
            for failure in event.failures:
                self._add(self.label(failure.operation or "(whole run)"), "after_run", failure, ())
            if event.stop_reason not in (StopReason.COMPLETED, StopReason.INTERRUPTED):
                self._error(f"stopped early: {event.stop_reason.skip_explanation}")

    def label(self, label: str) -> str:
        """``METHOD /path`` with the path as the spec writes it."""
        method, _, path = label.partition(" ")
        return f"{method} {self.templates.get(path, path)}"

    def _error(self, problem: str) -> None:
        self.outcome.errors.append(f"{self.api}: {problem}")
        self.on_progress(f"  [ERR ] {problem}")

    def _scenario(self, event: ev.ScenarioFinished) -> None:
        recorder = event.recorder
        if event.status == Status.SKIP and not recorder.checks:
            return
        self.outcome.requests[self.api] = self.outcome.requests.get(self.api, 0) + len(
            recorder.interactions
        )
        failed = 0
        for case_id, nodes in recorder.checks.items():
            node_case = recorder.cases.get(case_id)
            operation = self.label(node_case.value.operation.label if node_case else recorder.label)
            for node in nodes:
                self.outcome.mark_ran(self.api, operation, node.name)
                if node.status == Status.FAILURE and node.failure_info is not None:
                    info = node.failure_info
                    failed += self._add(operation, node.name, info.failure, _commands(info))
        mark = "FAIL" if failed or event.status == Status.FAILURE else " ok "
        phase = event.phase.value
        if phase == "stateful":
            self.on_progress(f"  [{mark}] {phase:<9} {self._stateful_label(recorder)}")
        else:
            self.on_progress(f"  [{mark}] {phase:<9} {self.label(recorder.label)}")

    def _stateful_label(self, recorder: Any) -> str:
        """'scenario N, K calls: A -> B -> C', the operations in call order."""
        self._stateful += 1
        labels: list[str] = []
        for node in recorder.cases.values():
            label = self.label(node.value.operation.label)
            if not labels or labels[-1] != label:
                labels.append(label)
        shown = " -> ".join(labels[:4]) + (f" -> … (+{len(labels) - 4})" if len(labels) > 4 else "")
        calls = len(recorder.interactions)
        return f"scenario {self._stateful}, {calls} call{'s' if calls != 1 else ''}: {shown}"

    def _add(self, operation: str, check: str, failure: Any, curl: tuple[str, ...]) -> int:
        """Record a failure unless the same one is already known; 1 if recorded."""
        reason = one_line(failure)
        custom = REGISTRY.get(check)
        title = custom.title if custom else str(getattr(failure, "title", check))
        key = (operation, check, title)
        if key in self._seen:
            return 0
        self._seen.add(key)
        self.outcome.failures.append(Failure(self.api, operation, check, title, reason, curl))
        return 1
