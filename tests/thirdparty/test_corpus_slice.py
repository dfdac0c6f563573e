"""Issue #14's corpus goal on a fixed slice of real specs (tests/corpus/specs/, licences in
its README): every spec starts, every GET answers a documented 2xx whose body openapi-core
finds valid, every collection round-trips create -> read -> list -> update -> delete.

The same probe as `make corpus` (tests/corpus/probe.py), in-process; each spec is probed
once per session and its three assertions read the events it reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.corpus.probe import probe

SPECS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "specs").glob("*.json"))
_probed: dict[Path, list[dict[str, Any]]] = {}


def events(spec: Path) -> list[dict[str, Any]]:
    if spec not in _probed:
        found: list[dict[str, Any]] = []
        probe(spec, found.append)
        _probed[spec] = found
    return _probed[spec]


def failures(spec: Path, kind: str) -> list[str]:
    return [
        f"{e['path']}: {e['cause']} {e.get('detail', '')}".strip()
        for e in events(spec)
        if e["kind"] == kind and e["ok"] is not True
    ]


def test_the_slice_is_there() -> None:
    assert len(SPECS) >= 4, SPECS


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_spec_starts(spec: Path) -> None:
    start = next(e for e in events(spec) if e["kind"] == "start")
    assert start["ok"], start.get("cause")


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_get_answers_a_documented_valid_2xx(spec: Path) -> None:
    gets = [e for e in events(spec) if e["kind"] == "get"]
    assert gets
    assert failures(spec, "get") == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_collection_round_trips(spec: Path) -> None:
    collections = [e for e in events(spec) if e["kind"] == "collection"]
    assert collections
    assert failures(spec, "collection") == []
