"""`options` checked as Ollama's `api.Options.FromMap` checks them (errors surface as HTTP 500)."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, go_quote

_INTEGER = ("num_keep", "seed", "num_predict", "top_k", "repeat_last_n", "num_ctx",
            "num_batch", "num_gpu", "main_gpu", "num_thread", "draft_num_predict")
_FLOAT = ("top_p", "min_p", "typical_p", "temperature", "repeat_penalty", "presence_penalty",
          "frequency_penalty")
_BOOLEAN = ("use_mmap",)


def check_options(options: dict[str, Any] | None) -> dict[str, Any]:
    """The known options with their values; unknown keys and nulls are ignored, as in Ollama."""
    checked: dict[str, Any] = {}
    for key, value in (options or {}).items():
        if value is None:
            continue
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if key in _INTEGER:
            if not number:
                raise _type_error(key, "integer")
            checked[key] = int(value)
        elif key in _FLOAT:
            if not number:
                raise _type_error(key, "float32")
            checked[key] = float(value)
        elif key in _BOOLEAN:
            if not isinstance(value, bool):
                raise _type_error(key, "boolean")
            checked[key] = value
        elif key == "stop":
            if not isinstance(value, list):
                raise _type_error(key, "array")
            if not all(isinstance(item, str) for item in value):
                raise ApiError(500, f"option {go_quote(key)} must be of an array of strings")
            checked[key] = value
    return checked


def _type_error(key: str, kind: str) -> ApiError:
    return ApiError(500, f"option {go_quote(key)} must be of type {kind}")
