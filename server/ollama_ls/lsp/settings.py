"""The language server's settings (section `ollama`), validated key by key.

A bad value never stops the server: it is reported and its default is used instead.
"""

from __future__ import annotations

import os
import re
import ssl
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from ollama_ls.client import redact_text, resolve_base_url
from ollama_ls.scan import RULE_IDS
from ollama_ls.facade import ToolsConfig

_GO_DURATION = re.compile(r"^-?(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$|^-?0$")
# RFC 9110 token characters for a header name; a value is visible ASCII, spaces and tabs.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_HEADER_VALUE = re.compile(r"^[\t\x20-\x7e]*$")

# Ranges outside which a number does harm (a request storm, a stalled editor); a value outside
# is clamped to the nearest end, with a warning. (path, lowest, highest, unit)
CLAMPS: tuple[tuple[tuple[str, ...], float, float, str], ...] = (
    (("health_check_interval",), 1.0, 3600.0, "s"),
    (("timeout",), 1.0, 3600.0, "s"),
    (("first_token_timeout",), 1.0, 3600.0, "s"),
    (("model_cache_ttl",), 0.0, 86_400.0, "s"),
    (("diagnostics", "debounce_ms"), 0, 10_000, "ms"),
)

# Settings a project may set in editors without workspace trust: they change what is shown,
# never where requests go, what they carry, how often they are made, or what is downloaded.
# Ghost text (`inlineCompletion.enable`, `inlineCompletion.debounceMs`) is not among them: it
# sends a generation to Ollama while typing, and loads its model. The VS Code extension's
# Restricted-Mode list is the complement of this set (a snapshot test holds them together).
PROJECT_SAFE_KEYS: frozenset[tuple[str, ...]] = frozenset({
    ("diagnostics", "enable"),
    ("diagnostics", "debounceMs"),
    ("scan", "disable"),
    ("scan", "excludeFiles"),
    ("modelKeys",),
})
IGNORE_PROJECT_SETTINGS_ENV = "OLLAMA_LS_IGNORE_PROJECT_SETTINGS"
TRUST_KEY = "trustProjectSettings"


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
    # Seconds to wait for a generation's first chunk (a cold model loads first).
    first_token_timeout: float = Field(300.0, gt=0)
    verify_tls: bool = True
    ca_bundle: str | None = None
    health_check_interval: float = Field(30.0, gt=0)
    model_cache_ttl: float = Field(60.0, ge=0)
    auto_pull: bool = False
    keep_alive: str | float | None = None
    # options.num_ctx for generation and ghost text; unset: Ollama's own default.
    context_length: int | None = Field(None, ge=256, le=2_097_152)
    # For models that can think: true/false, or "low"/"medium"/"high" (gpt-oss); unset: theirs.
    think: bool | Literal["low", "medium", "high"] | None = None
    model_keys: list[str] = Field(default_factory=list)
    diagnostics: DiagnosticsSettings = Field(default_factory=DiagnosticsSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    inline_completion: InlineCompletionSettings = Field(default_factory=InlineCompletionSettings)

    @field_validator("think", mode="before")
    @classmethod
    def _think_level(cls, value: Any) -> Any:
        if value is None or isinstance(value, bool) or value in ("low", "medium", "high"):
            return value
        raise ValueError('use true, false, "low", "medium" or "high"')

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
        if value:
            _check_server_url(value)
        return value

    @field_validator("fallback_urls")
    @classmethod
    def _fallbacks_are_servers(cls, value: list[str]) -> list[str]:
        for url in value:
            if url.strip():
                _check_server_url(url.strip())
        return value

    @field_validator("ca_bundle")
    @classmethod
    def _ca_bundle_is_readable(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            ssl.create_default_context(cafile=value)
        except (OSError, ssl.SSLError, ValueError) as error:
            reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or error
            raise ValueError(f"cannot read a PEM CA bundle there ({reason})") from None
        return value

    @field_validator("headers")
    @classmethod
    def _headers_can_be_sent(cls, value: dict[str, str]) -> dict[str, str]:
        for name, item in value.items():
            if not _HEADER_NAME.match(name):
                raise ValueError("a header name is letters, digits and !#$%&'*+-.^_`|~ only")
            if not _HEADER_VALUE.match(item):
                raise ValueError(
                    "a header value is printable ASCII on one line (encode anything else)"
                )
        return value

    @field_validator("api_key")
    @classmethod
    def _api_key_can_be_sent(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _HEADER_VALUE.match(value.get_secret_value()):
            raise ValueError("an API key is printable ASCII on one line")
        return value

    def tools_config(self) -> ToolsConfig:
        interval = self.health_check_interval
        return ToolsConfig(
            base_url=self.base_url or None,
            fallback_urls=tuple(url for url in self.fallback_urls if url.strip()),
            headers=dict(self.headers),
            api_key=self.api_key.get_secret_value() if self.api_key else None,
            timeout=self.timeout,
            first_token_timeout=self.first_token_timeout,
            verify_tls=self.verify_tls,
            ca_bundle=self.ca_bundle or None,
            health_check_interval=interval,
            # Back off while the server is down, but notice its return within a few checks.
            max_health_backoff=min(300.0, interval * 4),
            model_cache_ttl=self.model_cache_ttl,
            auto_pull=self.auto_pull,
            keep_alive=self.keep_alive,
            default_model=self.model or None,
            context_length=self.context_length,
            think=self.think,
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


def _check_server_url(value: str) -> None:
    """Raise ValueError (naming no credentials) unless httpx can send to this address."""
    if any(ch.isspace() for ch in value):
        raise ValueError("a server address has no spaces, e.g. http://127.0.0.1:11434")
    try:
        url = httpx.URL(resolve_base_url(explicit=value, env={}))
    except Exception:
        raise ValueError("not a server address; use e.g. http://127.0.0.1:11434") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("not an http(s) server address; use e.g. http://127.0.0.1:11434")


def ignore_project_settings_from_env(env: Any = None) -> bool:
    value = (os.environ if env is None else env).get(IGNORE_PROJECT_SETTINGS_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no", "off")


def restrict_to_project_safe(
    raw: Any, trusted: dict[str, Any] | None
) -> tuple[dict[str, Any], list[str]]:
    """Keep only PROJECT_SAFE_KEYS from `raw`; every other key takes its value from `trusted`
    (the user's own settings), or its default. Returns the section and the ignored keys."""
    section = _nested_copy(section_of(raw))
    merged = _nested_copy(section_of(trusted or {}))
    merged.pop(TRUST_KEY, None)
    ignored: list[str] = []
    for path, value in _leaves(section):
        if path in PROJECT_SAFE_KEYS:
            _put(merged, path, value)
        elif path != (TRUST_KEY,) and _get(section_of(trusted or {}), path) != value:
            ignored.append("ollama." + ".".join(path))
    return merged, ignored


def _leaves(section: dict[str, Any], prefix: tuple[str, ...] = ()):
    for key, value in section.items():
        path = (*prefix, str(key))
        if isinstance(value, dict) and prefix == () and key not in ("headers",):
            yield from _leaves(value, path)
        else:
            yield path, value


def _get(section: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(section, dict):
            return None
        section = section.get(part)
    return section


def _put(section: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        if not isinstance(section.get(part), dict):
            section[part] = {}
        section = section[part]
    section[path[-1]] = value


def _clamp(settings: Settings, problems: list[str]) -> Settings:
    for path, lowest, highest, unit in CLAMPS:
        owner: Any = settings
        for part in path[:-1]:
            owner = getattr(owner, part)
        value = getattr(owner, path[-1])
        if value is None or lowest <= value <= highest:
            continue
        clamped = type(value)(min(max(value, lowest), highest))
        object.__setattr__(owner, path[-1], clamped)
        shown = ".".join(_camel(part) for part in path)
        bound = "minimum" if value < lowest else "maximum"
        problems.append(
            f"Setting ollama.{shown}: {value!r} is past the {bound} "
            f"({lowest:g}–{highest:g} {unit}); using {clamped!r}."
        )
    return settings


def _camel(name: str) -> str:
    return to_camel(name)


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from a raw section, and one message per invalid key (its default is used) or
    value clamped to its range (CLAMPS)."""
    data = _nested_copy(section_of(raw))
    data.pop(TRUST_KEY, None)
    problems: list[str] = []
    for _ in range(50):  # each round removes at least one bad key
        try:
            return _clamp(Settings.model_validate(data), problems), problems
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
    shown = redact_text(repr(value))
    return shown if len(shown) <= 200 else shown[:200] + "…"
