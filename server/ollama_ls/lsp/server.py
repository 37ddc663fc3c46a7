"""Wiring only: create the server and register every feature module (lsp/launch.py runs it)."""

from __future__ import annotations

from ollama_ls.lsp import (
    code_actions,
    completion,
    configuration,
    custom_requests,
    diagnostics,
    documents,
    generate,
    hover,
    inline_completion,
    model_commands,
    status,
)
from ollama_ls.lsp.core import OllamaLanguageServer

FEATURES = (
    configuration,
    documents,
    status,
    custom_requests,
    diagnostics,
    completion,
    hover,
    code_actions,
    model_commands,
    generate,
    inline_completion,
)


def create_server() -> OllamaLanguageServer:
    server = OllamaLanguageServer()
    for feature in FEATURES:
        feature.register(server)
    return server
