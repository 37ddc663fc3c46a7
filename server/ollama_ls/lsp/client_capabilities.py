"""What the client says it can do, in one place: every feature asks here."""

from __future__ import annotations

from lsprotocol import types


def _accepts_markdown(formats: object) -> bool:
    return bool(formats) and types.MarkupKind.Markdown in formats  # type: ignore[operator]


def completion_takes_markdown(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    completion = document.completion if document else None
    item = completion.completion_item if completion else None
    return _accepts_markdown(item.documentation_format if item else None)


def hover_takes_markdown(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    hover = document.hover if document else None
    return _accepts_markdown(hover.content_format if hover else None)


def supports_document_changes(capabilities: types.ClientCapabilities) -> bool:
    """Versioned workspace edits (the editor refuses an edit computed for an older version)."""
    workspace = capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit and edit.document_changes)


def supports_work_done_progress(capabilities: types.ClientCapabilities) -> bool:
    window = capabilities.window
    return bool(window and window.work_done_progress)


def can_pull_configuration(capabilities: types.ClientCapabilities) -> bool:
    workspace = capabilities.workspace
    return bool(workspace and workspace.configuration)


def supports_completion_resolve(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    completion = document.completion if document else None
    item = completion.completion_item if completion else None
    support = item.resolve_support if item else None
    return bool(support and "documentation" in (support.properties or []))
