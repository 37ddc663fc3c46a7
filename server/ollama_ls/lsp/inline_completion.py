"""Ghost text (`textDocument/inlineCompletion`): fill-in-the-middle for models with the `insert`
capability, else a plain continuation of the text before the cursor.

A newer request for the same document cancels the older one, which closes its HTTP stream so
that Ollama stops generating; `$/cancelRequest` does the same.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from ollama_ls.lsp.documents import slot_under_cursor
from ollama_ls.lsp.command_helpers import models_named_in_workspace
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.prompting import context_around

log = logging.getLogger(__name__)


async def complete(
    server: OllamaLanguageServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    uri, position = params.text_document.uri, params.position
    settings = server.settings_for(uri).inline_completion
    if not settings.enable or slot_under_cursor(server, uri, position) is not None:
        return None
    await asyncio.sleep(settings.debounce_ms / 1000)
    tools = server.tools
    named = models_named_in_workspace(server, ("autocomplete",))
    preferences = server.preferences_for(uri)
    model = settings.model or await tools.resolve_default_model_name(named, preferences)
    capabilities = await tools.get_supported_capabilities(model)
    document = server.workspace.get_text_document(uri)
    context = context_around(document, position, context_lines=settings.context_lines)
    if not context.prefix.strip() and not context.suffix.strip():
        return None
    request: dict = {"options": {"num_predict": settings.max_tokens, "temperature": 0.2}}
    if capabilities.thinking:
        request["think"] = False  # thinking models think by default: ghost text cannot wait
    if capabilities.insert:
        request.update(prompt=context.prefix, suffix=context.suffix)
    else:
        await _say_once_that_fim_is_missing(server, model)
        request.update(prompt=context.prefix, raw=True)
    text_parts: list[str] = []
    async with tools.generate(model, preferences, **request) as stream:
        async for chunk in stream:
            text_parts.append(chunk.text)
    text = "".join(text_parts)
    if not text.strip():
        return None
    return types.InlineCompletionList(
        items=[
            types.InlineCompletionItem(
                insert_text=text, range=types.Range(start=position, end=position)
            )
        ]
    )


_told_no_fim: set[str] = set()


async def _say_once_that_fim_is_missing(server: OllamaLanguageServer, model: str) -> None:
    """Ghost text works best with fill-in-the-middle; say once per model which ones have it."""
    from ollama_ls.client import OllamaError

    if model in _told_no_fim:
        return
    _told_no_fim.add(model)
    try:
        installed = await server.tools.list_available_models()
    except OllamaError:
        installed = []
    able = [m.name for m in installed if "insert" in m.capabilities]
    offer = (
        f" Installed models that can: {', '.join(able[:5])} (set ollama.inlineCompletion.model)."
        if able
        else " Pull a code model that can, such as qwen2.5-coder, and set ollama.inlineCompletion.model."
    )
    server.show(
        f"Ghost text: {model} cannot fill in the middle (no `insert` capability), so it only "
        f"continues the text before the cursor.{offer}",
        types.MessageType.Info,
    )


def register(server: OllamaLanguageServer) -> None:
    latest: dict[str, asyncio.Task] = {}

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: OllamaLanguageServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        from ollama_ls.client import OllamaError

        uri = params.text_document.uri
        previous = latest.get(uri)
        if previous is not None and not previous.done():
            previous.cancel()  # superseded: its stream closes as the cancellation unwinds
        task = asyncio.current_task()
        latest[uri] = task
        try:
            return await complete(ls, params)
        except OllamaError as error:
            log.info("inline completion failed: %s", error.message)
            return None
        finally:
            if latest.get(uri) is task:
                del latest[uri]
