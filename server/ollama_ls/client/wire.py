"""Ollama's JSON, typed with pydantic at the boundary (field names as on the wire).

Unknown fields are kept (extra="allow") so a newer Ollama does not break us. Stream chunks
ignore unknown fields instead: they are parsed once per token, and `model_validate_json` with
extra="ignore" was measured faster than `json.loads` plus hand-built objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ChunkModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ModelDetails(WireModel):
    parent_model: str = ""
    format: str = ""
    family: str = ""
    families: list[str] | None = None
    parameter_size: str = ""
    quantization_level: str = ""
    context_length: int | None = None
    embedding_length: int | None = None


class ListedModel(WireModel):
    """An entry of /api/tags."""

    name: str
    model: str = ""
    modified_at: datetime | None = None
    size: int = 0
    digest: str = ""
    details: ModelDetails = Field(default_factory=ModelDetails)
    capabilities: list[str] = Field(default_factory=list)
    remote_model: str | None = None
    remote_host: str | None = None


class RunningModel(WireModel):
    """An entry of /api/ps."""

    name: str
    model: str = ""
    size: int = 0
    digest: str = ""
    details: ModelDetails = Field(default_factory=ModelDetails)
    expires_at: datetime | None = None
    size_vram: int = 0
    context_length: int = 0


class ToolCallFunction(ChunkModel):
    index: int = 0
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolCall(ChunkModel):
    id: str | None = None
    function: ToolCallFunction


class Message(ChunkModel):
    """A chat message, sent and received. `images`: base64 text, or raw bytes to encode."""

    role: str = "assistant"
    content: str = ""
    thinking: str | None = None
    images: list[str | bytes] | None = None
    tool_calls: list[ToolCall] | None = None
    tool_name: str | None = None
    tool_call_id: str | None = None


class Tensor(WireModel):
    name: str
    type: str = ""
    shape: list[int] = Field(default_factory=list)


class ShowResponse(WireModel):
    license: str = ""
    modelfile: str = ""
    parameters: str = ""
    template: str = ""
    system: str = ""
    details: ModelDetails = Field(default_factory=ModelDetails)
    messages: list[Message] = Field(default_factory=list)
    model_info: dict[str, Any] = Field(default_factory=dict)
    projector_info: dict[str, Any] | None = None
    tensors: list[Tensor] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)
    modified_at: datetime | None = None
    requires: str | None = None
    remote_model: str | None = None
    remote_host: str | None = None

    @property
    def context_length(self) -> int | None:
        """`<architecture>.context_length` from model_info, else details.context_length."""
        arch = self.model_info.get("general.architecture")
        value = self.model_info.get(f"{arch}.context_length") if arch else None
        return value if isinstance(value, int) else self.details.context_length


class PullProgress(ChunkModel):
    status: str = ""
    digest: str | None = None
    total: int | None = None
    completed: int | None = None
    error: str | None = None

    @property
    def fraction(self) -> float | None:
        """0.0-1.0 for a layer download line, None for status-only lines."""
        if not self.total:
            return None
        return min((self.completed or 0) / self.total, 1.0)


class _Metrics(ChunkModel):
    """Ollama's own counters, on the final chunk only; durations in nanoseconds."""

    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None
    prompt_eval_duration: int | None = None
    eval_count: int | None = None
    eval_duration: int | None = None


class GenerateChunk(_Metrics):
    model: str = ""
    created_at: str = ""
    response: str = ""
    thinking: str | None = None
    done: bool = False
    done_reason: str | None = None
    tool_calls: list[ToolCall] | None = None
    logprobs: list[dict[str, Any]] | None = None
    error: str | None = None


class GenerateResponse(GenerateChunk):
    """The single object of a non-streamed /api/generate (text and thinking concatenated)."""

    model_config = ConfigDict(extra="allow")
    context: list[int] | None = None


class ChatChunk(_Metrics):
    model: str = ""
    created_at: str = ""
    message: Message = Field(default_factory=Message)
    done: bool = False
    done_reason: str | None = None
    logprobs: list[dict[str, Any]] | None = None
    error: str | None = None


class ChatResponse(ChatChunk):
    """The single object of a non-streamed /api/chat."""

    model_config = ConfigDict(extra="allow")


class EmbedResponse(WireModel):
    model: str = ""
    embeddings: list[list[float]] = Field(default_factory=list)
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None


class LegacyEmbedding(WireModel):
    embedding: list[float] = Field(default_factory=list)


class ModelList(WireModel):
    models: list[ListedModel] = Field(default_factory=list)


class RunningList(WireModel):
    models: list[RunningModel] = Field(default_factory=list)


class VersionResponse(WireModel):
    version: str


class CloudPolicy(WireModel):
    disabled: bool = False
    source: str = "none"  # "none" | "env" | "config" | "both"


class StatusResponse(WireModel):
    """GET /api/status (newer Ollama; older ones answer 404)."""

    cloud: CloudPolicy = Field(default_factory=CloudPolicy)
