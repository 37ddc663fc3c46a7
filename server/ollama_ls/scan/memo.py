"""Reuse across edits of one open document: the conversion of unchanged subtrees into the node
model, and what the rules found in them.

After an edit, tree-sitter's changed ranges (`Tree.changed_ranges`) say where the syntax of the
new tree differs from the old one's. The block value of a mapping pair or a sequence item that
converts to a Mapping or a Sequence becomes a *unit*: its conversion is kept in a `Record` (offsets valid
at `base`) and reused when, outside the edit and the changed ranges, a node of the same type and
size comes back with the same bytes (its text and the blanks after it, which an empty value's
`typing_end` can reach), wherever the edit moved it. (tree-sitter's own reuse of subtrees is no
guide: after an edit at the end of an item, tree-sitter-yaml parses every following item again.)
A reused unit is a `UnitMapping`/`UnitSequence` that shifts its offsets by `delta` only when its
contents are read (`shifted`); the rules walk (`rules.Rules.walk`) keeps its findings per unit,
path and inherited context, so an unchanged unit is neither converted nor walked again.

Only trees without errors are converted through a memo (see `yaml_scan.parse_yaml`), and only
from the text the memo converted last; after each conversion the records not in the new tree are
dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from .nodes import Found, Key, Mapping, Node, Opaque, Scalar, Sequence, blank_end

_local = threading.local()


class Record:
    """One converted unit: `node` with offsets as of `base`, the bytes it was converted from
    (its text and the blanks after it), its tree-sitter type and number of descendants."""

    __slots__ = ("base", "children", "count", "node", "rules", "text", "type")

    def __init__(
        self, base: int, text: bytes, kind: str, count: int, node: Node, children: list[tuple[int, Record]]
    ) -> None:
        self.base = base
        self.text = text
        self.type = kind
        self.count = count
        self.node = node
        self.children = children  # the units inside this one, by their offset from its start
        # (rules config, path, context) -> (delta of the walk, what it found)
        self.rules: dict[Any, tuple[int, tuple[Found, ...]]] = {}

    def unit(self, delta: int) -> Node:
        node = self.node
        if isinstance(node, Mapping):
            return UnitMapping(self, delta)
        return UnitSequence(self, delta)


class UnitMapping(Mapping):
    """A reused Mapping: the record's, moved by `delta` bytes (copied on first read)."""

    def __init__(self, record: Record, delta: int) -> None:
        self.record = record
        self.delta = delta
        self._pairs: list[tuple[str, Node]] | None = None

    @property  # type: ignore[override]
    def pairs(self) -> list[tuple[str, Node]]:
        if self._pairs is None:
            node = self.record.node
            assert isinstance(node, Mapping)
            self._pairs = node.pairs if self.delta == 0 else _shift_mapping(node, self.delta).pairs
        return self._pairs

    @pairs.setter
    def pairs(self, value: list[tuple[str, Node]]) -> None:
        self._pairs = value


class UnitSequence(Sequence):
    """A reused Sequence: the record's, moved by `delta` bytes (copied on first read)."""

    def __init__(self, record: Record, delta: int) -> None:
        self.record = record
        self.delta = delta
        self._items: list[Node] | None = None

    @property  # type: ignore[override]
    def items(self) -> list[Node]:
        if self._items is None:
            node = self.record.node
            assert isinstance(node, Sequence)
            self._items = node.items if self.delta == 0 else [shifted(i, self.delta) for i in node.items]
        return self._items

    @items.setter
    def items(self, value: list[Node]) -> None:
        self._items = value


UNITS = (UnitMapping, UnitSequence)


def shifted(node: Node, delta: int) -> Node:
    """A copy of `node` with every offset moved by `delta` (units stay lazy)."""
    if isinstance(node, UNITS):
        return node.record.unit(node.delta + delta)
    if isinstance(node, Scalar):
        return shift_scalar(node, delta)
    if isinstance(node, Mapping):
        return _shift_mapping(node, delta)
    if isinstance(node, Sequence):
        return Sequence([shifted(item, delta) for item in node.items])
    if isinstance(node, Opaque) and node.start >= 0:
        return Opaque(node.text, node.start + delta, node.end + delta)
    return node


