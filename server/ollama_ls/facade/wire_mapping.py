"""Wire models from the client -> the facade's plain dataclasses. The only place in the facade
that reads wire fields."""

from __future__ import annotations

from typing import Any

from ollama_ls.facade.models import ModelSummary, RunningModelInfo
from ollama_ls.modelname import is_cloud_name


def running_info(model: Any) -> RunningModelInfo:
    return RunningModelInfo(
        model.name, model.size, model.size_vram, iso(model.expires_at), model.context_length or None
    )


def iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def summary(model: Any) -> ModelSummary:
    details = model.details
    return ModelSummary(
        name=model.name,
        size=model.size,
        digest=model.digest,
        modified_at=iso(model.modified_at) or "",
        family=details.family or "" if details else "",
        parameter_size=details.parameter_size or "" if details else "",
        quantization=details.quantization_level or "" if details else "",
        capabilities=tuple(model.capabilities or ()),
        context_length=getattr(details, "context_length", None) if details else None,
        cloud=is_cloud_name(model.name) or bool(model.remote_host or model.remote_model),
    )


def context_length(show: Any) -> int | None:
    info = show.model_info or {}
    architecture = info.get("general.architecture")
    if architecture and f"{architecture}.context_length" in info:
        return int(info[f"{architecture}.context_length"])
    for key, value in info.items():
        if key.endswith(".context_length"):
            return int(value)
    return getattr(show.details, "context_length", None)
