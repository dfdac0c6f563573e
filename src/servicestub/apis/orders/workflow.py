"""Workflow statuses keep positions exactly ``1..n``: no gaps, no duplicates."""

from __future__ import annotations

from servicestub.core.shapes import Record


def place(statuses: dict[str, Record], moved: Record) -> None:
    """Put ``moved`` at its requested ``position`` (past the end means last) and
    renumber every status of the workflow ``1..n`` in order."""
    others = sorted(
        (s for s in statuses.values() if s is not moved),
        key=lambda s: (s["position"], s["statusUid"]),
    )
    index = min(max(moved["position"], 1) - 1, len(others))
    others.insert(index, moved)
    for position, status in enumerate(others, start=1):
        status["position"] = position
