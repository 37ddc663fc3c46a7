"""Limits checked on a text before a tree-sitter parser sees it.

tree-sitter-yaml's external scanner keeps its indentation stack in a fixed serialisation buffer:
a document nested more than 252 block levels deep crashes the whole process (SIGSEGV), which
no `try` can catch. The JSON and TOML grammars survive a million nested brackets, but turning
such a tree into our nodes recurses once per level. So every parse is preceded by a cheap,
conservative measure of the nesting (it may count a level too many, never one too few) and a
size check. `tests/scan/test_limits.py` finds each grammar's real limit in a subprocess and
checks that these stay below it with a margin.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator

from .languages import FileKind

# tree-sitter-yaml crashes at 253 block levels (measured); keep a wide margin.
MAX_YAML_BLOCK_DEPTH = 200
# Brackets (JSON, TOML, YAML flow collections): our converters recurse once per level.
MAX_BRACKET_DEPTH = 256
# Above this a document is not parsed at all: no config file is this large, and parsing it
# on every keystroke would stall the editor.
MAX_PARSE_BYTES = 4 * 1024 * 1024


class TooComplex(ValueError):
    """The text is past a limit; `str()` is the message for the user."""


def check_limits(data: bytes, kind: FileKind) -> None:
    """Raise TooComplex when `data` must not reach the parser for `kind`."""
    problem = _measured(data, kind)
    if problem is not None:
        raise TooComplex(problem)


# The scan and the findings both ask about the same text in one recheck: measure it once.
_MEASURED: OrderedDict[tuple[bytes, FileKind], str | None] = OrderedDict()
_MEASURED_SIZE = 8
_lock = threading.Lock()


def _measured(data: bytes, kind: FileKind) -> str | None:
    key = (data, kind)
    with _lock:
        if key in _MEASURED:
            _MEASURED.move_to_end(key)
            return _MEASURED[key]
    try:
        _check(data, kind)
        problem = None
    except TooComplex as error:
        problem = str(error)
    _remember(key, problem)
    return problem


def _remember(key: tuple[bytes, FileKind], problem: str | None) -> None:
    with _lock:
        _MEASURED[key] = problem
        _MEASURED.move_to_end(key)
        while len(_MEASURED) > _MEASURED_SIZE:
            _MEASURED.popitem(last=False)


def check_limits_after_edit(
    old: bytes, new: bytes, span: tuple[int, int, int], kind: FileKind
) -> None:
    """`check_limits(new, kind)` for an edit of `old`, a text within the limits:
    `old[start:old_end]` became `new[start:new_end]`. When the edited lines nest exactly as
    before (same indentation and block indicators, same brackets outside strings and comments),
    the nesting of the whole text is the same and is not measured again."""
    key = (new, kind)
    with _lock:
        known = key in _MEASURED
        problem = _MEASURED.get(key)
    if not known:
        if len(new) <= MAX_PARSE_BYTES and _same_nesting(old, new, span, kind):
            problem = None
            _remember(key, problem)
        else:
            problem = _measured(new, kind)
    if problem is not None:
        raise TooComplex(problem)


def _same_nesting(old: bytes, new: bytes, span: tuple[int, int, int], kind: FileKind) -> bool:
    # Both measures are folds over lines ("\n"-separated) whose step depends on nothing but the
    # line: equal steps for the edited lines give the same result for the whole text.
    start, old_end, new_end = span
    line_start = old.rfind(b"\n", 0, start) + 1
    old_stop = old.find(b"\n", old_end)
    old_stop = len(old) if old_stop == -1 else old_stop
    new_stop = old_stop + (new_end - old_end)
    before, after = old[line_start:old_stop], new[line_start:new_stop]
    if kind is FileKind.YAML and _yaml_steps(before) != _yaml_steps(after):
        return False
    return _bracket_steps(before, kind) == _bracket_steps(after, kind)


def _check(data: bytes, kind: FileKind) -> None:
    if len(data) > MAX_PARSE_BYTES:
        raise TooComplex(
            f"not checked: the file is {len(data) // 1024:,} KB; ollama-ls checks files up to "
            f"{MAX_PARSE_BYTES // (1024 * 1024)} MB"
        )
    if kind is FileKind.YAML and _LONG_LINE_START.search(data) is not None:
        depth = yaml_block_depth(data)
        if depth > MAX_YAML_BLOCK_DEPTH:
            raise TooComplex(_too_deep(depth, MAX_YAML_BLOCK_DEPTH))
    if data.count(b"[") + data.count(b"{") > MAX_BRACKET_DEPTH:  # else no deeper than that
        depth = bracket_depth(data, kind)
        if depth > MAX_BRACKET_DEPTH:
            raise TooComplex(_too_deep(depth, MAX_BRACKET_DEPTH))


# A bound of `yaml_block_depth` that costs one regex search: its stack is strictly increasing in
# (column, is a sequence), and every column on it is the length of a line's leading run of
# blanks and block indicators (`-`, `?`). Runs of at most N bytes allow at most 2 * (N + 1)
# entries, a depth of 2 * N + 3: when no run reaches _SHALLOW_RUN + 1 bytes, the text is within
# MAX_YAML_BLOCK_DEPTH and the measure itself is not needed.
_SHALLOW_RUN = (MAX_YAML_BLOCK_DEPTH - 3) // 2
_LONG_LINE_START = re.compile(rb"^[ \t?-]{%d}" % (_SHALLOW_RUN + 1), re.M)


def limit_problem(data: bytes, kind: FileKind) -> str | None:
    """The message for the user when `data` is past a limit, else None."""
    if kind not in (FileKind.YAML, FileKind.JSON, FileKind.TOML):
        return None
    return _measured(data, kind)


def _too_deep(depth: int, limit: int) -> str:
    return (
        f"not checked: the file is too deeply nested to check ({depth} levels; "
        f"ollama-ls checks up to {limit})"
    )


_CONTENT_LINE = re.compile(rb"^([ \t]*)([^ \t\r\n#][^\r\n]*)?$", re.M)
# Indicators that open a nested block on the same line: `- `, `? `, and `: ` or `:` at the end.
_INLINE_BLOCK = re.compile(rb"(?:[-?](?=[ \t]|$)[ \t]*)")


def yaml_block_depth(data: bytes) -> int:
    """An upper bound of the block nesting depth of a YAML text.

    A stack of (column, mapping or sequence), as the YAML scanner keeps: a deeper line pushes,
    a shallower one pops, a `- ` at a key's own column opens a sequence inside it, and every
    further `- ` or `? ` on the line opens one more level. Block scalars and comments are
    counted like structure, which can only overestimate.
    """
    stack: list[tuple[int, bool]] = []  # (column, is a sequence)
    deepest = 0
    for match in _CONTENT_LINE.finditer(data):
        content = match.group(2)
        if content is None:
            continue
        column = len(match.group(1).expandtabs(1))
        is_sequence = _INLINE_BLOCK.match(content) is not None
        while stack and stack[-1][0] > column:
            stack.pop()
        if stack and stack[-1] == (column, True) and not is_sequence:
            stack.pop()  # a key at the column of a compact sequence ends that sequence
        if not stack or stack[-1] != (column, is_sequence):
            stack.append((column, is_sequence))
        position = 0
        while (indicator := _INLINE_BLOCK.match(content, position)) and indicator.end() > position:
            position = indicator.end()
            # `- - key:` opens a sequence, a sequence in it, and a mapping in that.
            if position < len(content):
                stack.append((column + position, _INLINE_BLOCK.match(content, position) is not None))
        deepest = max(deepest, len(stack) + 1)
    return deepest


def _yaml_steps(lines: bytes) -> list[tuple[int, bool, tuple[tuple[int, bool], ...]]]:
    """What `yaml_block_depth` does with each line of `lines` (whole lines)."""
    steps = []
    for match in _CONTENT_LINE.finditer(lines):
        content = match.group(2)
        if content is None:
            continue
        column = len(match.group(1).expandtabs(1))
        is_sequence = _INLINE_BLOCK.match(content) is not None
        pushes = []
        position = 0
        while (indicator := _INLINE_BLOCK.match(content, position)) and indicator.end() > position:
            position = indicator.end()
            if position < len(content):
                pushes.append((column + position, _INLINE_BLOCK.match(content, position) is not None))
        steps.append((column, is_sequence, tuple(pushes)))
    return steps


_BRACKETS = re.compile(rb"""[\[\]{}"'\\#\n]""")
# A quote opens a string only where a value can start (not the apostrophe in `it's`).
_VALUE_START = frozenset(b" \t\r\n[{,:=")


