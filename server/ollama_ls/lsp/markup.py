"""Markdown for clients that render it, plain text for the others (as LSP asks)."""

from __future__ import annotations

import re

from lsprotocol import types

from ollama_ls.lsp.language_server import OllamaLanguageServer


def _accepts_markdown(formats: object) -> bool:
    return bool(formats) and types.MarkupKind.Markdown in formats  # type: ignore[operator]


def completion_takes_markdown(server: OllamaLanguageServer) -> bool:
    document = server.client_capabilities.text_document
    completion = document.completion if document else None
    item = completion.completion_item if completion else None
    return _accepts_markdown(item.documentation_format if item else None)


def hover_takes_markdown(server: OllamaLanguageServer) -> bool:
    document = server.client_capabilities.text_document
    hover = document.hover if document else None
    return _accepts_markdown(hover.content_format if hover else None)


def plain(markdown: str) -> str:
    """The same words without Markdown syntax: headings, emphasis, code marks, table rules."""
    text = re.sub(r"^#+\s*", "", markdown, flags=re.M)
    text = re.sub(r"^\|(?:\s*-+\s*\|)+\s*$\n?", "", text, flags=re.M)
    text = re.sub(r"^\|\s*\|\s*\|\s*$\n?", "", text, flags=re.M)
    text = re.sub(r"^\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$", r"\1: \2", text, flags=re.M)
    return text.replace("**", "").replace("`", "")


def markup(markdown: str, as_markdown: bool) -> types.MarkupContent | str:
    """Markdown content, or a bare string (which every client takes) with the syntax removed."""
    if as_markdown:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown)
    return plain(markdown)
