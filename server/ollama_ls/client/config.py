"""Client settings: one immutable object, secrets kept out of repr() and logs."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .host import DEFAULT_BASE_URL, normalize_base_url
from .redact import basic_authorization, resolve_base_url, split_userinfo

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 120.0
DEFAULT_PULL_TIMEOUT = 600.0
# The wait for a generation's first chunk: a cold model loads first (seconds to minutes).
DEFAULT_FIRST_TOKEN_TIMEOUT = 300.0

_SECRET_HEADER = re.compile(r"auth|key|token|secret|cookie|password|session", re.I)
REDACTED = "***"


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: REDACTED if _SECRET_HEADER.search(name) else value
            for name, value in headers.items()}


class ClientConfig(BaseModel):
    """Values as given. Use `ClientConfig.from_settings` to apply environment variables."""

    model_config = ConfigDict(frozen=True)

    base_url: str = DEFAULT_BASE_URL
    headers: dict[str, str] = Field(default_factory=dict)
    api_key: SecretStr | None = None
    verify: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    pull_timeout: float = DEFAULT_PULL_TIMEOUT
    # Generate/chat streams: the wait until the first chunk (model load, prompt evaluation);
    # None: read_timeout. After the first chunk, read_timeout is the wait between chunks.
    first_token_timeout: float | None = DEFAULT_FIRST_TOKEN_TIMEOUT
    # Who reads the errors' advice: "python" (this API's arguments), "editor" (the language
    # server's settings) or "cli" (the command line's flags and environment variables).
    advice_for: Literal["python", "editor", "cli"] = "python"
    max_connections: int = 32
    # `user:password` from the base URL: sent as HTTP Basic auth, never part of base_url.
    userinfo: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _credentials_out_of_the_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("base_url"), str):
            url, userinfo = split_userinfo(data["base_url"])
            if userinfo is not None:
                data = {**data, "base_url": url}
                data.setdefault("userinfo", userinfo)
        return data

    @field_validator("base_url")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_base_url(value)

    @field_validator("api_key", mode="before")
    @classmethod
    def _blank_key_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def __repr_args__(self):
        for name, value in super().__repr_args__():
            yield name, redact_headers(value) if name == "headers" else value

    @classmethod
    def from_settings(
        cls,
        *,
        base_url: str | None = None,
        host: str | None = None,
        port: int | None = None,
        headers: Mapping[str, str] | None = None,
        api_key: str | SecretStr | None = None,
        verify: bool = True,
        ca_bundle: str | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        pull_timeout: float | None = None,
        first_token_timeout: float | None = None,
        advice_for: Literal["python", "editor", "cli"] = "python",
        env: Mapping[str, str] | None = None,
    ) -> ClientConfig:
        """Editor settings + environment, each setting winning over its variable.

        base URL: base_url > OLLAMA_HOST > host/port > http://127.0.0.1:11434
        api key: api_key > OLLAMA_API_KEY;  read timeout: read_timeout > OLLAMA_TIMEOUT > 120 s;
        first-token timeout: first_token_timeout > 300 s
        """
        env = os.environ if env is None else env
        return cls(
            base_url=resolve_base_url(explicit=base_url, host=host, port=port, env=env),
            headers=dict(headers or {}),
            api_key=api_key or env.get("OLLAMA_API_KEY") or None,
            verify=verify,
            ca_bundle=ca_bundle or None,
            connect_timeout=connect_timeout or DEFAULT_CONNECT_TIMEOUT,
            read_timeout=(
                read_timeout or _seconds(env.get("OLLAMA_TIMEOUT")) or DEFAULT_READ_TIMEOUT
            ),
            pull_timeout=pull_timeout or DEFAULT_PULL_TIMEOUT,
            first_token_timeout=first_token_timeout or DEFAULT_FIRST_TOKEN_TIMEOUT,
            advice_for=advice_for,
        )

    def request_headers(self) -> dict[str, str]:
        """Extra headers plus `Authorization: Bearer <api_key>` unless one was given."""
        headers = dict(self.headers)
        has_auth = any(name.lower() == "authorization" for name in headers)
        if self.api_key is not None and not has_auth:
            headers["Authorization"] = f"Bearer {self.api_key.get_secret_value()}"
        elif self.userinfo is not None and not has_auth:
            headers["Authorization"] = basic_authorization(self.userinfo.get_secret_value())
        return headers


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(value.strip()) if value else None
    except ValueError:
        return None
    return seconds if seconds and seconds > 0 else None
