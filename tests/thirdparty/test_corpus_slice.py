"""Issue #14's corpus goal on a fixed slice of real specs (tests/corpus/specs/, licences in
its README): every spec starts, every GET answers a documented 2xx whose body openapi-core
finds valid, every collection round-trips create -> read -> list -> update -> delete.

The same probe as `make corpus` (tests/corpus/probe.py), in a forked child bounded in time
(tests/corpus/harness.py); each spec is probed once per session and its three assertions
read the events it reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.corpus.harness import SpecResult, run_spec

SPECS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "specs").glob("*.json"))
#: Seconds a spec of the slice may take (each runs in a child the harness kills past it).
TIMEOUT = 120
_probed: dict[Path, SpecResult] = {}


def result(spec: Path) -> SpecResult:
    if spec not in _probed:
        _probed[spec] = run_spec(spec, spec.stem, TIMEOUT)
    return _probed[spec]


def failures(events: list[dict[str, Any]]) -> list[str]:
    return [
        f"{e['path']}: {e['cause']} {e.get('detail', '')}".strip()
        for e in events
        if e["ok"] is not True
    ]


def test_the_slice_is_there() -> None:
    assert len(SPECS) >= 4, SPECS


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_spec_starts(spec: Path) -> None:
    found = result(spec)
    assert found.started, found.start_cause
    assert not found.timed_out, f"timed out after {TIMEOUT} s"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_get_answers_a_documented_valid_2xx(spec: Path) -> None:
    gets = result(spec).gets
    assert gets
    assert failures(gets) == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_collection_round_trips(spec: Path) -> None:
    collections = result(spec).collections
    assert collections
    assert failures(collections) == []
