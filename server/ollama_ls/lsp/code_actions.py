"""Quick fixes for model-name diagnostics: pull the model, or use the closest installed one; for a
context length above the model's maximum, set it to that maximum.

A setting that expects an embedding model is only offered embedding models, and one that chats
or completes is never offered an embedding-only model (the slot's kind, from the scanner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lsprotocol import types

from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.documents import slot_under_cursor
from ollama_ls.lsp.payloads import DIAGNOSTIC_SOURCE as SOURCE
from ollama_ls.modelname import model_key

PULL_COMMAND = "ollama.pull"


def _data(diagnostic: types.Diagnostic) -> dict[str, Any]:
    data = diagnostic.data
    return data if isinstance(data, dict) else {}


def _pull(model: str, diagnostic: types.Diagnostic, uri: str, use: bool = False) -> types.CodeAction:
    """Pull `model`; with `use`, also put it in the setting (the edit is applied first)."""
    title = f"Pull {model} and use it" if use else f"Pull {model}"
    edit = (
        types.WorkspaceEdit(changes={uri: [types.TextEdit(range=diagnostic.range, new_text=model)]})
        if use
        else None
    )
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=edit,
        command=types.Command(title=title, command=PULL_COMMAND, arguments=[{"model": model}]),
    )


def _context_fix(uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    alternatives = list(_data(diagnostic).get("alternatives") or [])
    if not alternatives or not str(alternatives[0]).isdigit():
        return []
    maximum = str(alternatives[0])
    return [
        types.CodeAction(
            title=f"Set to {int(maximum):,}, the model's maximum",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=True,
            edit=types.WorkspaceEdit(
                changes={uri: [types.TextEdit(range=diagnostic.range, new_text=maximum)]}
            ),
        )
    ]


def actions_for(
    uri: str,
    diagnostic: types.Diagnostic,
    document_text_in_range: str,
    installed: list[str] | None,
    kind: str = "any",
    capabilities: Mapping[str, Sequence[str]] | None = None,
    purposes: Mapping[str, str] | None = None,
) -> list[types.CodeAction]:
    """The quick fixes of one diagnostic. `kind` is what the setting expects (the slot's kind);
    `capabilities` (installed name -> capabilities) and `purposes` (model -> purpose) tell which
    models suit it: no other model is offered."""
    from ollama_ls.facade import pullable_suggestions
    from ollama_ls.findings import (
        CONTEXT_LENGTH_TOO_LARGE,
        MODEL_NOT_INSTALLED,
        TAG_MISMATCH,
        closest_installed,
        kind_conflict,
        suits,
    )

    if diagnostic.code == CONTEXT_LENGTH_TOO_LARGE:
        return _context_fix(uri, diagnostic)
    data = _data(diagnostic)
    model = data.get("model") or document_text_in_range.strip()
    if not model:
        return []
    capabilities = capabilities or {}
    actions: list[types.CodeAction] = []
    conflict = kind_conflict(model, kind, capabilities, purposes)
    if diagnostic.code in (MODEL_NOT_INSTALLED, TAG_MISMATCH) and conflict is None:
        actions.append(_pull(model, diagnostic, uri))
    alternatives = list(data.get("alternatives") or [])
    if not alternatives and installed:
        alternatives = closest_installed(model, installed)
    alternatives = [name for name in alternatives if suits(capabilities.get(name, ()), kind)]
    if not alternatives and conflict is not None:
        # Nothing spelled alike suits: the newest installed model known to be of the right kind.
        alternatives = [
            name for name in installed or () if capabilities.get(name) and suits(capabilities[name], kind)
        ][:1]
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
    elif conflict is not None and kind == "embedding":
        # Nothing suitable installed and the name is of the wrong kind: a model that fits.
        have = {model_key(name) for name in installed or ()}
        suggestion = next(
            (
                entry["name"]
                for entry in pullable_suggestions()
                if entry["purpose"] == "embedding" and model_key(entry["name"]) not in have
            ),
            None,
        )
        if suggestion is not None:
            actions.append(_pull(suggestion, diagnostic, uri, use=True))
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
    async def code_action(
        ls: OllamaLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        from ollama_ls.client import OllamaError
        from ollama_ls.facade.recommend import model_purposes
        from ollama_ls.findings import (
            CONTEXT_LENGTH_TOO_LARGE,
            INVALID_MODEL_NAME,
            MODEL_NOT_INSTALLED,
            TAG_MISMATCH,
        )

        fixable = {MODEL_NOT_INSTALLED, TAG_MISMATCH, INVALID_MODEL_NAME, CONTEXT_LENGTH_TOO_LARGE}

        uri = params.text_document.uri
        ours = [
            d
            for d in params.context.diagnostics
            if d.source == SOURCE and d.code in fixable
        ]
        if not ours:
            return None
        lines = ls.workspace.get_text_document(uri).lines
        installed = ls.tools.installed_names()
        capabilities: dict[str, tuple[str, ...]] = {}
        if installed is not None:
            try:
                models = await ls.tools.list_available_models()
            except OllamaError:
                models = []
            capabilities = {m.name: m.capabilities for m in models if m.capabilities}
        actions: list[types.CodeAction] = []
        for diagnostic in ours:
            slot = slot_under_cursor(ls, uri, diagnostic.range.start)
            actions += actions_for(
                uri, diagnostic, _text_in(lines, diagnostic.range), installed,
                slot.kind if slot is not None else "any", capabilities, model_purposes(),
            )  # fmt: skip
        return actions or None
