"""Plain objects the tools hand to editors: no pydantic, no wire names."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RunningModelInfo:
    name: str
    size: int
    size_vram: int
    expires_at: str | None
    context_length: int | None = None  # the context it was loaded with


@dataclass(frozen=True)
class Status:
    reachable: bool
    base_url: str
    version: str | None = None
    model_count: int = 0
    running_models: tuple[RunningModelInfo, ...] = ()
    latency_ms: float | None = None
    error: str | None = None
    suggestion: str | None = None
    servers: tuple[str, ...] = ()

    def state_key(self) -> tuple:
        """What a user would call a change of state (latency alone is not one)."""
        running = tuple(model.name for model in self.running_models)
        return (self.reachable, self.base_url, self.version, self.model_count, running, self.error,
                self.suggestion)


@dataclass(frozen=True)
class ModelSummary:
    name: str
    size: int
    digest: str
    modified_at: str
    family: str = ""
    parameter_size: str = ""
    quantization: str = ""
    capabilities: tuple[str, ...] = ()
    context_length: int | None = None
    # An Ollama Cloud model (a `-cloud`/`:cloud` name, or listed with a remote host): runs on
    # ollama.com, needs the server signed in.
    cloud: bool = False


@dataclass(frozen=True)
class Capabilities:
    model: str
    chat: bool
    streaming: bool
    embeddings: bool
    tools: bool
    vision: bool
    insert: bool
    thinking: bool
    context_length: int | None = None
    raw: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ModelDetails:
    """What hover shows about one installed model."""

    name: str
    family: str
    parameter_size: str
    quantization: str
    context_length: int | None
    capabilities: tuple[str, ...]
    size: int | None
    modified_at: str | None
    license_first_line: str | None
    loaded: bool
    loaded_size_vram: int | None = None
    loaded_context_length: int | None = None  # the context it runs with now
    loaded_until: str | None = None  # when Ollama unloads it (keep_alive)
    cloud: bool = False  # an Ollama Cloud model: runs remotely, needs `ollama signin`


@dataclass(frozen=True)
class GenerationSummary:
    """The last generation (or ghost text) that ended with Ollama's counts: for the status."""

    model: str
    eval_count: int  # Ollama's count of generated tokens, thinking included
    tokens_per_second: float | None  # eval_count / eval_duration, Ollama's own timing
    # Chunks that carried thinking (about one token each); None: the model did not think.
    thinking_tokens: int | None
    time_to_first_token_s: float | None
    estimated: bool = False  # Ollama sent no counts: characters / 4, wall-clock rate


@dataclass(frozen=True)
class NameCheck:
    is_valid: bool
    message: str
    normalized: str | None = None  # full name, host/namespace/model:tag
    short: str | None = None  # as `ollama list` shows it
