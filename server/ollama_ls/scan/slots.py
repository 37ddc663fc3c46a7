"""The Slot type and the key predicates that decide which values can hold model names."""

from __future__ import annotations

from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Literal

from .languages import FileKind
from .positions import Range

# What the setting expects: a model that generates text, an embedding model, a model that can
# fill in the middle (autocomplete), or any model at all (a list of models to pull).
SlotKind = Literal["chat", "embedding", "autocomplete", "any"]


@dataclass(frozen=True)
class Slot:
    value: str  # the text without quotes or provider prefix, including any ":tag"
    range: Range  # covers exactly `value`
    key: str
    kind: SlotKind
    quoted: bool
    file_kind: FileKind
    rule: str = ""  # why this value is taken for an Ollama model name (shown in hover)


def is_model_key(key: str, model_keys: Seq[str] = ()) -> bool:
    """`model`, `model_name`, `modelName`, `*_model`, `*Model`, or a user key.

    Dotted keys (`ollama.model`, VS Code style settings) are judged by their last part.
    """
    last = key.rsplit(".", 1)[-1]
    lower = last.lower()
    if any(k.lower() in (key.lower(), lower) for k in model_keys):
        return True
    return (
        lower in ("model", "model_name", "modelname", "model-name", "model_id", "modelid")
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


# Variables named after another provider hold that provider's names, never Ollama's.
OTHER_PROVIDER_VARIABLES = (
    "OPENAI_", "AZURE_", "ANTHROPIC_", "CLAUDE_", "GEMINI_", "GOOGLE_", "VERTEX_", "GROQ_",
    "MISTRAL_", "COHERE_", "TOGETHER_", "DEEPSEEK_", "OPENROUTER_", "HF_", "HUGGINGFACE_",
    "BEDROCK_", "AWS_", "XAI_", "FIREWORKS_", "PERPLEXITY_", "LMSTUDIO_", "VLLM_", "VOYAGE_",
    "JINA_", "NVIDIA_", "CEREBRAS_", "SAMBANOVA_",
)  # fmt: skip


def is_other_provider_variable(key: str) -> bool:
    return key.upper().startswith(OTHER_PROVIDER_VARIABLES)


def kind_of(keys: Seq[str]) -> SlotKind:
    lowered = [k.lower() for k in keys]
    if any("embed" in k for k in lowered):
        return "embedding"
    if any("autocomplete" in k or k.startswith("fim") or "_fim" in k for k in lowered):
        return "autocomplete"
    return "chat"
