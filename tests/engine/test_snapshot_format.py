"""The generic snapshot format (engine/snapshot.py): envelope, the chain of
migration steps, and the checks every API's part uses — without any API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.engine import snapshot as snap
from servicestub.engine.snapshot import Refused, Snapshot, SnapshotError, SnapshotFormat


def _recording_format(steps: int) -> SnapshotFormat:
    """A format whose step ``i`` (version i+1 -> i+2) appends ``i + 1`` to ``ran``."""

    def step(number: int) -> snap.Step:
        def run(data: Snapshot) -> None:
            assert data["version"] == number, "a step runs on the version it migrates"
            data["ran"].append(number)

        return run

    return SnapshotFormat("test-state", tuple(step(n) for n in range(1, steps + 1)))


@settings(derandomize=True, max_examples=60)
@given(st.integers(0, 6).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n + 1))))
def test_migrate_runs_every_step_from_the_documents_version_in_order(case: tuple[int, int]):
    steps, version = case
    fmt = _recording_format(steps)
    document = fmt.envelope(3, "2026-01-15T09:00:00Z", ran=[]) | {"version": version}
    fmt.check_envelope(document)
    migrated = fmt.migrate(document)
    assert fmt.version == steps + 1 and fmt.readable == tuple(range(1, steps + 2))
    assert migrated["ran"] == list(range(version, steps + 1))
    assert migrated["version"] == fmt.version
    assert document["ran"] == [] and document["version"] == version  # the argument is untouched


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], 'no "format": "test-state"'),
        ({"format": "other"}, 'no "format": "test-state"'),
        ({"format": "test-state", "version": 3, "seed": 1}, "version 3 is not supported"),
        ({"format": "test-state", "version": True, "seed": 1}, "version True is not supported"),
        ({"format": "test-state", "version": 0, "seed": 1}, "reads versions 1, 2"),
        ({"format": "test-state", "version": 2, "seed": "1"}, 'no integer "seed"'),
    ],
)
def test_the_envelope_refuses_what_is_not_a_readable_snapshot(document: Any, message: str):
    with pytest.raises(SnapshotError, match=re.escape(message)):
        _recording_format(1).check_envelope(document)


def test_read_file_names_the_file(tmp_path):
    path = tmp_path / "state.json"
    path.write_bytes(b'{"format": "other"}')
    with pytest.raises(SnapshotError, match=re.escape(f"{path}: not a servicestub state")):
        _recording_format(1).read_file(path)
    path.write_bytes(b"{")
    with pytest.raises(SnapshotError, match="not valid JSON"):
        _recording_format(1).read_file(path)


@settings(derandomize=True, max_examples=60)
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=6))
def test_unique_refuses_exactly_the_first_repeated_key(keys: list[str]):
    records = [{"uid": key} for key in keys]
    repeats = [i for i, key in enumerate(keys) if key in keys[:i]]
    if not repeats:
        assert snap.unique(records, "uid", ("things",)) == {k: {"uid": k} for k in keys}
        return
    with pytest.raises(Refused) as refused:
        snap.unique(records, "uid", ("things",))
    first = keys.index(keys[repeats[0]])
    assert refused.value.path == ("things", repeats[0], "uid")
    assert f"already the uid of things[{first}]" in refused.value.message


@settings(derandomize=True, max_examples=60)
@given(st.sets(st.integers(1, 50), max_size=5), st.integers(1, 52))
def test_a_counter_must_be_past_every_number_it_issued(numbers: set[int], counter: int):
    seen = {n: ("numbers", n) for n in numbers}
    if numbers and max(numbers) >= counter:
        with pytest.raises(Refused, match=f"{counter} is not past numbers"):
            snap.counter_covers(seen, counter, ("next",))
    else:
        snap.counter_covers(seen, counter, ("next",))


def test_numbered_values_repeat_no_number():
    pattern = re.compile(r"SO-(\d+)")
    seen: dict[int, snap.Where] = {}
    snap.numbered("SO-7", pattern, ("a", "serviceNumber"), seen)
    with pytest.raises(Refused, match=r"'SO-07' repeats the number of a.serviceNumber"):
        snap.numbered("SO-07", pattern, ("b", "serviceNumber"), seen)
    with pytest.raises(Refused, match="'AO-1' is not SO-<digits>"):
        snap.numbered("AO-1", pattern, ("c", "serviceNumber"), seen)
