"""Provider prefixes on model names: `ollama/llama3.2`, `ollama_chat/llama3.2` (LiteLLM, aider,
CrewAI, DSPy, opencode), and `openai/<name>` where the base URL is Ollama's."""

from __future__ import annotations

import re

from .nodes import Scalar

PREFIX_RULE = "provider prefix"
_OLLAMA_PREFIX = re.compile(r"(ollama_chat|ollama)/(?=[^\s/]|$)")
_OPENAI_PREFIX = re.compile(r"openai/(?=\S)")


def ollama_prefix_end(text: str) -> int | None:
    """Where the model name starts after an `ollama/` or `ollama_chat/` prefix, else None."""
    match = _OLLAMA_PREFIX.match(text)
    if match is None or text[match.end() :].split(":", 1)[0] == "ollama":
        return None  # `ollama/ollama` is the Docker image
    return match.end()


def openai_prefix_end(text: str) -> int | None:
    match = _OPENAI_PREFIX.match(text)
    return None if match is None else match.end()


def after(value: Scalar, length: int) -> Scalar:
    """The part of `value` after its first `length` characters (the prefix)."""
    skipped = len(value.text[:length].encode("utf-8", "surrogatepass"))
    return Scalar(value.text[length:], value.start + skipped, value.end, value.quoted, value.typing_end)
