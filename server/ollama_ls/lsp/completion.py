"""Completion of model names in their slots, and of Modelfile instructions and parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ollama_ls.lsp.documents import config_document, slot_under_cursor, to_lsp_range
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.client_capabilities import supports_completion_resolve
from ollama_ls.lsp.markup import completion_takes_markdown, markup
from ollama_ls.modelname import CLOUD_SIGN_IN, model_key

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
    from ollama_ls.facade import ModelSummary
    from ollama_ls.scan import Slot

TRIGGER_CHARACTERS = [":", '"', "'", "=", " ", "/"]


def slot_edit(slot: Slot, name: str) -> types.TextEdit:
    """Replace the whole value (tag included), adding quotes where the format needs them."""
    from ollama_ls.scan import FileKind

    # Formats where a bare (unquoted) string is not a string.
    needs_quotes = slot.file_kind in (FileKind.JSON, FileKind.TOML)
    text = f'"{name}"' if not slot.quoted and needs_quotes else name
    return types.TextEdit(range=to_lsp_range(slot.range), new_text=text)


# With a shared team server (1,000 models) a full list is ~400 KB per keystroke: the list is cut
# here, the relevant items first, and marked incomplete so the client asks again as the user types.
MAX_ITEMS = 100
# Up to this many items the documentation is inlined (one round trip); above it, a client that can
# resolve items gets it from `completionItem/resolve`.
INLINE_DOCUMENTATION_UP_TO = 25


def _installed_documentation(model: ModelSummary) -> str:
    facts = [model.family and f"family: {model.family}"]
    if model.cloud:
        facts.insert(0, f"Ollama Cloud model. {CLOUD_SIGN_IN}.")
    facts.append(f"capabilities: {', '.join(model.capabilities) or 'unknown'}")
    if model.context_length:
        facts.append(f"context length: {model.context_length:,}")
    return "\n\n".join(fact for fact in facts if fact)


def _pullable_documentation(entry: dict) -> str:
    return (
        f"Not installed yet ({entry['purpose']}). Pull it with "
        f"`ollama pull {entry['name']}` or the Pull quick fix."
    )


def installed_item(
    model: ModelSummary, slot: Slot, rank: int, markdown: bool = True, inline: bool = True
) -> types.CompletionItem:
    from ollama_ls.facade.pull_tracker import format_bytes

    # A cloud model is not on disk: say where it runs instead of a size.
    where = "Ollama Cloud" if model.cloud else format_bytes(model.size)
    detail = " · ".join(
        part for part in (model.parameter_size, model.quantization, where) if part
    )
    return types.CompletionItem(
        label=model.name,
        kind=types.CompletionItemKind.Module,
        detail=detail,
        documentation=markup(_installed_documentation(model), markdown) if inline else None,
        sort_text=f"0{rank:04d}",
        filter_text=model.name,
        text_edit=slot_edit(slot, model.name),
        data=None if inline else {"installed": model.name},
    )


def pullable_item(
    entry: dict, slot: Slot, rank: int, markdown: bool = True, inline: bool = True
) -> types.CompletionItem:
    from ollama_ls.facade.hardware import GIB
    from ollama_ls.facade.pull_tracker import format_bytes

    size = format_bytes(entry["size_gib"] * GIB)
    return types.CompletionItem(
        label=entry["name"],
        kind=types.CompletionItemKind.Reference,
        detail=f"not installed · {entry['parameter_size']} · {size} to pull",
        documentation=markup(_pullable_documentation(entry), markdown) if inline else None,
        sort_text=f"1{rank:04d}",
        filter_text=entry["name"],
        text_edit=slot_edit(slot, entry["name"]),
        data=None if inline else {"pullable": entry["name"]},
    )


def typed_prefix(slot: Slot, position: types.Position | None) -> str:
    """What the user has typed of the value, up to the cursor."""
    if position is None or not slot.value or slot.range.start.line != position.line:
        return slot.value
    return slot.value[: max(0, position.character - slot.range.start.character)]


def _matches(name: str, prefix: str) -> int:
    """0: starts with the prefix (also after a namespace), 1: contains it, 2: neither."""
    if not prefix:
        return 0
    name, prefix = name.lower(), prefix.lower()
    if name.startswith(prefix) or name.rsplit("/", 1)[-1].startswith(prefix):
        return 0
    return 1 if prefix in name else 2


def without_duplicates(models: list[ModelSummary], prefix: str = "") -> list[ModelSummary]:
    """One name per digest (`llama3.2:3b` and `llama3.2:latest` are often the same model): the
    one that matches what was typed, else the `latest` tag, else the first. Order kept."""
    by_digest: dict[str, list[ModelSummary]] = {}
    for model in models:
        by_digest.setdefault(model.digest or model.name, []).append(model)
    keep: set[str] = set()
    for group in by_digest.values():
        best = min(
            group,
            key=lambda m: (_matches(m.name, prefix), not m.name.endswith(":latest"), group.index(m)),
        )
        keep.add(best.name)
    return [model for model in models if model.name in keep]


def rank_installed(
    installed: list[ModelSummary], kind: str, prefix: str = ""
) -> list[ModelSummary]:
    """Matching what was typed first, then suiting the slot's kind, then newest first."""
    from ollama_ls.findings import suits

    newest_first = sorted(installed, key=lambda model: model.modified_at, reverse=True)
    unique = without_duplicates(newest_first, prefix)
    order = {model.name: i for i, model in enumerate(unique)}
    return sorted(
        unique,
        key=lambda m: (_matches(m.name, prefix), not suits(m.capabilities, kind), order[m.name]),
    )


