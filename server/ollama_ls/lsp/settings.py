"""The language server's settings (section `ollama`), validated key by key.

A bad value never stops the server: it is reported and its default is used instead.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from ollama_ls.scan import RULE_IDS
from ollama_ls.facade import ToolsConfig

_GO_DURATION = re.compile(r"^-?(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$|^-?0$")


class _Section(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class DiagnosticsSettings(_Section):
    enable: bool = True
    debounce_ms: int = Field(300, ge=0, le=10_000)


class InlineCompletionSettings(_Section):
    enable: bool = False
    model: str = ""
    max_tokens: int = Field(64, ge=1, le=4096)
    context_lines: int = Field(50, ge=1, le=10_000)
    debounce_ms: int = Field(150, ge=0, le=10_000)


class ScanSettings(_Section):
    # Tool ids (`litellm`, `continue`, ...) and rule ids (`provider-prefix`, `base-url`, `env`).
    disable: list[str] = Field(default_factory=list)
    # Globs of files never checked (`**/fixtures/**`).
    exclude_files: list[str] = Field(default_factory=list)

    @field_validator("disable")
    @classmethod
    def _known_rules(cls, value: list[str]) -> list[str]:
        unknown = [item for item in value if item not in RULE_IDS]
        if unknown:
            raise ValueError(f"unknown rule {unknown[0]!r}; known: {', '.join(sorted(RULE_IDS))}")
        return value


class Settings(_Section):
    base_url: str = ""
    fallback_urls: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    api_key: SecretStr | None = None
    model: str = ""
    # Seconds to wait between chunks; unset: OLLAMA_TIMEOUT, else 120.
    timeout: float | None = Field(None, gt=0)
    verify_tls: bool = True
    ca_bundle: str | None = None
    health_check_interval: float = Field(30.0, gt=0)
    model_cache_ttl: float = Field(60.0, ge=0)
    auto_pull: bool = False
    keep_alive: str | float | None = None
    model_keys: list[str] = Field(default_factory=list)
    diagnostics: DiagnosticsSettings = Field(default_factory=DiagnosticsSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    inline_completion: InlineCompletionSettings = Field(default_factory=InlineCompletionSettings)

    @field_validator("keep_alive")
    @classmethod
    def _keep_alive_is_a_go_duration(cls, value: str | float | None) -> str | float | None:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not _GO_DURATION.match(value):
                raise ValueError('use a duration such as "5m", "1h30m", "0" or "-1", or seconds')
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url_is_a_server(cls, value: str) -> str:
        value = value.strip()
        if value and any(ch.isspace() for ch in value):
            raise ValueError("a server address has no spaces, e.g. http://127.0.0.1:11434")
        return value

    def tools_config(self) -> ToolsConfig:
        interval = self.health_check_interval
        return ToolsConfig(
            base_url=self.base_url or None,
            fallback_urls=tuple(url for url in self.fallback_urls if url.strip()),
            headers=dict(self.headers),
            api_key=self.api_key.get_secret_value() if self.api_key else None,
            timeout=self.timeout,
            verify_tls=self.verify_tls,
            ca_bundle=self.ca_bundle or None,
            health_check_interval=interval,
            # Back off while the server is down, but notice its return within a few checks.
            max_health_backoff=min(300.0, interval * 4),
            model_cache_ttl=self.model_cache_ttl,
            auto_pull=self.auto_pull,
            keep_alive=self.keep_alive,
            default_model=self.model or None,
        )


def section_of(raw: Any) -> dict[str, Any]:
    """The `ollama` section from initializationOptions or didChangeConfiguration settings.

    Accepts `{"ollama": {...}}`, `{"settings": {"ollama": {...}}}` and the bare section.
    """
    if not isinstance(raw, dict):
        return {}
    if isinstance(raw.get("settings"), dict):
        raw = raw["settings"]
    if isinstance(raw.get("ollama"), dict):
        return raw["ollama"]
    return raw


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from a raw section, and one message per invalid key (its default is used)."""
    data = _nested_copy(section_of(raw))
    problems: list[str] = []
    for _ in range(50):  # each round removes at least one bad key
        try:
            return Settings.model_validate(data), problems
        except ValidationError as error:
            for detail in error.errors():
                path = [str(part) for part in detail["loc"]]
                if not _remove(data, detail["loc"]):
                    continue
                default = _default_for(path)
                problems.append(
                    f"Setting ollama.{'.'.join(path)}: {detail['msg']} "
                    f"(got {_shown(detail.get('input'), path)}); using the default {default}."
                )
    return Settings(), problems


def _nested_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _nested_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nested_copy(item) for item in value]
    return value


def _remove(data: dict[str, Any], loc: tuple) -> bool:
    """Drop the offending value; for an entry of a list or dict, drop the whole key."""
    target: Any = data
    key = loc[0]
    for depth, part in enumerate(loc[:-1]):
        if not isinstance(target, dict) or part not in target:
            break
        if not isinstance(target[part], dict):
            key = part
            break
        target, key = target[part], loc[depth + 1]
    if isinstance(target, dict) and key in target:
        del target[key]
        return True
    return False


def _default_for(path: list[str]) -> str:
    model: Any = Settings()
    for part in path:
        if isinstance(model, BaseModel):
            name = next(
                (f for f, info in type(model).model_fields.items() if info.alias == part or f == part),
                None,
            )
            if name is None:
                break
            model = getattr(model, name)
        else:
            break
    if model is None:
        return "(unset)"
    return repr(model) if not isinstance(model, BaseModel) else "values"


def _shown(value: Any, path: list[str]) -> str:
    if any("key" in part.lower() or "header" in part.lower() for part in path):
        return "a hidden value"
    return repr(value)
