"""The facade over Ollama: everything an editor asks of it, with caches and failover. No LSP here.

Everything the language server and the CLI send to Ollama goes through `OllamaEditorTools`;
what comes back is plain dataclasses, never wire models."""

from ollama_ls.facade.config import Preferences, ToolsConfig
from ollama_ls.facade.editor_tools import OllamaEditorTools
from ollama_ls.facade.hardware import HardwareProfile, read_hardware
from ollama_ls.facade.models import (
    Capabilities,
    ModelDetails,
    ModelSummary,
    NameCheck,
    RunningModelInfo,
    Status,
)
from ollama_ls.facade.recommend import Recommendation, pullable_suggestions
from ollama_ls.facade.streams import Embeddings, GenerationChunk, GenerationStream, PullStatus

__all__ = [
    "Capabilities",
    "Embeddings",
    "GenerationChunk",
    "GenerationStream",
    "HardwareProfile",
    "ModelDetails",
    "ModelSummary",
    "NameCheck",
    "OllamaEditorTools",
    "Preferences",
    "PullStatus",
    "Recommendation",
    "RunningModelInfo",
    "Status",
    "ToolsConfig",
    "pullable_suggestions",
    "read_hardware",
]
