"""Hover on a model name: what it is, how big, what it can do, and whether it is loaded now."""

from __future__ import annotations

from lsprotocol import types

from ollama_ls.client import ModelNotFound, OllamaError
from ollama_ls.lsp.documents import slot_under_cursor, to_lsp_range
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.markup import hover_takes_markdown, markup
from ollama_ls.scan import Slot, tool_of_file
from ollama_ls.facade import ModelDetails
from ollama_ls.facade.pull_tracker import format_bytes


def details_markdown(details: ModelDetails) -> str:
    loaded = "not loaded"
    if details.loaded:
        vram = details.loaded_size_vram
        loaded = f"**loaded now**{f' ({format_bytes(vram)} in VRAM)' if vram else ''}"
        if details.loaded_until:
            loaded += f", unloads at {details.loaded_until[:19].replace('T', ' ')}"
    if details.cloud:
        loaded = "**Ollama Cloud model**: runs on ollama.com (sign in with `ollama signin`)"
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


def register(server: OllamaLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: OllamaLanguageServer, params: types.HoverParams) -> types.Hover | None:
        slot = slot_under_cursor(ls, params.text_document.uri, params.position)
        if slot is None or not slot.value.strip():
            return None
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
    tool = tool_of_file(uri)
    rule = slot.rule or "a model key in an Ollama section"
    if tool is not None and tool.name != rule:
        return f"Ollama model, found by: {rule} ({tool.name} file)"
    return f"Ollama model, found by: {rule}"
