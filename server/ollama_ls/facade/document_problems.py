"""Check a document's model names against what the server has: used by the language server's
diagnostics and by `ollama-ls check`."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ollama_ls.findings import Finding, check_document
from ollama_ls.client import OllamaError
from ollama_ls.modelname import model_key
from ollama_ls.scan import FileKind, Slot, scan
from ollama_ls.facade.editor_tools import OllamaEditorTools
from ollama_ls.facade.models import ModelSummary


async def installed_models_if_known(tools: OllamaEditorTools) -> list[ModelSummary] | None:
    """The installed models, or None while the server cannot be reached (no false alarms)."""
    status = tools.last_status
    if status is not None and not status.reachable:
        return None
    try:
        return await tools.list_available_models()
    except OllamaError:
        return None


async def find_problems(
    tools: OllamaEditorTools,
    text: str,
    kind: FileKind,
    model_keys: Sequence[str] = (),
    path: str | None = None,
    disabled: Collection[str] = (),
) -> list[Finding]:
    slots = scan(text, kind, model_keys, path, disabled)
    models = await installed_models_if_known(tools)
    names = None if models is None else [model.name for model in models]
    capabilities = {} if models is None else await _capabilities_of_used(tools, models, slots)
    return check_document(
        text, kind, names, capabilities, model_keys, server=tools.base_url, slots=slots
    )


async def _capabilities_of_used(
    tools: OllamaEditorTools, models: list[ModelSummary], slots: Sequence[Slot]
) -> dict[str, tuple[str, ...]]:
    """Capabilities of the installed models this document names: from the list when it has
    them, else from /api/show (cached)."""
    used = {model_key(slot.value) for slot in slots if slot.value}
    capabilities: dict[str, tuple[str, ...]] = {}
    for model in models:
        if model_key(model.name) not in used:
            continue
        if model.capabilities:
            capabilities[model.name] = model.capabilities
            continue
        try:
            capabilities[model.name] = (await tools.get_supported_capabilities(model.name)).raw
        except OllamaError:
            continue
    return capabilities
