"""Markdown for clients that render it, plain text for the others (as LSP asks)."""

from __future__ import annotations

import re

from lsprotocol import types

from ollama_ls.lsp import client_capabilities as capabilities
from ollama_ls.lsp.core import OllamaLanguageServer


def completion_takes_markdown(server: OllamaLanguageServer) -> bool:
    return capabilities.completion_takes_markdown(server.client_capabilities)


def hover_takes_markdown(server: OllamaLanguageServer) -> bool:
    return capabilities.hover_takes_markdown(server.client_capabilities)


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
