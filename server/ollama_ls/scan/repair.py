"""Make a half-typed document parse: close quotes left open at the end of a line,
and (JSON) close brackets left open at the end of the document.

The repaired text only gains bytes at line ends and at the end, so every offset
maps back to the original with `Repair.original`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .languages import FileKind


@dataclass
class Repair:
    data: bytes
    # (offset in the repaired text where inserted bytes start, original offset, bytes)
    inserts: list[tuple[int, int, int]] = field(default_factory=list)

    def original(self, offset: int) -> int:
        shift = 0
        for at, orig, size in self.inserts:
            if offset <= at:
                break
            if offset < at + size:
                return orig
            shift += size
        return offset - shift


_LINES = re.compile(rb"[^\r\n]*(\r\n|\r|\n|$)")
# Where a YAML quoted scalar or flow collection may start: at the start of a line or after `- `, `: `, `? `,
# `[`, `{` or `,`.
_YAML_VALUE_START = re.compile(rb"""(?:^|[-:?]\s|[\[{,])\s*(["'\[{])""")


def repair(data: bytes, kind: FileKind) -> Repair:
    out = bytearray()
    inserts: list[tuple[int, int, int]] = []
    for match in _LINES.finditer(data):
        line, eol = match.group(0)[: len(match.group(0)) - len(match.group(1))], match.group(1)
        if not line and not eol:
            continue
        closer = _line_closers(line, kind)
        out += line
        if closer:
            inserts.append((len(out), match.start() + len(line), len(closer)))
            out += closer
        out += eol
    if kind is FileKind.JSON:
        closers = _json_closers(bytes(out))
        if closers:
            inserts.append((len(out), len(data), len(closers)))
            out += closers
    return Repair(bytes(out), inserts)


def _line_closers(line: bytes, kind: FileKind) -> bytes:
    """What would close a string (and, in YAML and TOML, brackets) left open in `line`."""
    if b'"""' in line or b"'''" in line:
        return b""  # multi-line strings: leave them alone
    quote, brackets = None, []
    i = 0
    while i < len(line):
        ch = line[i : i + 1]
        if quote:
            if ch == b"\\" and quote == b'"':
                i += 1
            elif ch == quote:
                quote = None
        elif ch == b"#" and kind is not FileKind.JSON:
            break
        elif ch == b"/" and kind is FileKind.JSON and line[i + 1 : i + 2] in (b"/", b"*"):
            break
        elif ch in (b'"', b"'", b"[", b"{") and not (kind is FileKind.JSON and ch != b'"'):
            if kind is FileKind.YAML and not _yaml_value_starts(line, i):
                break  # a plain scalar: its quotes and brackets are just characters
            if ch in (b"[", b"{"):
                brackets.append(b"]" if ch == b"[" else b"}")
            else:
                quote = ch
        elif ch in (b"]", b"}") and brackets:
            brackets.pop()
        i += 1
    return (quote or b"") + b"".join(reversed(brackets))


def _yaml_value_starts(line: bytes, i: int) -> bool:
    return any(m.start(1) == i for m in _YAML_VALUE_START.finditer(line, 0, i + 1))


def _json_closers(data: bytes) -> bytes:
    stack: list[int] = []
    in_string = False
    i = 0
    while i < len(data):
        ch = data[i]
        if in_string:
            if ch == 0x5C:
                i += 1
            elif ch in (0x22, 0x0A):
                in_string = False
        elif ch == 0x22:
            in_string = True
        elif data.startswith(b"//", i):
            end = data.find(b"\n", i)
            i = len(data) if end < 0 else end
        elif data.startswith(b"/*", i):
            end = data.find(b"*/", i + 2)
            i = len(data) if end < 0 else end + 1
        elif ch in b"{[":
            stack.append(ch)
        elif ch in b"}]" and stack:
            stack.pop()
        i += 1
    return bytes(0x7D if ch == 0x7B else 0x5D for ch in reversed(stack))
