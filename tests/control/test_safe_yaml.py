"""YAML from users is read within bounds: size, values with aliases expanded,
depth; alias cycles refused."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.core.safe_yaml import YamlLimitError, YamlLimits, load, load_file

LIMITS = YamlLimits(max_bytes=4096, max_nodes=1000, max_depth=6)


def _expanded(value: object) -> int:
    """Values ``value`` holds, counted as a walk of the built data sees them."""
    if isinstance(value, list):
        return 1 + sum(_expanded(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(_expanded(k) + _expanded(v) for k, v in value.items())
    return 1


# Documents of anchored lists, each list naming earlier ones by alias, the last one
# the document: (for each anchor, the earlier anchors it repeats).
graphs = st.integers(1, 7).flatmap(
    lambda n: st.tuples(*(st.lists(st.integers(0, max(i - 1, 0)), max_size=6) for i in range(n)))
)


def _document(graph: tuple[list[int], ...]) -> tuple[str, int, int]:
    """The YAML text, its expanded size and depth (computed apart from the loader)."""
    sizes: list[int] = []
    depths: list[int] = []
    lines = []
    for index, refs in enumerate(graph):
        refs = refs if index else []
        parts = ["x", *(f"*a{r}" for r in refs)]
        lines.append(f"a{index}: &a{index} [{', '.join(parts)}]")
        sizes.append(2 + sum(sizes[r] for r in refs))  # the list and its "x"
        depths.append(1 + max((depths[r] for r in refs), default=0))
    # the top mapping: one key and one value per line
    size = 1 + sum(1 + s for s in sizes)
    return "\n".join(lines) + "\n", size, 1 + max(depths)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(graphs)
def test_a_document_loads_exactly_when_its_expansion_is_within_the_limits(graph):
    text, size, depth = _document(graph)
    within = size <= LIMITS.max_nodes and depth <= LIMITS.max_depth
    if within:
        assert _expanded(load(text, LIMITS)) == size
    else:
        with pytest.raises(YamlLimitError):
            load(text, LIMITS)


def test_a_billion_laughs_is_refused_at_once():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    text = "\n".join(lines)
    assert math.prod([9] * 9) > 10**8 and len(text) < 1024
    started = time.perf_counter()
    with pytest.raises(YamlLimitError, match="more than 100,000 values"):
        load(text, YamlLimits(max_bytes=1 << 20, max_nodes=100_000, max_depth=32))
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [*a]", "alias inside the value it names"),
        ("a: &a {b: *a}", "alias inside the value it names"),
        ("a: &a [x, [y, *a]]", "alias inside the value it names"),
        ("[" * 20 + "]" * 20, "nested deeper than 6"),
        ("a: [1\nb", "cannot be read as YAML"),
        ("x" * 5000, "larger than 4,096 bytes"),
    ],
)
def test_cycles_depth_syntax_and_size_are_refused_with_a_reason(text, message):
    with pytest.raises(YamlLimitError, match=message):
        load(text, LIMITS)


def test_a_merge_key_counts_what_it_merges():
    base = "base: &b {" + ", ".join(f"k{i}: {i}" for i in range(40)) + "}\n"
    text = base + "".join(f"m{i}: {{<<: *b, own: {i}}}\n" for i in range(20))
    with pytest.raises(YamlLimitError, match="values"):
        load(text, LIMITS)


def test_files_that_are_not_text_or_not_files_are_refused(tmp_path):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(YamlLimitError, match="not UTF-8"):
        load_file(binary, LIMITS)
    with pytest.raises(YamlLimitError, match="cannot be read"):
        load_file(tmp_path, LIMITS)
    with pytest.raises(YamlLimitError, match="cannot be read"):
        load_file(tmp_path / "missing.yaml", LIMITS)
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 5000)
    with pytest.raises(YamlLimitError, match="larger than"):
        load_file(big, LIMITS)


def test_the_property_meets_both_outcomes():
    outcomes = set()
    for graph in (([],), tuple([[]] + [[i - 1] * 6 for i in range(1, 7)])):
        _text, size, depth = _document(graph)
        outcomes.add(size <= LIMITS.max_nodes and depth <= LIMITS.max_depth)
    assert outcomes == {True, False}


def test_a_spec_given_to_the_contract_command_is_read_within_bounds(tmp_path):
    from servicestub.contract.runner import _document
    from servicestub.specs import ORDERS

    lines = ["openapi: 3.0.3", "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"x-{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    spec = tmp_path / "laughs.yaml"
    spec.write_text("\n".join(lines))
    with pytest.raises(YamlLimitError, match="values once its aliases are expanded"):
        _document(ORDERS, spec)
    assert _document(ORDERS, ORDERS.path)["openapi"].startswith("3.")
