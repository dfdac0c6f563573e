"""Rewrite values inside a YAML document in place, keeping everything else as written.

:func:`rewrite` compares the value at a place in the document with the value wanted
there and returns the smallest text edits that make it so: a changed scalar is
rewritten where it stands, a key or list item that appears or goes is added or
removed on its own lines, and anything unchanged - comments, anchors, aliases,
quoting, key order, line breaks - stays byte for byte. An alias is followed to
its anchor, so a record defined once and aliased elsewhere is rewritten once.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from typing import Any

import yaml

Edit = tuple[int, int, str]


class Alias(yaml.Node):
    """Where the document writes ``*name``: ``value`` is the anchored node."""

    id = "alias"

    def __init__(self, target: yaml.Node, start_mark: Any, end_mark: Any) -> None:
        super().__init__("alias", target, start_mark, end_mark)


class _Loader(yaml.SafeLoader):
    """A composer that keeps aliases as :class:`Alias` nodes (PyYAML shares the node)."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            return Alias(self.anchors[event.anchor], event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def compose(text: str) -> yaml.Node:
    """The node tree of ``text``, with marks (text positions) on every node."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_constructor = yaml.constructor.SafeConstructor()


def key_of(node: yaml.Node) -> Any:
    """The value of a mapping key node (a scalar)."""
    return _constructor.construct_object(node, deep=True)


def child(node: yaml.Node, key: Any) -> yaml.Node:
    """The value node under ``key`` (a mapping key or a sequence index)."""
    node = _target(node)
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_of(key_node) == key:
                return value
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return node.value[key]
    raise KeyError(key)


def _target(node: yaml.Node) -> yaml.Node:
    while isinstance(node, Alias):
        node = node.value
    return node


def _same(one: Any, other: Any) -> bool:
    """Equal as JSON values (``1`` is not ``1.0`` nor ``true``; key order ignored)."""
    return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)


def scalar_text(value: Any) -> str:
    """``value`` as one line of YAML (a scalar quoted only where YAML needs it, a
    collection in flow style)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True)
    text = text.removesuffix("\n").removesuffix("\n...")
    if "\n" in text:
        return json.dumps(value, ensure_ascii=False)
    return text


def block_text(value: Any, indent: int) -> str:
    """``value`` (a non-empty collection) as block YAML, every line after the first
    indented by ``indent`` spaces, in the style of the specs (PyYAML's)."""
    text = yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False
    )
    lines = text.removesuffix("\n").split("\n")
    return "\n".join([lines[0], *(" " * indent + line for line in lines[1:])])


@dataclasses.dataclass
class _Patcher:
    text: str
    edits: dict[tuple[int, int], str] = dataclasses.field(default_factory=dict)
    #: anchored nodes already rewritten, with the value they were given
    done: dict[int, Any] = dataclasses.field(default_factory=dict)

    def insert_lines(self, after: int, indent: int, value: Any) -> None:
        """Add ``value`` as block lines indented by ``indent``, on the lines after the one
        holding ``after``; after what was added there before (inner values come first)."""
        _start, at = self.whole_lines(after, after)
        text = " " * indent + block_text(value, indent) + "\n"
        if at == len(self.text) and not self.text.endswith("\n"):
            text = "\n" + text
        self.edits[(at, at)] = self.edits.get((at, at), "") + text

    def edit(self, start: int, end: int, replacement: str) -> None:
        known = self.edits.get((start, end))
        if known is not None and known != replacement:
            raise ValueError(f"two rewrites disagree about the text at {start}..{end}")
        self.edits[(start, end)] = replacement

    def end(self, node: yaml.Node) -> int:
        """Where the node's own text ends (a block collection's end mark lies past
        the comments and blank lines that follow it)."""
        if isinstance(node, Alias):
            return node.end_mark.index
        if isinstance(node, yaml.ScalarNode) or node.flow_style or not node.value:
            return node.end_mark.index
        last = node.value[-1]
        return self.end(last[1] if isinstance(node, yaml.MappingNode) else last)

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def whole_lines(self, start: int, end: int) -> tuple[int, int]:
        """The span from the start of ``start``'s line through the newline after ``end``."""
        stop = self.text.find("\n", end)
        return self.line_start(start), len(self.text) if stop < 0 else stop + 1

    def value(self, node: yaml.Node, old: Any, new: Any) -> None:
        alias = node if isinstance(node, Alias) else None
        node = _target(node)
        if id(node) in self.done:  # an anchored record reached again through an alias
            if not _same(self.done[id(node)], new):
                where = (alias or node).start_mark.line + 1
                raise ValueError(
                    f"line {where}: a record written once (an anchor and its aliases) would "
                    "need different values in different examples; edit the spec by hand"
                )
            return
        self.done[id(node)] = new
        if _same(old, new):
            return
        if isinstance(node, yaml.MappingNode) and isinstance(new, dict) and not node.flow_style:
            self.mapping(node, old, new)
        elif isinstance(node, yaml.SequenceNode) and isinstance(new, list) and not node.flow_style:
            self.sequence(node, old, new)
        elif isinstance(node, yaml.ScalarNode) and not isinstance(new, dict | list):
            self.edit(node.start_mark.index, node.end_mark.index, scalar_text(new))
        elif not isinstance(new, dict | list) or not new or getattr(node, "flow_style", False):
            self.edit(node.start_mark.index, self.end(node), scalar_text(new))
        else:
            raise ValueError(
                f"line {node.start_mark.line + 1}: a {type(old).__name__} would become a "
                f"{type(new).__name__} here; edit the spec by hand"
            )

    def mapping(self, node: yaml.MappingNode, old: dict[str, Any], new: dict[str, Any]) -> None:
        pairs = node.value
        column = pairs[0][0].start_mark.column
        for key_node, value_node in pairs:
            key = key_of(key_node)
            if key in new:
                self.value(value_node, old[key], new[key])
            else:
                self.edit(*self.whole_lines(key_node.start_mark.index, self.end(value_node)), "")
        added = {key: value for key, value in new.items() if key not in old}
        if added:
            self.insert_lines(self.end(pairs[-1][1]), column, added)

    def sequence(self, node: yaml.SequenceNode, old: list[Any], new: list[Any]) -> None:
        items = node.value
        for item, was, wanted in zip(items, old, new, strict=False):
            self.value(item, was, wanted)
        for item in items[len(new) :]:
            self.edit(*self.whole_lines(item.start_mark.index, self.end(item)), "")
        if len(new) > len(items):
            dash = items[-1].start_mark.column - 2  # PyYAML writes items as "- value"
            self.insert_lines(self.end(items[-1]), dash, new[len(items) :])


def rewrite(text: str, changes: list[tuple[list[Any], Any]]) -> str:
    """``text`` with the value at each path (keys and indexes from the document's
    root) replaced by its new value, touching nothing else."""
    root = compose(text)
    data = yaml.safe_load(text)
    patcher = _Patcher(text)
    for path, new in changes:
        node, old = root, data
        for key in path:
            node, old = child(node, key), old[key]
        patcher.value(node, old, new)
    spans = sorted(patcher.edits.items(), reverse=True)
    for ((start, _end), _r), ((_start, earlier_end), _e) in itertools.pairwise(spans):
        if earlier_end > start:
            raise ValueError(f"overlapping rewrites at {start}")
    for (start, end), replacement in spans:
        text = text[:start] + replacement + text[end:]
    return text
