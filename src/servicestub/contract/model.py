"""What a contract run is asked to do and what it found; plain data, cheap to import."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

#: schemathesis's phases, in the order they run.
SCHEMA_PHASES = ("examples", "coverage", "fuzzing", "stateful")
#: Every phase: schemathesis's, then servicestub's behavioural one.
PHASES = (*SCHEMA_PHASES, "behaviour")
#: The behavioural phase's rule families (``--rules`` / ``--skip-rules``), in the order they run.
RULE_FAMILIES = (
    "lists",
    "writes",
    "deletes",
    "isolation",
    "search",
    "derived",
    "statuses",
    "reports",
    "v4",
)


def chosen(value: str | Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    """The names picked by ``value``, in the order of ``allowed``: one name or a
    comma-separated list as text (``"examples,coverage"``), or a sequence of
    names. A text is never taken for a sequence of letters; anything unknown,
    or nothing at all, is a :class:`ValueError` listing what is allowed."""
    if isinstance(value, str):
        wanted = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, Sequence) and all(isinstance(part, str) for part in value):
        wanted = [part.strip() for part in value]
    else:
        raise ValueError(f"{what} must be a name or a list of names; use {', '.join(allowed)}")
    unknown = sorted(set(wanted) - set(allowed))
    if unknown or not wanted:
        raise ValueError(
            f"unknown {what}(s) {', '.join(unknown) or '(none given)'}; use {', '.join(allowed)}"
        )
    return [name for name in allowed if name in wanted]


@dataclasses.dataclass(frozen=True)
class Options:
    """How hard and how to test. The same ``seed`` against the same server
    sends the same requests (with ``workers=1``)."""

    max_examples: int = 20
    seed: int = 0
    phases: Sequence[str] = PHASES
    workers: int = 1
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    #: Seconds to wait for each response before it counts as an error.
    request_timeout: float = 30.0
    #: Behavioural rule families to run.
    rules: Sequence[str] = RULE_FAMILIES
    #: Names the run's scope (with the seed); random and printed when None.
    run_id: str | None = None
    #: An existing tenant / store to work in instead of fresh ones of the run's own.
    tenant: str | None = None
    store: str | None = None
    #: Where the ids the run creates are written (JSON lines); a temp file when None.
    created_file: str | None = None
    #: Against a live target (``--url``): test the control plane too (it can reset the target).
    include_admin: bool = False
    #: Let writes that can only change shared records (tenant-wide types, statuses,
    #: rates) run in a tenant the run did not make itself (``--tenant``).
    allow_shared_writes: bool = False
    #: Known deviations a team accepts: rule id -> reason (reported, not failed).
    waivers: dict[str, str] = dataclasses.field(default_factory=dict)
    #: Hypothesis examples per behavioural rule family (each a sequence of calls).
    behaviour_examples: int = 8
    #: Seconds hypothesis may spend shrinking a behaviour failure to its shortest sequence.
    shrink_seconds: int = 20


@dataclasses.dataclass(frozen=True)
class Failure:
    """One contract break: where, which check, why (one line) and how to see it again."""

    api: str
    operation: str
    check: str
    title: str
    reason: str
    #: Shell commands reproducing it, oldest first (one line each).
    curl: tuple[str, ...]
    #: Why a team accepts this deviation (a waiver); a waived failure does not fail the run.
    waiver: str = ""


@dataclasses.dataclass
class Outcome:
    """Checks run per (api, operation), the failures found, and errors that kept
    part of the suite from running."""

    ran: dict[tuple[str, str], set[str]] = dataclasses.field(default_factory=dict)
    failures: list[Failure] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    #: Requests sent, per api.
    requests: dict[str, int] = dataclasses.field(default_factory=dict)
    #: APIs asked for but not tested, with the reason.
    skipped: dict[str, str] = dataclasses.field(default_factory=dict)
    seed: int | None = None

    @property
    def ok(self) -> bool:
        """True only when checks ran and none failed and nothing errored."""
        return bool(self.ran) and not self.failing() and not self.errors

    def failing(self) -> list[Failure]:
        """The failures that fail the run: all but the waived ones."""
        return [failure for failure in self.failures if not failure.waiver]

    def mark_ran(self, api: str, operation: str, check: str) -> None:
        self.ran.setdefault((api, operation), set()).add(check)

    def failures_by_case(self) -> dict[tuple[str, str, str], list[Failure]]:
        """Failures grouped per (api, operation, check): one test case each."""
        found: dict[tuple[str, str, str], list[Failure]] = {}
        for failure in self.failures:
            found.setdefault((failure.api, failure.operation, failure.check), []).append(failure)
        return found

    def cases(self) -> list[tuple[str, str, str]]:
        """Every (api, operation, check) that ran or failed, sorted."""
        ran = {(api, op, check) for (api, op), names in self.ran.items() for check in names}
        return sorted(ran | set(self.failures_by_case()))
