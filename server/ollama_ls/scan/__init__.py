"""Finds Ollama model names in config files: YAML, JSON/JSONC, TOML, .env, Modelfile.

Pure functions, no LSP and no HTTP. See docs/scanner.md for the rules.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import NamedTuple

from . import modelfile
from .context_length import ContextFound, ContextSetting, find_contexts, has_hint, read_tokens
from .dotenv_scan import find_env
from .json_scan import parse_json
from .incremental import IncrementalParser, parsing_with
from .known_tools import GENERIC_RULE_IDS, TOOL_IDS, tool_of_file
from .languages import FileKind, file_kind_for, is_excluded
from .limits import TooComplex, limit_problem
from .nodes import Found
from .positions import LineIndex, Position, Range, encode
from .rules import find
from .slots import Slot, SlotKind
from .toml_scan import parse_toml
from .yaml_scan import parse_yaml

__all__ = [
    "FileKind", "IncrementalParser", "Position", "Range", "Slot", "SlotKind", "file_kind_for", "modelfile",
    "RULE_IDS", "is_excluded", "limit_problem", "scan", "slot_at", "tool_of_file",
    "ContextSetting", "context_settings", "context_at",
]  # fmt: skip

# Everything `scan(disabled=...)` can switch off.
RULE_IDS = TOOL_IDS | GENERIC_RULE_IDS

_TREES = {FileKind.YAML: parse_yaml, FileKind.JSON: parse_json, FileKind.TOML: parse_toml}


class Scanned(NamedTuple):
    found: tuple[Found, ...]  # model names
    contexts: tuple[ContextFound, ...]  # context-length settings (context_length.py)


def _found(
    data: bytes,
    kind: FileKind,
    model_keys: Sequence[str],
    disabled: Collection[str],
    incremental: IncrementalParser | None = None,
) -> tuple[Found, ...]:
    return _scanned(data, kind, model_keys, disabled, incremental).found


def _scanned(
    data: bytes,
    kind: FileKind,
    model_keys: Sequence[str],
    disabled: Collection[str],
    incremental: IncrementalParser | None = None,
) -> Scanned:
    # Hover, completion and diagnostics ask about the same text in turn: parse it once.
    with parsing_with(incremental, data):
        return _found_cached(data, kind, tuple(model_keys), frozenset(disabled))


@lru_cache(maxsize=16)
def _found_cached(
    data: bytes, kind: FileKind, model_keys: tuple[str, ...], disabled: frozenset[str]
) -> Scanned:
    return _parse(data, kind, model_keys, disabled)


def _parse(
    data: bytes, kind: FileKind, model_keys: Sequence[str], disabled: frozenset[str]
) -> Scanned:
    if kind is FileKind.DOTENV:
        return Scanned(tuple(find_env(data, model_keys, disabled)), ())
    if kind is FileKind.MODELFILE:
        froms = modelfile.find_from(data)
        return Scanned(tuple(froms), tuple(modelfile.find_context(data, froms)))
    try:
        roots = _TREES[kind](data)
        found = find(roots, model_keys, disabled)
        contexts = find_contexts(roots, found, disabled) if has_hint(data) else []
        return Scanned(tuple(found), tuple(contexts))
    except TooComplex:  # checks.check_document says so to the user
        return Scanned((), ())
    except RecursionError:  # nesting that the limits let through: no config file looks like that
        return Scanned((), ())


def _slot(found: Found, index: LineIndex, kind: FileKind, span: Range | None = None) -> Slot:
    value = found.value
    span = span or index.range(value.start, value.end)
    text = "" if span.start == span.end else value.text
    rule = found.rule or ("Modelfile `FROM`" if kind is FileKind.MODELFILE else "")
    return Slot(text, span, found.key, found.kind, value.quoted, kind, rule)  # type: ignore[arg-type]


def scan(
    text: str,
    kind: FileKind,
    model_keys: Sequence[str] = (),
    path: str | None = None,
    disabled: Collection[str] = (),
    incremental: IncrementalParser | None = None,
) -> list[Slot]:
    """Every non-empty model-name value of the document, in document order.

    `disabled` holds tool ids (known_tools.py) and rule ids (`provider-prefix`, `base-url`,
    `env`) to switch off. `path` names the file (a path or URI): hover says which tool's it is.
    `incremental` is the document's parse state (an open document in the language server): the
    tree-sitter parse starts from the previous tree.
    """
    data = encode(text)
    index = LineIndex(data)
    found = _found(data, kind, model_keys, disabled, incremental)
    return [_slot(f, index, kind) for f in found if f.value.text]


def slot_at(
    text: str,
    kind: FileKind,
    line: int,
    character: int,
    model_keys: Sequence[str] = (),
    path: str | None = None,
    disabled: Collection[str] = (),
) -> Slot | None:
    """The slot the cursor is in or right after.

    An empty value being typed (`model: |`, `"model": "|"`, `OLLAMA_MODEL=|`, `FROM |`)
    gives a Slot with value "" and an empty range at the cursor.
    """
    data = encode(text)
    index = LineIndex(data)
    cursor = index.offset(line, character)
    found = _slot_in(data, index, kind, cursor, model_keys, disabled)
    if found is None and _at_end_of_line(data, cursor):
        # What follows can keep a value being typed at the end of a line from parsing (TOML's
        # `model = ` with more lines below): judge the document as if it ended at the cursor.
        found = _slot_in(data[:cursor], index, kind, cursor, model_keys, disabled)
    return found


def _at_end_of_line(data: bytes, cursor: int) -> bool:
    end = len(data)
    for stop in (b"\n", b"\r"):
        at = data.find(stop, cursor)
        if at != -1:
            end = min(end, at)
    return cursor < len(data) and not data[cursor:end].strip()


def _slot_in(
    data: bytes,
    index: LineIndex,
    kind: FileKind,
    cursor: int,
    model_keys: Sequence[str],
    disabled: Collection[str],
) -> Slot | None:
    for found in _found(data, kind, model_keys, disabled):
        value = found.value
        if value.start <= cursor <= value.end:
            return _slot(found, index, kind)
        if not value.text and value.typing_end is not None and value.start <= cursor <= value.typing_end:
            at = index.position(cursor)
            return _slot(found, index, kind, Range(at, at))
    return None


def _setting(context: ContextFound, index: LineIndex, kind: FileKind) -> ContextSetting:
    value = context.value
    tokens, problem = read_tokens(value.text)
    model = context.model
    model_text = model.value.text.strip() if model is not None else ""
    return ContextSetting(
        key=context.key,
        text=value.text,
        range=index.range(value.start, value.end),
        tokens=tokens,
        problem=problem,
        model=model_text or None,
        model_range=index.range(model.value.start, model.value.end) if model_text else None,
        file_kind=kind,
    )


def context_settings(
    text: str,
    kind: FileKind,
    model_keys: Sequence[str] = (),
    path: str | None = None,
    disabled: Collection[str] = (),
    incremental: IncrementalParser | None = None,
) -> list[ContextSetting]:
    """Every context-length setting (`num_ctx`, `contextLength`, ...) beside an Ollama model (and
    every Modelfile `PARAMETER num_ctx`, `model` None when `FROM` is a file), in document order.
    Same arguments as `scan`; the parse is shared with it (a scan of the same text just before
    costs nothing more)."""
    data = encode(text)
    index = LineIndex(data)
    contexts = _scanned(data, kind, model_keys, disabled, incremental).contexts
    return [_setting(c, index, kind) for c in contexts if c.value.text.strip()]


def context_at(
    text: str,
    kind: FileKind,
    line: int,
    character: int,
    model_keys: Sequence[str] = (),
    path: str | None = None,
    disabled: Collection[str] = (),
) -> ContextSetting | None:
    """The context-length setting whose value the cursor is in or right after."""
    data = encode(text)
    index = LineIndex(data)
    cursor = index.offset(line, character)
    for context in _scanned(data, kind, model_keys, disabled).contexts:
        if context.value.start <= cursor <= context.value.end and context.value.text.strip():
            return _setting(context, index, kind)
    return None
