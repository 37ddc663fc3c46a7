"""The Slot type and the rules that decide which values are Ollama model names."""

from __future__ import annotations

import re
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Literal

from .languages import FileKind
from .nodes import Found, Mapping, Node, Scalar, Sequence
from .positions import Range

SlotKind = Literal["chat", "embedding"]

# Keys whose value names the provider of their mapping.
PROVIDER_KEYS = frozenset({"provider", "type", "backend", "api", "client", "engine"})
# Of those, the ones that say "not Ollama" when their value is something else
# (`type: chat` under `ollama:` must not switch the context off).
STRICT_PROVIDER_KEYS = frozenset({"provider", "backend"})
# Section names of other providers: they end an inherited Ollama context.
OTHER_PROVIDERS = frozenset(
    {
        "openai", "azure", "azure_openai", "anthropic", "claude", "gemini", "google",
        "vertex", "vertexai", "bedrock", "mistral", "groq", "cohere", "together",
        "deepseek", "openrouter", "huggingface", "lmstudio", "vllm", "llamacpp",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Slot:
    value: str  # the text without quotes, including any ":tag"
    range: Range  # covers exactly `value`
    key: str
    kind: SlotKind
    quoted: bool
    file_kind: FileKind


def is_model_key(key: str, model_keys: Seq[str] = ()) -> bool:
    """`model`, `model_name`, `modelName`, `*_model`, `*Model`, or a user key.

    Dotted keys (`ollama.model`, VS Code style settings) are judged by their last part.
    """
    last = key.rsplit(".", 1)[-1]
    lower = last.lower()
    if any(k.lower() in (key.lower(), lower) for k in model_keys):
        return True
    return (
        lower in ("model", "model_name", "modelname", "model-name")
        or lower.endswith(("_model", "-model"))
        or (len(last) > 5 and last.endswith("Model"))
    )


def is_list_key(key: str) -> bool:
    """A key whose list value holds model names (`models: [a, b]`)."""
    return key.rsplit(".", 1)[-1].lower() == "models"


def is_env_model_key(key: str, model_keys: Seq[str] = ()) -> bool:
    """An environment variable that holds a model: `*_MODEL`, `MODEL`, `*_MODEL_NAME`."""
    upper = key.upper()
    return (
        upper in ("MODEL", "MODEL_NAME")
        or upper.endswith(("_MODEL", "_MODEL_NAME"))
        or upper in (k.upper() for k in model_keys)
    )


def kind_of(keys: Seq[str]) -> SlotKind:
    return "embedding" if any("embed" in k.lower() for k in keys) else "chat"


def _declared(mapping: Mapping) -> bool | None:
    """What a mapping's own provider-like key says: Ollama, not Ollama, or nothing."""
    verdict = None
    for key, value in mapping.pairs:
        lower = key.lower()
        if lower not in PROVIDER_KEYS or not isinstance(value, Scalar) or not value.text:
            continue
        if "ollama" in value.text.lower():
            return True
        if lower in STRICT_PROVIDER_KEYS:
            verdict = False
    return verdict


def _enter(key: str, in_ollama: bool) -> bool:
    """The Ollama context of the value of `key`, before its own declaration."""
    lower = key.lower()
    if "ollama" in lower:
        return True
    if lower.rsplit(".", 1)[-1] in OTHER_PROVIDERS:
        return False
    return in_ollama


def find(roots: Seq[Node], model_keys: Seq[str] = ()) -> list[Found]:
    """Every model-name value in the documents `roots`, in document order."""
    found: list[Found] = []
    for root in roots:
        _walk(root, (), False, model_keys, found)
    found.sort(key=lambda f: f.value.start)
    return found


def _walk(node: Node, path: tuple[str, ...], in_ollama: bool, model_keys, found) -> None:
    if isinstance(node, Sequence):
        for item in node.items:
            if path and path[-1].lower() == "environment" and isinstance(item, Scalar):
                _environment_item(item, path, in_ollama, model_keys, found)
            _walk(item, path, in_ollama, model_keys, found)
        return
    if not isinstance(node, Mapping):
        return
    declared = _declared(node)
    here = in_ollama if declared is None else declared
    for key, value in node.pairs:
        inner = _enter(key, here)
        keys = (*path, key)
        if inner and is_model_key(key, model_keys) and isinstance(value, Scalar):
            found.append(Found(key, kind_of(keys), value))
        elif inner and (is_model_key(key, model_keys) or is_list_key(key)) and isinstance(value, Sequence):
            for item in value.items:
                if isinstance(item, Scalar):
                    found.append(Found(key, kind_of(keys), item))
        if isinstance(value, (Mapping, Sequence)):
            _walk(value, keys, inner, model_keys, found)


_ENV_ITEM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")


def _environment_item(item: Scalar, path, in_ollama: bool, model_keys, found) -> None:
    """docker compose `environment: [OLLAMA_MODEL=llama3]`: the part after `=`."""
    match = _ENV_ITEM.match(item.text)
    if not match or not is_env_model_key(match.group(1), model_keys):
        return
    if not (in_ollama or "ollama" in match.group(1).lower()):
        return
    start = item.start + len(match.group(0).encode("utf-8", "surrogatepass"))
    value = Scalar(item.text[match.end() :], start, item.end, item.quoted, item.end)
    found.append(Found(match.group(1), kind_of((*path, match.group(1))), value))
