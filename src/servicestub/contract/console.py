"""The closing summary a person reads in a terminal or a CI log."""

from __future__ import annotations

from servicestub.contract.model import Failure, Outcome


def reproduce(failure: Failure, indent: str = "   ") -> list[str]:
    """'reproduce: curl …' on one line, or the steps one per line when several."""
    if len(failure.curl) == 1:
        return [f"{indent}reproduce: {failure.curl[0]}"]
    if not failure.curl:
        return [f"{indent}reproduce: (no request recorded)"]
    return [f"{indent}reproduce, in order:"] + [f"{indent}  {command}" for command in failure.curl]


def summary(outcome: Outcome) -> str:
    """Every failure with its operation, check, one-line reason and curl, then the verdict."""
    lines: list[str] = []
    if outcome.failures:
        lines.append(f"Failures ({len(outcome.failures)}):")
    for number, failure in enumerate(outcome.failures, start=1):
        lines += [
            f"{number}. [{failure.api}] {failure.operation} — {failure.check}",
            f"   {failure.title}: {failure.reason}",
            *([f"   waived: {failure.waiver}"] if failure.waiver else []),
            *reproduce(failure),
        ]
    if outcome.errors:
        lines.append(f"Errors ({len(outcome.errors)}):")
        lines += [f"- {error}" for error in outcome.errors]
    for api, reason in sorted(outcome.skipped.items()):
        lines.append(f"skipped {api}: {reason}")
    sent = ", ".join(f"{api} {count}" for api, count in sorted(outcome.requests.items()))
    lines.append(f"requests sent: {sent or 'none'}")
    if outcome.seed is not None:
        lines.append(f"seed: {outcome.seed} (the same --seed against the same server repeats them)")
    lines.append(verdict(outcome))
    return "\n".join(lines)


def verdict(outcome: Outcome) -> str:
    operations = len(outcome.ran)
    checks = sum(len(names) for names in outcome.ran.values())
    if outcome.ok:
        word = "PASSED"
    elif not outcome.ran and not outcome.failures:
        word = "FAILED (nothing was tested)"
    else:
        word = "FAILED"
    return (
        f"{word}: {operations} operations, {checks} operation checks, "
        f"{len(outcome.failing())} failures, {len(outcome.errors)} errors"
        + (
            f", {waived} waived"
            if (waived := len(outcome.failures) - len(outcome.failing()))
            else ""
        )
    )
