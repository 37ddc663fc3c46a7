"""What to send the model for a position or selection in a document (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types
from pygls.workspace import TextDocument


@dataclass(frozen=True)
class Context:
    prefix: str  # text before the cursor (bounded by the context window)
    suffix: str  # text after the cursor
    selection: str


def _offset(document: TextDocument, position: types.Position) -> int:
    return document.offset_at_position(position)


def context_around(
    document: TextDocument,
    start: types.Position,
    end: types.Position | None = None,
    context_lines: int | None = None,
) -> Context:
    """Prefix before `start`, suffix after `end`, the selection between; at most
    `context_lines` lines each side."""
    end = end or start
    source = document.source
    begin_at, end_at = _offset(document, start), _offset(document, end)
    prefix, selection, suffix = source[:begin_at], source[begin_at:end_at], source[end_at:]
    if context_lines is not None:
        prefix = "".join(prefix.splitlines(keepends=True)[-context_lines:]) if prefix else ""
        # The first "line" of the prefix may be a partial line: keep it whole.
        suffix = "".join(suffix.splitlines(keepends=True)[:context_lines])
    return Context(prefix=prefix, suffix=suffix, selection=selection)


def instruction_prompt(instruction: str, selection: str, prefix: str) -> str:
    """A prompt for an explicit instruction, with the selection (or the text before the
    cursor) as context."""
    if selection.strip():
        return (
            f"{instruction.strip()}\n\nText:\n{selection}\n\n"
            "Answer with the resulting text only, no explanations and no code fences."
        )
    tail = prefix[-4000:]
    return (
        f"{instruction.strip()}\n\nThe text so far:\n{tail}\n\n"
        "Answer with the text to insert only, no explanations and no code fences."
    )
