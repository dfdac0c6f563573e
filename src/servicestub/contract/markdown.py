"""A Markdown report of a contract run: the same findings as the JUnit file,
for a pull-request comment or a CI job summary."""

from __future__ import annotations

from pathlib import Path

from servicestub.contract.console import verdict
from servicestub.contract.model import Outcome


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(outcome: Outcome) -> str:
    lines = [f"# Contract run: {'passed' if outcome.ok else 'failed'}", "", verdict(outcome)]
    if outcome.seed is not None:
        lines += ["", f"Seed {outcome.seed}: the same `--seed` against the same server repeats it."]
    if outcome.failures:
        lines += ["", "## Failures", ""]
        for number, failure in enumerate(outcome.failures, start=1):
            lines += [
                f"### {number}. `{failure.operation}` — {failure.check} ({failure.api})",
                "",
                f"**{failure.title}**: {failure.reason}",
                "",
                *([f"Waived: {failure.waiver}", ""] if failure.waiver else []),
                "```sh",
                *failure.curl,
                "```",
                "",
            ]
    if outcome.errors or outcome.skipped:
        lines += ["", "## Errors and skipped APIs", ""]
        lines += [f"- error: {error}" for error in outcome.errors]
        lines += [f"- skipped {api}: {why}" for api, why in sorted(outcome.skipped.items())]
    failing = outcome.failures_by_case()
    lines += [
        "",
        "## Operations",
        "",
        "| api | operation | result | failed checks | passed checks |",
        "|---|---|---|---|---|",
    ]
    for (api, operation), names in sorted(outcome.ran.items()):
        failed = sorted(
            {
                c
                for (a, o, c), found in failing.items()
                if (a, o) == (api, operation) and not all(f.waiver for f in found)
            }
        )
        passed = sorted(set(names) - set(failed))
        lines.append(
            f"| {api} | `{_cell(operation)}` | {'FAILED' if failed else 'passed'} | "
            f"{', '.join(failed)} | {', '.join(passed)} |"
        )
    return "\n".join(lines) + "\n"


def write(outcome: Outcome, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(outcome))
