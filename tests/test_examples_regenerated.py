"""The spec examples that quote seeded records are what a fresh mock answers
(``make examples`` rewrites them; drift fails here), and the rewrite touches
nothing but the values that changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "regenerate_examples.py"
sys.path.insert(0, str(SCRIPT.parent))

import yaml_patch  # noqa: E402


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_committed_examples_are_what_the_default_seed_produces():
    result = _run("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_fails_with_a_diff_when_an_example_drifted_and_a_run_mends_it(tmp_path):
    specs = tmp_path / "openapi"
    shutil.copytree(ROOT / "openapi", specs)
    path = specs / "service-orders.yaml"
    document = yaml.safe_load(path.read_text())
    stale = document["components"]["schemas"]["ServiceOrder"]["example"]["title"]
    path.write_text(path.read_text().replace(f"title: {stale}", "title: Stale title", 1))
    result = _run("--check", "--specs", str(specs))
    assert result.returncode == 1
    assert "-        title: Stale title" in result.stdout
    assert f"+        title: {stale}" in result.stdout
    assert "make examples" in result.stderr
    assert _run("--specs", str(specs)).returncode == 0
    for name in ("service-orders.yaml", "services-v4.yaml", "mock-admin.yaml"):
        assert (specs / name).read_text() == (ROOT / "openapi" / name).read_text()


TEXT = """\
# a comment
record: &record
  kept: 1   # a trailing comment
  changed: 'old'
  gone: x
  list:
  - 1
  - {a: 1}
elsewhere: *record
other:
  alias: *record
  flow: [1, 2]
  items:
  - a
  - b
"""


def test_rewrite_changes_values_in_place_and_keeps_comments_anchors_and_aliases():
    record = {"kept": 1, "changed": "2026-01-20", "list": [1, {"a": 2}, {"b": [3]}], "new": None}
    other = {"alias": record, "flow": [3], "items": ["a"], "added": {"x": "y"}}
    text = yaml_patch.rewrite(TEXT, [(["record"], record), (["other"], other)])
    assert yaml.safe_load(text) == {"record": record, "elsewhere": record, "other": other}
    assert text.startswith("# a comment\nrecord: &record\n  kept: 1   # a trailing comment\n")
    assert "  changed: '2026-01-20'\n" in text  # quoted where YAML needs it
    assert "elsewhere: *record\n" in text and "  alias: *record\n" in text
    assert "gone" not in text and "  flow: [3]\n" in text


def test_rewrite_refuses_an_anchored_record_that_two_examples_want_different():
    with pytest.raises(ValueError, match="edit the spec by hand"):
        yaml_patch.rewrite(TEXT, [(["record", "kept"], 2), (["other", "alias", "kept"], 3)])


def test_rewrite_of_equal_values_is_the_identity():
    data = yaml.safe_load(TEXT)
    assert yaml_patch.rewrite(TEXT, [([key], value) for key, value in data.items()]) == TEXT
