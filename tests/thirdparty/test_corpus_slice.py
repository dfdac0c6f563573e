"""Issue #14's corpus goal on a fixed slice of real specs (tests/corpus/specs/, licences in
its README): every spec starts, every GET answers a documented 2xx whose body openapi-core
finds valid, every collection round-trips create -> read -> list -> update -> delete.

Where the goal is not met yet, the failures are recorded with their causes in
tests/corpus/specs/known-failures.json: a failure not recorded there (a regression) fails
the test, and so does a recorded one that no longer fails (the record only shrinks, so the
figures can only get better).

The same probe as `make corpus` (tests/corpus/probe.py), in a forked child bounded in time
(tests/corpus/harness.py); each spec is probed once per session and its three assertions
read the events it reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.harness import SpecResult, run_spec

SLICE = Path(__file__).resolve().parents[1] / "corpus" / "specs"
SPECS = sorted(p for p in SLICE.glob("*.json") if p.name != "known-failures.json")
#: Seconds a spec of the slice may take (each runs in a child the harness kills past it).
TIMEOUT = 120
_probed: dict[Path, SpecResult] = {}
KNOWN = json.loads((SLICE / "known-failures.json").read_text())["known"]


def result(spec: Path) -> SpecResult:
    if spec not in _probed:
        _probed[spec] = run_spec(spec, spec.stem, TIMEOUT)
    return _probed[spec]


def failures(events: list[dict[str, Any]]) -> dict[str, str]:
    """path -> why, of the events that failed (``ok`` None: not counted, as in the corpus)."""
    return {
        e["path"]: f"{e['cause']} {e.get('detail', '')}".strip() for e in events if e["ok"] is False
    }


def known(spec: Path, kind: str) -> set[str]:
    return {f["path"] for f in KNOWN.get(spec.stem, []) if f["kind"] == kind}


def check(spec: Path, kind: str, events: list[dict[str, Any]]) -> None:
    failed = failures(events)
    new = {path: why for path, why in failed.items() if path not in known(spec, kind)}
    assert new == {}, f"{kind}s that fail and are not in known-failures.json: {new}"
    mended = known(spec, kind) - set(failed)
    assert not mended, f"now pass: take them out of known-failures.json: {sorted(mended)}"


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
    check(spec, "get", gets)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_collection_round_trips(spec: Path) -> None:
    collections = result(spec).collections
    assert collections
    check(spec, "collection", collections)
