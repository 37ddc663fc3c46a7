"""Check a document's model names against what the server has: used by the language server's
diagnostics and by `ollama-ls check`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from functools import lru_cache
from typing import TypeVar

from ollama_ls.client import OllamaError
from ollama_ls.facade.editor_tools import OllamaEditorTools
from ollama_ls.facade.models import ModelSummary
from ollama_ls.facade.recommend import model_purposes
from ollama_ls.findings import (
    CLOUD_MODEL_NOT_PULLED, Finding, check_document, cloud_disabled_wording, installed_index,
)
from ollama_ls.modelname import model_key
from ollama_ls.scan import ContextSetting, FileKind, Slot, context_settings, scan


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
    spelling: bool = True,
    run: Runner | None = None,
    scanner: Callable[[], list[Slot]] | None = None,
) -> list[Finding]:
    """`spelling=False` leaves out the by-spelling alternatives of names that are not installed
    (the language server's quick fix finds them when asked; difflib over 1,000 names is slow).
    `run` runs the CPU-bound steps (scan, check), e.g. in a worker thread so that the event loop
    stays free; `scanner` replaces `scan` (the language server's incremental parse)."""
    run = run or _inline
    scanner = scanner or (lambda: scan(text, kind, model_keys, path, disabled))
    slots = await run(scanner)
    # The same parse as the slots' (cached): no second tree-sitter run.
    contexts = await run(lambda: context_settings(text, kind, model_keys, path, disabled))
    models = await installed_models_if_known(tools)
    index = None if models is None else installed_index([model.name for model in models])
    capabilities = {} if models is None else await _capabilities_of_used(tools, models, slots)
    maxima = {} if models is None else await context_maxima(tools, models, contexts)
    listed = None if models is None else {m.name: m.capabilities for m in models if m.capabilities}
    if listed is not None:
        listed.update(capabilities)
    findings = await run(
        lambda: check_document(
            text, kind, index, capabilities, model_keys, server=tools.base_url, slots=slots,
            spelling=spelling, contexts=contexts, context_maxima=maxima,
            installed_capabilities=listed, purposes=model_purposes(),
        )
    )  # fmt: skip
    # Only asked when a cloud name is not listed: is cloud off on this server?
    if any(f.code == CLOUD_MODEL_NOT_PULLED for f in findings) and await tools.cloud_disabled():
        return cloud_disabled_wording(findings)
    return findings


async def context_maxima(
    tools: OllamaEditorTools, models: list[ModelSummary], contexts: Sequence[ContextSetting]
) -> dict[str, int]:
    """The maximum context of each installed model a context-length setting names (model key ->
    tokens): /api/show's `model_info` `<arch>.context_length`, cached like hover's."""
    wanted = {_key(c.model) for c in contexts if c.model and c.tokens is not None}
    maxima: dict[str, int] = {}
    for model in models:
        key = _key(model.name)
        if key not in wanted or key in maxima:
            continue
        try:
            maximum = (await tools.get_supported_capabilities(model.name)).context_length
        except OllamaError:
            continue
        if maximum:
            maxima[key] = maximum
    return maxima


T = TypeVar("T")
Runner = Callable[[Callable[[], T]], Awaitable[T]]


async def _inline(work: Callable[[], T]) -> T:
    return work()


async def _capabilities_of_used(
    tools: OllamaEditorTools,
    models: list[ModelSummary],
    slots: Sequence[Slot],
) -> dict[str, tuple[str, ...]]:
    """Capabilities of the installed models this document names: from the list when it has
    them, else from /api/show (cached)."""
    used = {_key(slot.value) for slot in slots if slot.value}
    capabilities: dict[str, tuple[str, ...]] = {}
    for model in models:
        if _key(model.name) not in used:
            continue
        if model.capabilities:
            capabilities[model.name] = model.capabilities
            continue
        try:
            capabilities[model.name] = (await tools.get_supported_capabilities(model.name)).raw
        except OllamaError:
            continue
    return capabilities


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return model_key(name)  # parsed once per name, not once per name per recheck
