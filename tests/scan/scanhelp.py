"""Helpers for the scanner tests: read back the text an LSP range covers."""

from __future__ import annotations

import re

from ollama_ls.scan import Range


def lsp_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def utf16_index(line: str, character: int) -> int:
    """The str index of an LSP character (UTF-16 units) in `line`."""
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    assert units >= character, "character past the end of the line"
    return len(line)


def text_in(text: str, span: Range) -> str:
    lines = lsp_lines(text)
    assert span.start.line == span.end.line, "slots never span lines"
    line = lines[span.start.line]
    return line[utf16_index(line, span.start.character) : utf16_index(line, span.end.character)]
