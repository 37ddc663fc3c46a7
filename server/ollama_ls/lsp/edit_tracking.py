"""Where generated text lives while the user keeps editing the document.

Positions are LSP positions (line, UTF-16 character). A change is a range replaced by text.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def end_after_insert(start: types.Position, text: str) -> types.Position:
    """The position right after `text` inserted at `start`."""
    from ollama_ls.scan.positions import utf16_len

    lines = text.split("\n")
    if len(lines) == 1:
        return types.Position(line=start.line, character=start.character + utf16_len(text))
    return types.Position(line=start.line + len(lines) - 1, character=utf16_len(lines[-1]))


def shift(position: types.Position, change: types.Range, text: str) -> types.Position:
    """Where `position` (at or after the change's end) moves when the change is applied."""
    new_end = end_after_insert(change.start, text)
    if position.line == change.end.line:
        return types.Position(
            line=new_end.line, character=new_end.character + position.character - change.end.character
        )
    return types.Position(
        line=position.line + new_end.line - change.end.line, character=position.character
    )


class EditConflict(Exception):
    """The user edited inside the text being generated."""


@dataclass
class GeneratedRegion:
    """The text generated so far spans [start, end); `end` is where the next chunk goes."""

    start: types.Position
    end: types.Position

    def apply_user_change(self, change: types.Range, text: str) -> None:
        """Follow a user's edit; raise EditConflict when it touches the generated text or the
        insertion point."""
        change_start, change_end = _key(change.start), _key(change.end)
        start, end = _key(self.start), _key(self.end)
        if change_end <= start:
            self.start = shift(self.start, change, text)
            self.end = shift(self.end, change, text)
        elif change_start > end:
            return
        else:
            raise EditConflict()