def bracket_depth(data: bytes, kind: FileKind = FileKind.JSON) -> int:
    """The deepest nesting of `[]` and `{}` outside strings and `#` comments.

    Quotes are tracked loosely (an unclosed quote ends at the end of its line), which is
    enough for a bound: brackets inside strings are skipped, never invented.
    """
    depth = deepest = 0
    for char in _counted_brackets(data, kind):
        if char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _bracket_steps(lines: bytes, kind: FileKind) -> list[bytes]:
    """The brackets `bracket_depth` counts in `lines` (whole lines), in order."""
    return list(_counted_brackets(lines, kind))


def _counted_brackets(data: bytes, kind: FileKind) -> Iterator[bytes]:
    """The brackets outside strings and `#` comments, in order."""
    quotes = (b'"',) if kind is FileKind.JSON else (b'"', b"'")
    comments = kind is not FileKind.JSON
    quote: bytes | None = None
    in_comment = False
    skip = -1  # the offset of a character escaped by a backslash
    for match in _BRACKETS.finditer(data):
        char, at = match.group(0), match.start()
        if char == b"\n":
            quote, in_comment = None, False
        elif in_comment or at == skip:
            continue
        elif quote is not None:
            if char == b"\\" and quote == b'"':
                skip = at + 1
            elif char == quote:
                quote = None
        elif char in quotes and (at == 0 or data[at - 1] in _VALUE_START):
            quote = char
        elif char == b"#" and comments:
            in_comment = True
        elif char in (b"[", b"{", b"]", b"}"):
            yield char
