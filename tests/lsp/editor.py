"""A tiny editor for end-to-end tests: it holds documents as an LSP client would, applies the
server's workspace edits (refusing stale versions, as VS Code does), and types for the user."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument
from pytest_lsp import LanguageClient


class Editor:
    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.documents: dict[str, TextDocument] = {}
        self.applied_edits: list[types.ApplyWorkspaceEditParams] = []
        # VS Code reports an applied replacement as a minimal diff of it (common start and end
        # trimmed off), not as the edit the server sent.
        self.minimal_diffs = False
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            return self._apply_edit(params)

        client.feature(types.WORKSPACE_APPLY_EDIT)(apply_edit)

    def open(self, uri: str, text: str, language_id: str) -> None:
        self.documents[uri] = TextDocument(uri, source=text, version=1, language_id=language_id)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language_id, version=1, text=text
                )
            )
        )

    def text(self, uri: str) -> str:
        return self.documents[uri].source

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def edit(self, uri: str, range_: types.Range, text: str) -> None:
        """What the user types: applied here, then told to the server."""
        self._change(uri, [types.TextEdit(range=range_, new_text=text)])

    def replace_all(self, uri: str, text: str) -> None:
        document = self.documents[uri]
        document.apply_change(types.TextDocumentContentChangeWholeDocument(text=text))
        document.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=document.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def _change(self, uri: str, edits: list[types.TextEdit]) -> None:
        document = self.documents[uri]
        # Later positions first, so earlier edits do not move them.
        ordered = sorted(
            edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
        )
        changes = [
            types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
            for edit in ordered
        ]
        for change in changes:
            document.apply_change(change)
        document.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=document.version),
                content_changes=changes,
            )
        )

    def _apply_edit(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        self.applied_edits.append(params)
        edit = params.edit
        for change in edit.document_changes or []:
            uri = change.text_document.uri
            if change.text_document.version not in (None, self.documents[uri].version):
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="stale version")
        for change in edit.document_changes or []:
            self._change(change.text_document.uri, self._as_reported(change.text_document.uri, change.edits))
        for uri, edits in (edit.changes or {}).items():
            self._change(uri, self._as_reported(uri, edits))
        return types.ApplyWorkspaceEditResult(applied=True)

    def _as_reported(self, uri: str, edits) -> list[types.TextEdit]:
        if not self.minimal_diffs:
            return list(edits)
        return [self._minimal(self.documents[uri], edit) for edit in edits]

    @staticmethod
    def _minimal(document: TextDocument, edit: types.TextEdit) -> types.TextEdit:
        start = document.offset_at_position(edit.range.start)
        end = document.offset_at_position(edit.range.end)
        old, new = document.source[start:end], edit.new_text
        prefix = 0
        while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
            suffix += 1
        source = document.source

        def position(offset: int) -> types.Position:
            line = source.count("\n", 0, offset)
            return types.Position(line=line, character=offset - (source.rfind("\n", 0, offset) + 1))

        return types.TextEdit(
            range=types.Range(start=position(start + prefix), end=position(end - suffix)),
            new_text=new[prefix : len(new) - suffix],
        )
