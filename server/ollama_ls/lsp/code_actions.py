"""Quick fixes for model-name diagnostics: pull the model, or use the closest installed one."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ollama_ls.findings import INVALID_MODEL_NAME, MODEL_NOT_INSTALLED, TAG_MISMATCH, closest_installed
from ollama_ls.lsp.payloads import DIAGNOSTIC_SOURCE as SOURCE
from ollama_ls.lsp.core import OllamaLanguageServer

PULL_COMMAND = "ollama.pull"
FIXABLE = {MODEL_NOT_INSTALLED, TAG_MISMATCH, INVALID_MODEL_NAME}


def _data(diagnostic: types.Diagnostic) -> dict[str, Any]:
    data = diagnostic.data
    return data if isinstance(data, dict) else {}


def actions_for(
    uri: str, diagnostic: types.Diagnostic, document_text_in_range: str, installed: list[str] | None
) -> list[types.CodeAction]:
    data = _data(diagnostic)
    model = data.get("model") or document_text_in_range.strip()
    if not model:
        return []
    actions: list[types.CodeAction] = []
    if diagnostic.code in (MODEL_NOT_INSTALLED, TAG_MISMATCH):
        actions.append(
            types.CodeAction(
                title=f"Pull {model}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(
                    title=f"Pull {model}", command=PULL_COMMAND, arguments=[{"model": model}]
                ),
            )
        )
    alternatives = list(data.get("alternatives") or [])
    if not alternatives and installed:
        alternatives = closest_installed(model, installed)
    if alternatives:
        closest = alternatives[0]
        actions.append(
            types.CodeAction(
                title=f"Replace with {closest}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=diagnostic.code == TAG_MISMATCH,
                edit=types.WorkspaceEdit(
                    changes={uri: [types.TextEdit(range=diagnostic.range, new_text=closest)]}
                ),
            )
        )
    return actions


def _text_in(lines: list[str], value: types.Range) -> str:
    if value.start.line != value.end.line or value.start.line >= len(lines):
        return ""
    # Model names are ASCII, so UTF-16 columns equal str indices here.
    return lines[value.start.line][value.start.character : value.end.character]


def register(server: OllamaLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(
        ls: OllamaLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        lines = ls.workspace.get_text_document(uri).lines
        installed = ls.tools.installed_names()
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != SOURCE or diagnostic.code not in FIXABLE:
                continue
            actions += actions_for(uri, diagnostic, _text_in(lines, diagnostic.range), installed)
        return actions or None
