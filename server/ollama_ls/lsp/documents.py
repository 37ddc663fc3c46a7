"""Which open documents we look at, and conversions between scanner and LSP positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.workspace import TextDocument

from ollama_ls.lsp.core import OllamaLanguageServer

if TYPE_CHECKING:  # the scanner (tree-sitter) is imported when first needed (issue 12)
    from ollama_ls.scan import FileKind, IncrementalParser, Slot
    from ollama_ls.scan.positions import Position, Range


def config_document(
    server: OllamaLanguageServer, uri: str
) -> tuple[TextDocument, FileKind] | None:
    """The open document and its kind, when it is a file we scan."""
    from ollama_ls.scan import file_kind_for, is_excluded

    if is_excluded(uri, server.settings_for(uri).scan.exclude_files):
        return None
    document = server.workspace.get_text_document(uri)
    kind = file_kind_for(uri, getattr(document, "language_id", None))
    return (document, kind) if kind is not None else None


def slot_under_cursor(
    server: OllamaLanguageServer, uri: str, position: types.Position
) -> Slot | None:
    """The model-name slot at the cursor, in an open config document."""
    from ollama_ls.scan import slot_at

    found = config_document(server, uri)
    if found is None:
        return None
    document, kind = found
    settings = server.settings_for(uri)
    return slot_at(
        document.source, kind, position.line, position.character,
        settings.model_keys, uri, settings.scan.disable,
    )  # fmt: skip


def open_config_uris(server: OllamaLanguageServer) -> list[str]:
    from ollama_ls.scan import file_kind_for

    return [
        uri
        for uri, document in server.workspace.text_documents.items()
        if file_kind_for(uri, getattr(document, "language_id", None)) is not None
    ]


def to_lsp_range(value: Range) -> types.Range:
    return types.Range(
        start=types.Position(line=value.start.line, character=value.start.character),
        end=types.Position(line=value.end.line, character=value.end.character),
    )


def from_lsp_position(position: types.Position) -> Position:
    from ollama_ls.scan.positions import Position

    return Position(line=position.line, character=position.character)


class ParseStates:
    """Per open document, the last tree-sitter tree (the diagnostics worker parses from it):
    created on open, dropped on close."""

    def __init__(self) -> None:
        self._states: dict[str, IncrementalParser] = {}

    def get(self, uri: str) -> IncrementalParser:
        state = self._states.get(uri)
        if state is None:
            from ollama_ls.scan import IncrementalParser

            state = self._states[uri] = IncrementalParser()
        return state

    def drop(self, uri: str) -> None:
        self._states.pop(uri, None)

    def __len__(self) -> int:
        return len(self._states)


def parse_states(server: OllamaLanguageServer) -> ParseStates:
    states = getattr(server, "_ollama_parse_states", None)
    if states is None:
        states = ParseStates()
        server._ollama_parse_states = states  # type: ignore[attr-defined]
    return states


def register(server: OllamaLanguageServer) -> None:
    """Document notifications, fanned out to every feature that listens (one handler each)."""
    events = server.document_events
    states = parse_states(server)
    events.opened.add(lambda params: states.drop(params.text_document.uri))  # a fresh text
    events.closed.add(lambda params: states.drop(params.text_document.uri))
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(lambda ls, params: events.opened.emit(params))
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(lambda ls, params: events.changed.emit(params))
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(lambda ls, params: events.saved.emit(params))
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(lambda ls, params: events.closed.emit(params))
