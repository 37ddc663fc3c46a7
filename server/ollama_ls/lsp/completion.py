"""Completion of model names in their slots, and of Modelfile instructions and parameters."""

from __future__ import annotations

from lsprotocol import types

from ollama_ls.client import OllamaError
from ollama_ls.lsp.documents import config_document, slot_under_cursor, to_lsp_range
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.markup import completion_takes_markdown, markup
from ollama_ls.modelname import model_key
from ollama_ls.scan import FileKind, Slot, modelfile
from ollama_ls.facade import ModelSummary, pullable_suggestions
from ollama_ls.facade.pull_tracker import format_bytes
from ollama_ls.facade.hardware import GIB

TRIGGER_CHARACTERS = [":", '"', "'", "=", " ", "/"]

# Formats where a bare (unquoted) string is not a string.
_NEEDS_QUOTES = (FileKind.JSON, FileKind.TOML)


def slot_edit(slot: Slot, name: str) -> types.TextEdit:
    """Replace the whole value (tag included), adding quotes where the format needs them."""
    text = f'"{name}"' if not slot.quoted and slot.file_kind in _NEEDS_QUOTES else name
    return types.TextEdit(range=to_lsp_range(slot.range), new_text=text)


def installed_item(
    model: ModelSummary, slot: Slot, rank: int, markdown: bool = True
) -> types.CompletionItem:
    facts = [model.family and f"family: {model.family}"]
    facts.append(f"capabilities: {', '.join(model.capabilities) or 'unknown'}")
    if model.context_length:
        facts.append(f"context length: {model.context_length:,}")
    detail = " · ".join(
        part for part in (model.parameter_size, model.quantization, format_bytes(model.size)) if part
    )
    return types.CompletionItem(
        label=model.name,
        kind=types.CompletionItemKind.Module,
        detail=detail,
        documentation=markup("\n\n".join(fact for fact in facts if fact), markdown),
        sort_text=f"0{rank:04d}",
        filter_text=model.name,
        text_edit=slot_edit(slot, model.name),
    )


def pullable_item(entry: dict, slot: Slot, rank: int, markdown: bool = True) -> types.CompletionItem:
    size = format_bytes(entry["size_gib"] * GIB)
    return types.CompletionItem(
        label=entry["name"],
        kind=types.CompletionItemKind.Reference,
        detail=f"not installed · {entry['parameter_size']} · {size} to pull",
        documentation=markup(
            f"Not installed yet ({entry['purpose']}). Pull it with "
            f"`ollama pull {entry['name']}` or the Pull quick fix.",
            markdown,
        ),
        sort_text=f"1{rank:04d}",
        filter_text=entry["name"],
        text_edit=slot_edit(slot, entry["name"]),
    )


async def model_items(server: OllamaLanguageServer, slot: Slot) -> list[types.CompletionItem]:
    try:
        installed = await server.tools.list_available_models()
    except OllamaError:
        installed = []
    newest_first = sorted(installed, key=lambda model: model.modified_at, reverse=True)
    markdown = completion_takes_markdown(server)
    items = [installed_item(m, slot, rank, markdown) for rank, m in enumerate(newest_first)]
    have = {model_key(model.name) for model in installed}
    suggestions = [
        entry
        for entry in pullable_suggestions()
        if model_key(entry["name"]) not in have
        and (slot.kind == "embedding") == (entry["purpose"] == "embedding")
    ]
    items += [pullable_item(e, slot, rank, markdown) for rank, e in enumerate(suggestions)]
    return items


def modelfile_items(text: str, position: types.Position) -> list[types.CompletionItem]:
    context = modelfile.completion_context(text, position.line, position.character)
    if context == "instruction":
        return [
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Keyword,
                documentation=doc,
                insert_text=f"{name} ",
            )
            for name, doc in modelfile.INSTRUCTIONS.items()
        ]
    if context == "parameter":
        return [
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Property,
                    detail=spec.type if spec.default is None else f"{spec.type} · default {spec.default}",
                documentation=spec.doc,
                insert_text=f"{name} ",
            )
            for name, spec in modelfile.PARAMETERS.items()
        ]
    return []


def register(server: OllamaLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS),
    )
    async def completion(
        ls: OllamaLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        found = config_document(ls, params.text_document.uri)
        if found is None:
            return None
        document, kind = found
        position = params.position
        slot = slot_under_cursor(ls, params.text_document.uri, position)
        if slot is not None:
            return types.CompletionList(is_incomplete=False, items=await model_items(ls, slot))
        if kind is FileKind.MODELFILE:
            items = modelfile_items(document.source, position)
            return types.CompletionList(is_incomplete=False, items=items) if items else None
        return None
