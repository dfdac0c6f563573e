"""YAML from users, read within bounds.

``yaml.safe_load`` builds only plain data, but an alias shares a node, so a
1 KB file of nested aliases (a "billion laughs") stands for a billion values:
constructing it is cheap, everything that walks it afterwards (validation,
counting, building a state) runs for minutes and takes gigabytes, and an
alias of its own ancestor is a cycle that never ends. Here the composed node
graph is measured before anything is built: the file's size, the number of
values it stands for with every alias expanded, and its depth are bounded,
and a cycle is refused.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLimitError(ValueError):
    """YAML that is not read: unreadable, malformed or past a bound; the message
    says which, for a person to act on."""


@dataclasses.dataclass(frozen=True)
class YamlLimits:
    """How large a document may be."""

    #: Bytes of the file.
    max_bytes: int
    #: Values (scalars, lists, mappings, keys) it stands for, aliases expanded.
    max_nodes: int
    #: Levels of lists and mappings, aliases expanded.
    max_depth: int


#: An OpenAPI document given instead of a shipped one (``contract --spec``): the
#: shipped ones are ~100 KB and some ten thousand values.
SPEC_LIMITS = YamlLimits(max_bytes=32 << 20, max_nodes=2_000_000, max_depth=128)


def load_file(path: Path, limits: YamlLimits) -> Any:
    """The data of the YAML file ``path``, or :class:`YamlLimitError`."""
    try:
        with path.open("rb") as file:
            raw = file.read(limits.max_bytes + 1)
    except OSError as error:
        raise YamlLimitError(f"cannot be read ({error.strerror or error})") from None
    if len(raw) > limits.max_bytes:
        raise YamlLimitError(f"is larger than {limits.max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlLimitError(f"is not UTF-8 text (byte {error.start})") from None
    return load(text, limits)


def load(text: str, limits: YamlLimits) -> Any:
    """The data of the YAML document ``text``, or :class:`YamlLimitError`."""
    if len(text) > limits.max_bytes:
        raise YamlLimitError(f"is larger than {limits.max_bytes:,} bytes")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node, limits)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise YamlLimitError(f"cannot be read as YAML ({' '.join(str(error).split())})") from None
    except RecursionError:
        raise YamlLimitError(f"is nested deeper than {limits.max_depth} levels") from None
    finally:
        loader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: yaml.Node, limits: YamlLimits) -> None:
    """Refuse a graph that expands past the limits or holds a cycle.

    Each distinct node is visited once (post-order, without recursion); its
    expanded size and depth are kept, so a node an alias repeats is counted
    as often as it appears in the expanded document without being walked again.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            size[key] = min(limits.max_nodes + 1, 1 + sum(size[id(c)] for c in children))
            below = max((depth[id(c)] for c in children), default=0)
            depth[key] = below + 1 if isinstance(node, yaml.CollectionNode) else 0
            on_path.discard(key)
            if size[key] > limits.max_nodes:
                raise YamlLimitError(
                    f"stands for more than {limits.max_nodes:,} values once its aliases "
                    f"are expanded (line {node.start_mark.line + 1})"
                )
            if depth[key] > limits.max_depth:
                raise YamlLimitError(f"is nested deeper than {limits.max_depth} levels")
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlLimitError(
                f"has an alias inside the value it names (line {node.start_mark.line + 1})"
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)) if id(child) not in size)
