"""Hover on a model name: what it is, how big, what it can do, and whether it is loaded now; and
on a context length (`num_ctx`, `contextLength`, ...): the model's maximum and what it costs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ollama_ls.lsp.documents import config_document, slot_under_cursor, to_lsp_range
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.markup import hover_takes_markdown, markup
from ollama_ls.modelname import CLOUD_SIGN_IN

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
    from ollama_ls.facade import ModelDetails
    from ollama_ls.scan import ContextSetting, Slot


def details_markdown(details: ModelDetails) -> str:
    from ollama_ls.facade.pull_tracker import format_bytes

    loaded = "not loaded"
    if details.loaded:
        vram = details.loaded_size_vram
        loaded = f"**loaded now**{f' ({format_bytes(vram)} in VRAM)' if vram else ''}"
        if details.loaded_until:
            loaded += f", unloads at {details.loaded_until[:19].replace('T', ' ')}"
    if details.cloud:
        loaded = f"**Ollama Cloud model**. {CLOUD_SIGN_IN}."
    context = f"{details.context_length:,} max" if details.context_length else ""
    if details.loaded_context_length:
        context += f", running with {details.loaded_context_length:,}"
    elif context:
        context += ", Ollama's default when loaded (4k, 32k or 256k by the server's memory; "
        context += "`OLLAMA_CONTEXT_LENGTH` or the `contextLength` setting changes it)"
    rows = [
        ("parameters", details.parameter_size),
        ("quantization", details.quantization),
        ("family", details.family),
        ("context length", context),
        ("capabilities", ", ".join(details.capabilities)),
        ("size on disk", format_bytes(details.size) if details.size else ""),
        ("modified", (details.modified_at or "")[:19].replace("T", " ")),
    ]
    table = "\n".join(f"| {label} | {value} |" for label, value in rows if value)
    parts = [f"### {details.name}\n\n{loaded}", f"| | |\n|---|---|\n{table}"]
    if details.license_first_line:
        parts.append(f"License: {details.license_first_line}")
    return "\n\n".join(parts)


# Ollama's num_ctx when a request and the Modelfile set none (OLLAMA_CONTEXT_LENGTH unset).
DEFAULT_CONTEXT = "4,096 below 23 GiB of VRAM, 32,768 from 23 GiB, 262,144 from 47 GiB"


def context_markdown(setting: ContextSetting, details: ModelDetails | None, problem: str = "") -> str:
    """Hover on a context-length value: the model's maximum, the memory it costs, the default."""
    key, tokens = setting.key, setting.tokens
    title = f"### `{key}`: {tokens:,} tokens" if tokens else f"### `{key}`"
    parts = [title]
    if setting.problem is not None:
        parts.append(f"`{setting.text.strip()}` is not a positive whole number of tokens.")
    if setting.model is None:
        parts.append("No Ollama model beside it: its maximum context is not known here.")
    elif details is not None and details.context_length:
        maximum = details.context_length
        line = f"`{details.name}` takes at most **{maximum:,} tokens** of context."
        if tokens and tokens > maximum:
            line += f" This is above it: Ollama loads the model with {maximum:,}."
        if details.loaded_context_length:
            line += f" Loaded now with {details.loaded_context_length:,}."
        parts.append(line)
    else:
        parts.append(f"`{setting.model}`: its maximum context is not known{problem}.")
    parts.append(
        "The context is the prompt plus the answer. Its KV cache is held in memory (VRAM when "
        "it fits) and grows with this number: twice the context, twice the cache, set aside "
        "when the model loads whether it is used or not."
    )
    parts.append(
        f"Without it, Ollama's default applies: {DEFAULT_CONTEXT} (at most the model's "
        "maximum); `OLLAMA_CONTEXT_LENGTH` on the Ollama server overrides that default."
    )
    return "\n\n".join(parts)


async def _context_hover(
    ls: OllamaLanguageServer, uri: str, position: types.Position
) -> types.Hover | None:
    from ollama_ls.client import ModelNotFound, OllamaError
    from ollama_ls.scan import context_at

    found = config_document(ls, uri)
    if found is None:
        return None
    document, kind = found
    settings = ls.settings_for(uri)
    setting = context_at(
        document.source, kind, position.line, position.character,
        settings.model_keys, uri, settings.scan.disable,
    )  # fmt: skip
    if setting is None:
        return None
    details, problem = None, ""
    if setting.model is not None:
        try:
            details = await ls.tools.get_model_details(setting.model)
        except ModelNotFound:
            problem = f" (not installed on {ls.tools.base_url})"
        except OllamaError as error:
            problem = f" ({error.message})"
    return types.Hover(
        contents=markup(context_markdown(setting, details, problem), hover_takes_markdown(ls)),
        range=to_lsp_range(setting.range),
    )


def register(server: OllamaLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: OllamaLanguageServer, params: types.HoverParams) -> types.Hover | None:
        from ollama_ls.client import ModelNotFound, OllamaError

        slot = slot_under_cursor(ls, params.text_document.uri, params.position)
        if slot is None or not slot.value.strip():
            return await _context_hover(ls, params.text_document.uri, params.position)
        name = slot.value.strip()
        try:
            value = details_markdown(await ls.tools.get_model_details(name))
        except ModelNotFound:
            value = f"### {name}\n\nNot installed on {ls.tools.base_url}. Run: `ollama pull {name}`"
        except OllamaError as error:
            value = f"### {name}\n\n{error.message}" + (
                f"\n\n{error.suggestion}" if error.suggestion else ""
            )
        value += f"\n\n{found_by(slot, params.text_document.uri)}"
        return types.Hover(
            contents=markup(value, hover_takes_markdown(ls)), range=to_lsp_range(slot.range)
        )


def found_by(slot: Slot, uri: str) -> str:
    """Why this value is taken for an Ollama model name, so a user can tell (and switch it off)."""
    from ollama_ls.scan import tool_of_file

    tool = tool_of_file(uri)
    rule = slot.rule or "a model key in an Ollama section"
    if tool is not None and tool.name != rule:
        return f"Ollama model, found by: {rule} ({tool.name} file)"
    return f"Ollama model, found by: {rule}"
