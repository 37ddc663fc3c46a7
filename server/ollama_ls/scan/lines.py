"""Helpers for the line formats (.env, Modelfile): lines with their byte offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator

_LINE = re.compile(rb"[^\r\n]*")


def lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, line without its line break) for every line, as LSP counts lines."""
    pos = 0
    while True:
        line = _LINE.match(data, pos).group(0)  # type: ignore[union-attr]
        yield pos, line
        pos += len(line)
        if pos >= len(data):
            return
        pos += 2 if data.startswith(b"\r\n", pos) else 1


def value_span(line: bytes, start: int, comments: bool) -> tuple[int, int, bool]:
    """The value that begins at `start` in `line`: (start, end, quoted), without quotes.

    An unclosed quote runs to the end of the line (the user is typing). Unquoted
    values end before ` #` when `comments` is set, and lose trailing blanks.
    """
    quote = line[start : start + 1]
    if quote in (b'"', b"'"):
        close = line.find(quote, start + 1)
        return start + 1, (len(line) if close < 0 else close), True
    end = len(line)
    if comments:
        hash_at = line.find(b" #", start)
        end = hash_at if hash_at >= 0 else end
    while end > start and line[end - 1] in b" \t":
        end -= 1
    return start, end, False
