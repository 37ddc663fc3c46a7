"""What one OllamaEditorTools needs to know about its servers; plain data, no LSP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class ToolsConfig:
    base_url: str | None = None  # explicit setting; None falls back to OLLAMA_HOST, then the default
    fallback_urls: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    api_key: str | None = field(default=None, repr=False)
    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout: float | None = None  # read timeout between chunks, seconds; None: OLLAMA_TIMEOUT or 120
    # The wait for a generation's first chunk (a cold model loads first), seconds; None: 300.
    first_token_timeout: float | None = None
    health_check_interval: float = 30.0
    max_health_backoff: float = 300.0
    model_cache_ttl: float = 60.0
    failure_threshold: int = 3
    breaker_cool_down: float = 15.0
    auto_pull: bool = False
    keep_alive: str | float | None = None
    default_model: str | None = None
    # Sent as options.num_ctx with every generation; None leaves Ollama's default.
    context_length: int | None = None
    # Sent as `think` to models that can think (true/false or "low"/"medium"/"high"); None: theirs.
    think: bool | str | None = None
    # Whose words errors' advice uses: "editor" (the settings) or "cli" (flags, variables).
    advice_for: Literal["python", "editor", "cli"] = "editor"

    def preferences(self) -> Preferences:
        return Preferences(
            default_model=self.default_model,
            keep_alive=self.keep_alive,
            context_length=self.context_length,
            think=self.think,
        )


@dataclass(frozen=True)
class Preferences:
    """How to generate, where the editor may say it per workspace folder (the connection in
    ToolsConfig is one per server)."""

    default_model: str | None = None
    keep_alive: str | float | None = None
    context_length: int | None = None
    think: bool | str | None = None
