"""Incremental parsing of one open document: the previous text and tree are kept, and the next
parse hands tree-sitter the old tree after `Tree.edit`, so only the edited region is re-parsed.

The edit is the span where the old and new texts differ (common prefix and suffix): one span
covers any number of `didChange` content changes, and it is exact whatever the client sent.
Every parse still passes `limits.check_limits` first (through `parsing.parse`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import tree_sitter

from .languages import FileKind
from .limits import check_limits, check_limits_after_edit
from .memo import ConvertMemo, Edit

_BLOCK = 4096
_local = threading.local()


class IncrementalParser:
    """Per-document parse state: the last bytes parsed and their tree. Use it from one thread at
    a time (the language server's diagnostics worker)."""

    def __init__(self) -> None:
        self.kind: FileKind | None = None
        self.data: bytes | None = None
        self.tree: tree_sitter.Tree | None = None
        self.reused = 0  # parses that started from the old tree (tests look at it)
        self.memo = ConvertMemo()  # the converted units of the last tree (memo.py)
        self.edit: Edit | None = None  # how the text before the last parse became its text
        self._span: tuple[bytes, bytes, tuple[int, int, int]] | None = None

    def check_limits(self, data: bytes, kind: FileKind) -> None:
        """`limits.check_limits(data, kind)`: the last text parsed was within the limits, so
        only the lines of the edit are measured when their nesting may have changed."""
        old = self.data
        if old is None or self.kind is not kind or old == data:
            check_limits(data, kind)
        else:
            check_limits_after_edit(old, data, self._changed_span(old, data), kind)

    def _changed_span(self, old: bytes, data: bytes) -> tuple[int, int, int]:
        known = self._span
        if known is not None and known[0] is old and known[1] is data:
            return known[2]
        span = changed_span(old, data)
        self._span = (old, data, span)
        return span

    def parse(self, parser: tree_sitter.Parser, data: bytes, kind: FileKind) -> tree_sitter.Tree:
        old, tree = self.data, self.tree
        if tree is None or old is None or self.kind is not kind:
            self.memo.clear()
            self.edit = None
            tree = parser.parse(data)
        elif old == data:
            self.edit = Edit(old, len(old), len(old), len(old), ())
            return tree
        else:
            start, old_end, new_end = self._changed_span(old, data)
            tree.edit(
                start_byte=start, old_end_byte=old_end, new_end_byte=new_end,
                start_point=point(old, start), old_end_point=point(old, old_end),
                new_end_point=point(data, new_end),
            )  # fmt: skip
            new_tree = parser.parse(data, tree)
            changed = tuple((r.start_byte, r.end_byte) for r in tree.changed_ranges(new_tree))
            self.edit = Edit(old, start, old_end, new_end, changed)
            tree = new_tree
            self.reused += 1
        self._span = None
        self.kind, self.data, self.tree = kind, data, tree
        return tree

    def forget(self) -> None:
        self.kind = self.data = self.tree = self.edit = None
        self.memo.clear()


def changed_span(old: bytes, new: bytes) -> tuple[int, int, int]:
    """(start, old end, new end): old[start:old_end] became new[start:new_end]."""
    limit = min(len(old), len(new))
    start = _common_prefix(old, new, limit)
    suffix = _common_suffix(old, new, limit - start)
    return start, len(old) - suffix, len(new) - suffix


def _common_prefix(a: bytes, b: bytes, limit: int) -> int:
    at = 0
    while at + _BLOCK <= limit and a[at : at + _BLOCK] == b[at : at + _BLOCK]:
        at += _BLOCK
    while at < limit and a[at] == b[at]:
        at += 1
    return at


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    n = 0
    la, lb = len(a), len(b)
    while n + _BLOCK <= limit and a[la - n - _BLOCK : la - n] == b[lb - n - _BLOCK : lb - n]:
        n += _BLOCK
    while n < limit and a[la - n - 1] == b[lb - n - 1]:
        n += 1
    return n


def point(data: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter's (row, byte column) of a byte offset."""
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


@contextlib.contextmanager
def parsing_with(state: IncrementalParser | None, data: bytes) -> Iterator[None]:
    """While this block runs (in this thread), a parse of exactly `data` (the whole document,
    not a chunk or a repaired copy) goes through `state`."""
    previous = getattr(_local, "current", None)
    _local.current = None if state is None else (state, data)
    try:
        yield
    finally:
        _local.current = previous


def current_for(data: bytes) -> IncrementalParser | None:
    current = getattr(_local, "current", None)
    if current is None or current[1] is not data:
        return None
    return current[0]