def _shift_mapping(node: Mapping, delta: int) -> Mapping:
    pairs: list[tuple[str, Node]] = []
    for key, value in node.pairs:
        if isinstance(key, Key):
            key = Key.at(str(key), key.start + delta, key.end + delta)
        pairs.append((key, shifted(value, delta)))
    return Mapping(pairs)


def shift_scalar(value: Scalar, delta: int) -> Scalar:
    typing_end = None if value.typing_end is None else value.typing_end + delta
    return Scalar(value.text, value.start + delta, value.end + delta, value.quoted, typing_end)


def shift_found(found: Found, delta: int) -> Found:
    return Found(found.key, found.kind, shift_scalar(found.value, delta), found.rule)


class Edit(NamedTuple):
    """How the text the memo last converted became the one being converted."""

    old: bytes  # the text before
    start: int  # old[start:old_end] became new[start:new_end]
    old_end: int
    new_end: int
    changed: tuple[tuple[int, int], ...]  # tree-sitter's changed ranges, in the new text


class ConvertMemo:
    """The units of one document's last converted text, by their span (start, end of the blanks
    after them). A unit of the new tree is looked up at the span it had before the edit, when
    the edit and tree-sitter's changed ranges (the places whose syntax changed) leave it out;
    it is reused when its type, its number of descendants and its bytes are the same."""

    def __init__(self) -> None:
        self.records: dict[tuple[int, int], Record] = {}
        self.data: bytes | None = None  # the text the records come from
        self.hits = self.misses = 0  # tests look at them
        self._edit: Edit | None = None
        self._visited: dict[tuple[int, int], Record] = {}
        self._stack: list[list[tuple[int, Record]]] = [[]]

    def clear(self) -> None:
        self.records, self.data = {}, None

    def convert(
        self, tree: Any, data: bytes, convert: Callable[[Any, bytes], list[Node]], edit: Edit | None
    ) -> list[Node]:
        """`convert(tree.root_node, data)`, reusing the units of the last text when `edit` says
        how that text became `data`."""
        if edit is None or self.data is None or not (edit.old is self.data or edit.old == self.data):
            self.records = {}
            edit = None
        self._edit = edit
        self._visited, self._stack = {}, [[]]
        previous = getattr(_local, "memo", None)
        _local.memo = self
        try:
            roots = convert(tree.root_node, data)
        finally:
            _local.memo = previous
        self.records, self.data = self._visited, data
        self._visited, self._stack, self._edit = {}, [[]], None
        return roots

    def value(self, node: Any, data: bytes, convert: Callable[[Any, bytes], Node]) -> Node:
        if self._edit is not None:
            start = node.start_byte
            end = blank_end(data, node.end_byte)
            record = self._before(start, end)
            if (
                record is not None
                and node.type == record.type
                and node.descendant_count == record.count
                and data[start:end] == record.text
            ):
                self.hits += 1
                self._keep(start, record)
                self._stack[-1].append((start, record))
                return record.unit(start - record.base)
        self.misses += 1
        self._stack.append([])
        try:
            converted = convert(node, data)
        finally:
            children = self._stack.pop()
        if not isinstance(converted, (Mapping, Sequence)):
            if children:
                self._stack[-1].extend(children)
            return converted
        start = node.start_byte
        end = blank_end(data, node.end_byte)
        record = Record(
            start, data[start:end], node.type, node.descendant_count, converted,
            [(at - start, child) for at, child in children],
        )  # fmt: skip
        self._visited[(start, end)] = record
        self._stack[-1].append((start, record))
        return record.unit(0)

    def _before(self, start: int, end: int) -> Record | None:
        """The record of the unit at start:end before the edit, if the edit left it alone."""
        edit = self._edit
        if edit is None:
            return None
        if end <= edit.start:
            shift = 0
        elif start >= edit.new_end:
            shift = edit.old_end - edit.new_end
        else:
            return None
        for changed_start, changed_end in edit.changed:
            if changed_start < end and changed_end > start:
                return None
        return self.records.get((start + shift, end + shift))

    def _keep(self, start: int, record: Record) -> None:
        """A reused unit keeps the units inside it, at their new places."""
        todo = [(start, record)]
        visited = self._visited
        while todo:
            at, current = todo.pop()
            visited[(at, at + len(current.text))] = current
            todo.extend((at + offset, child) for offset, child in current.children)


def active() -> ConvertMemo | None:
    """The memo of the conversion running in this thread, if any."""
    return getattr(_local, "memo", None)
