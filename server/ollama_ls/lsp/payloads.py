"""Every payload of ollama-ls's own protocol, as dataclasses: the one source of truth.

`to_wire` turns any of them into the camelCase JSON the client gets. `typescript_schema` gives
each payload's members as TypeScript types; a test writes them to
`vscode-extension/test/unit/protocol.snapshot.json`, and the extension's unit tests check
`protocol.ts` against that file, so the two sides cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

DIAGNOSTIC_SOURCE = "ollama"
STATUS_METHOD = "ollama/status"
PROGRESS_METHOD = "ollama/progress"

# A member that is left out of the JSON when it is None (`name?: type` in TypeScript).
OPTIONAL = {"optional": True}


def omitted_when_none() -> Any:
    return field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True)
class RunningModel:
    name: str
    size: int
    size_vram: int
    expires_at: str | None


@dataclass(frozen=True)
class LastGeneration:
    """The last generation or ghost text that ended with Ollama's counts."""

    model: str
    eval_count: int  # Ollama's eval_count: generated tokens, thinking included
    tokens_per_second: float | None  # eval_count / eval_duration (Ollama's timing)
    time_to_first_token_ms: float | None
    estimated: bool  # Ollama sent no counts: characters / 4 and wall-clock time
    # Streamed chunks that carried thinking (about one token each); left out: no thinking.
    thinking_tokens: int | None = omitted_when_none()


@dataclass(frozen=True)
class OllamaStatus:
    """`ollama/status` notification (server -> client) and result of the `ollama/status` request."""

    reachable: bool
    base_url: str
    version: str | None
    model_count: int
    running_models: list[RunningModel]
    latency_ms: float | None
    error: str | None
    suggestion: str | None  # what to do: why it is unreachable, or a better base URL
    last_generation: LastGeneration | None = omitted_when_none()


@dataclass(frozen=True)
class OllamaProgress:
    """`ollama/progress` notification: pull and generate progress for status bars."""

    kind: Literal["pull", "generate"]
    model: str
    done: bool
    id: str | None = omitted_when_none()
    percentage: int | None = omitted_when_none()
    tokens_per_second: float | None = omitted_when_none()
    message: str | None = omitted_when_none()


@dataclass(frozen=True)
class ModelInfo:
    """One item of the `ollama/models` result."""

    name: str
    size: int
    digest: str
    modified_at: str
    family: str
    parameter_size: str
    quantization: str
    capabilities: list[str]
    context_length: int | None


@dataclass(frozen=True)
class CapabilitiesResult:
    model: str
    chat: bool
    streaming: bool
    embeddings: bool
    tools: bool
    vision: bool
    insert: bool
    thinking: bool
    context_length: int | None
    capabilities: list[str]


@dataclass(frozen=True)
class ValidateModelNameResult:
    is_valid: bool
    message: str
    normalized: str | None
    short: str | None


@dataclass(frozen=True)
class HardwareInfo:
    total_ram: int
    available_ram: int
    total_vram: int
    vram_source: str | None


@dataclass(frozen=True)
class DefaultModelResult:
    model: str
    configured: bool
    installed: bool
    reason: str
    recommended: str
    alternatives: list[str]
    hardware: HardwareInfo


@dataclass(frozen=True)
class GenerateResult:
    """Result of `ollama.generate`. The counts are null when Ollama sent no final metrics."""

    model: str
    text: str
    eval_count: int | None
    tokens_per_second: float | None
    time_to_first_token_ms: float | None
    cancelled: bool
    stopped: str | None = omitted_when_none()  # why it stopped before its end
    error: str | None = omitted_when_none()  # the failure; the server has shown it already


@dataclass(frozen=True)
class PullResult:
    """Result of `ollama.pull` (and of an auto-pull before a generation)."""

    model: str
    status: Literal["success", "cancelled", "error"]
    cancelled: bool
    error: str | None = omitted_when_none()


@dataclass(frozen=True)
class ModelCommandResult:
    """Result of `ollama.delete`, `ollama.warmup` and `ollama.unload`."""

    model: str
    status: Literal["deleted", "loaded", "unloaded"]


@dataclass(frozen=True)
class CancelResult:
    cancelled: int  # how many operations were cancelled


PAYLOADS: tuple[type, ...] = (
    RunningModel, LastGeneration, OllamaStatus, OllamaProgress, ModelInfo, CapabilitiesResult,
    ValidateModelNameResult, HardwareInfo, DefaultModelResult, GenerateResult, PullResult,
    ModelCommandResult, CancelResult,
)  # fmt: skip


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_wire(value: Any) -> Any:
    """A payload (or a list of them) as JSON-ready camelCase dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for member in dataclasses.fields(value):
            item = getattr(value, member.name)
            if item is None and member.metadata.get("optional"):
                continue
            out[camel(member.name)] = to_wire(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    return value


def typescript_schema() -> dict[str, dict[str, str]]:
    """{interface: {member (with `?` when optional): TypeScript type}} for every payload."""
    schema: dict[str, dict[str, str]] = {}
    for payload in PAYLOADS:
        hints = typing.get_type_hints(payload)
        members: dict[str, str] = {}
        for member in dataclasses.fields(payload):
            optional = bool(member.metadata.get("optional"))
            key = camel(member.name) + ("?" if optional else "")
            members[key] = _typescript(hints[member.name], drop_none=optional)
        schema[payload.__name__] = members
    return schema


def _typescript(hint: Any, drop_none: bool = False) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        parts = [a for a in args if a is not type(None)]
        text = " | ".join(_typescript(a) for a in parts)
        return text if drop_none or len(parts) == len(args) else f"{text} | null"
    if origin is Literal:
        return " | ".join(f"'{a}'" for a in args)
    if origin in (list, tuple):
        return f"{_typescript(args[0])}[]"
    if hint is bool:
        return "boolean"
    if hint in (int, float):
        return "number"
    if hint is str:
        return "string"
    if dataclasses.is_dataclass(hint):
        return hint.__name__
    raise TypeError(f"no TypeScript type for {hint!r}")