_RANKED: dict[tuple[int, str, str], tuple[list[ModelSummary], list[ModelSummary]]] = {}


def _ranked(installed: list[ModelSummary], kind: str, prefix: str) -> list[ModelSummary]:
    """`rank_installed`, remembered while the facade hands out the same list (one per model-list
    version): the client asks again on every keystroke of an incomplete list."""
    key = (id(installed), kind, prefix)
    cached = _RANKED.get(key)
    if cached is not None and cached[0] is installed:
        return cached[1]
    if len(_RANKED) >= 64:
        _RANKED.clear()
    ranked = rank_installed(installed, kind, prefix)
    _RANKED[key] = (installed, ranked)
    return ranked


async def model_completion(
    server: OllamaLanguageServer, slot: Slot, position: types.Position | None = None
) -> types.CompletionList:
    from ollama_ls.client import OllamaError
    from ollama_ls.facade import pullable_suggestions
    from ollama_ls.findings import installed_index

    try:
        installed = await server.tools.list_available_models()
    except OllamaError:
        installed = []
    prefix = typed_prefix(slot, position)
    ranked = _ranked(installed, slot.kind, prefix)
    have = installed_index([model.name for model in installed]).by_key
    suggestions = [
        entry
        for entry in pullable_suggestions()
        if model_key(entry["name"]) not in have
        and (slot.kind == "embedding") == (entry["purpose"] == "embedding")
    ]
    suggestions.sort(key=lambda entry: _matches(entry["name"], prefix))  # stable: best first
    total = len(ranked) + len(suggestions)
    if total > MAX_ITEMS and prefix:
        # Too many to send them all: what does not match the typed text goes first (the client
        # asks again as the user types, since the list is incomplete).
        ranked = [m for m in ranked if _matches(m.name, prefix) < 2]
        suggestions = [e for e in suggestions if _matches(e["name"], prefix) < 2]
    ranked = ranked[:MAX_ITEMS]
    suggestions = suggestions[: MAX_ITEMS - len(ranked)]
    markdown = completion_takes_markdown(server)
    inline = len(ranked) + len(suggestions) <= INLINE_DOCUMENTATION_UP_TO or not (
        supports_completion_resolve(server.client_capabilities)
    )
    items = [installed_item(m, slot, rank, markdown, inline) for rank, m in enumerate(ranked)]
    items += [pullable_item(e, slot, rank, markdown, inline) for rank, e in enumerate(suggestions)]
    return types.CompletionList(is_incomplete=len(items) < total, items=items)


async def resolve_item(
    server: OllamaLanguageServer, item: types.CompletionItem
) -> types.CompletionItem:
    """Fill in the documentation left out of a long list."""
    from ollama_ls.client import OllamaError
    from ollama_ls.facade import pullable_suggestions

    data = item.data if isinstance(item.data, dict) else {}
    markdown = completion_takes_markdown(server)
    if isinstance(name := data.get("installed"), str):
        try:
            installed = await server.tools.list_available_models()
        except OllamaError:
            installed = []
        model = next((m for m in installed if m.name == name), None)
        if model is not None:
            item.documentation = markup(_installed_documentation(model), markdown)
    elif isinstance(name := data.get("pullable"), str):
        entry = next((e for e in pullable_suggestions() if e["name"] == name), None)
        if entry is not None:
            item.documentation = markup(_pullable_documentation(entry), markdown)
    return item


def modelfile_items(text: str, position: types.Position) -> list[types.CompletionItem]:
    from ollama_ls.scan import modelfile

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
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True),
    )
    async def completion(
        ls: OllamaLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        from ollama_ls.scan import FileKind

        found = config_document(ls, params.text_document.uri)
        if found is None:
            return None
        document, kind = found
        position = params.position
        slot = slot_under_cursor(ls, params.text_document.uri, position)
        if slot is not None:
            return await model_completion(ls, slot, position)
        if kind is FileKind.MODELFILE:
            items = modelfile_items(document.source, position)
            return types.CompletionList(is_incomplete=False, items=items) if items else None
        return None

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def completion_resolve(
        ls: OllamaLanguageServer, item: types.CompletionItem
    ) -> types.CompletionItem:
        return await resolve_item(ls, item)
