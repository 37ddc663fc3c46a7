"""Document notifications, fanned out to every feature that follows them. Each event is typed,
and one failing listener never keeps the others from hearing it."""

from __future__ import annotations

from lsprotocol import types

from ollama_ls.listeners import Listeners


class DocumentEvents:
    def __init__(self) -> None:
        self.opened: Listeners[[types.DidOpenTextDocumentParams]] = Listeners("didOpen")
        self.changed: Listeners[[types.DidChangeTextDocumentParams]] = Listeners("didChange")
        self.saved: Listeners[[types.DidSaveTextDocumentParams]] = Listeners("didSave")
        self.closed: Listeners[[types.DidCloseTextDocumentParams]] = Listeners("didClose")
