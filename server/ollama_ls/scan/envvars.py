"""Environment variables that hold Ollama model names: `.env` files, compose `environment:`,
Kubernetes `env:`.

`*_MODEL` variables count when the variables around them name Ollama (`OLLAMA_*`, a value that
mentions it) or their own name does; a known tool's variables (Open WebUI's comma-separated
`DEFAULT_MODELS`) count by name; an `ollama/` prefix counts anywhere; variables named after
another provider (`OPENAI_MODEL`) never count.
"""

from __future__ import annotations

from collections.abc import Sequence as Seq
from dataclasses import dataclass

from .known_tools import EnvName, Tool
from .nodes import Found, Scalar
from .prefix import PREFIX_RULE, after, ollama_prefix_end
from .slots import is_env_model_key, is_other_provider_variable, kind_of

ENV_RULE = "environment variable beside Ollama's"


@dataclass(frozen=True)
class EnvContext:
    tools: tuple[Tool, ...]
    model_keys: tuple[str, ...] = ()
    prefix_on: bool = True
    ollama: bool = False  # the surrounding document already says Ollama


def mentions_ollama(pairs: Seq[tuple[str, Scalar]]) -> bool:
    return any(
        key.upper().startswith("OLLAMA_") or "ollama" in value.text.lower() for key, value in pairs
    )


def env_slots(pairs: Seq[tuple[str, Scalar]], context: EnvContext) -> list[Found]:
    values = {key.upper(): value.text.strip().strip("'\"").lower() for key, value in pairs}
    beside_ollama = context.ollama or mentions_ollama(pairs)
    found: list[Found] = []
    for key, value in pairs:
        if is_other_provider_variable(key) or any(key.upper() in t.not_ollama_env for t in context.tools):
            continue
        start = ollama_prefix_end(value.text) if context.prefix_on else None
        if start is not None:
            kind = kind_of([key])
            if kind == "chat" and not value.text.startswith("ollama_chat/"):
                kind = "any"
            found.append(Found(key, kind, after(value, start), PREFIX_RULE))
            continue
        tool, entry = _tool_variable(key, context.tools)
        if entry is not None:
            if entry.when is None or values.get(entry.when[0].upper()) == entry.when[1]:
                kind = entry.kind or kind_of([key])
                found += [Found(key, kind, part, tool.name) for part in _split(value, entry.separator)]
            continue  # a known variable whose condition is not met is not Ollama's
        if is_env_model_key(key, context.model_keys) and (beside_ollama or "OLLAMA" in key.upper()):
            found.append(Found(key, kind_of([key]), value, ENV_RULE))
    return found


def _tool_variable(key: str, tools: Seq[Tool]) -> tuple[Tool, EnvName] | tuple[None, None]:
    for tool in tools:
        for entry in tool.env:
            if entry.variable == key.upper():
                return tool, entry
    return None, None


def _split(value: Scalar, separator: str | None) -> list[Scalar]:
    """`a, b,c` -> the parts, each with its own offsets, blanks left out."""
    if separator is None or separator not in value.text:
        return [value]
    parts: list[Scalar] = []
    offset = value.start
    for part in value.text.split(separator):
        size = len(part.encode("utf-8", "surrogatepass"))
        stripped = part.strip()
        if stripped:
            lead = len(part[: len(part) - len(part.lstrip())].encode("utf-8", "surrogatepass"))
            start = offset + lead
            parts.append(Scalar(stripped, start, start + len(stripped.encode("utf-8", "surrogatepass")), value.quoted))
        offset += size + len(separator.encode())
    return parts
