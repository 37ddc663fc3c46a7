"""The editor-tools layer: what editors ask of Ollama, with caches and failover. No LSP here."""

from ollama_ls.tools.config import ToolsConfig
from ollama_ls.tools.editor_tools import OllamaEditorTools
from ollama_ls.tools.hardware import HardwareProfile, read_hardware
from ollama_ls.tools.models import (
    Capabilities,
    ModelDetails,
    ModelSummary,
    NameCheck,
    RunningModelInfo,
    Status,
)
from ollama_ls.tools.recommend import Recommendation, pullable_suggestions

__all__ = [
    "Capabilities",
    "HardwareProfile",
    "ModelDetails",
    "ModelSummary",
    "NameCheck",
    "OllamaEditorTools",
    "Recommendation",
    "RunningModelInfo",
    "Status",
    "ToolsConfig",
    "pullable_suggestions",
    "read_hardware",
]
