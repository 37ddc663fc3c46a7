"""Finding the model a request names, with each endpoint's own error messages."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

from aiohttp import web

from ollama_ls.modelname import ModelRefError, parse_name, strip_source_suffix

from .catalogue import CatalogueModel
from .errors import ApiError, go_quote
from .state import DEFAULT_KEEP_ALIVE_NS, EmulatorState, RunningModel

STATE = web.AppKey("emulator_state", EmulatorState)
CLOUD_DISABLED = "ollama cloud is disabled: remote model is unavailable"
# What Ollama answers for a cloud model while it is not signed in to ollama.com (routes.go: the
# remote's AuthorizationError becomes 401 {"error":"unauthorized","signin_url":...}).
SIGNIN_URL = ("https://ollama.com/connect?name=emulator"
              "&key=c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUVtdWxhdG9y")


def state_of(request: web.Request) -> EmulatorState:
    return request.app[STATE]


def base_name(raw: str, state: EmulatorState | None = None) -> str:
    """The name without a `:local` suffix. The emulator has no cloud to send `:cloud` (or
    `-cloud`) names to: with cloud "disabled" (the default) Ollama's 403, with "signed_out" the
    401 of a server that is not signed in to ollama.com."""
    try:
        base, source = strip_source_suffix(raw)
    except ModelRefError as error:
        message = str(error)
        raise ApiError(400, message if "not both" in message else "invalid model name") from None
    if source == "cloud":
        if state is not None and state.cloud == "signed_out":
            raise ApiError(401, "unauthorized", extra={"signin_url": SIGNIN_URL})
        raise ApiError(403, CLOUD_DISABLED)
    return base


def find_installed(state: EmulatorState, raw: str,
                   not_found: Callable[[str], str]) -> CatalogueModel:
    """The installed model `raw` names; 400 `invalid model name` or 404 `not_found(raw)`."""
    base = base_name(raw, state)
    if not parse_name(base).is_valid():
        raise ApiError(400, "invalid model name")
    model = state.installed.find(base)
    if model is None:
        raise ApiError(404, not_found(raw))
    return model


def not_found_single_quoted(raw: str) -> str:
    return f"model '{raw}' not found"


def not_found_try_pulling(raw: str) -> str:
    return f"model {go_quote(raw)} not found, try pulling it first"


def require_capabilities(model: CatalogueModel, requested: str, verb: str,
                         extras: list[str]) -> None:
    """Ollama's capability checks: `"m" does not support <verb>` then the full-name ones."""
    if "completion" not in model.capabilities:
        raise ApiError(400, f"{go_quote(requested)} does not support {verb}")
    missing = [c for c in extras if c not in model.capabilities]
    if missing:
        raise ApiError(400, "\n".join(f"{model.full_name} does not support {c}" for c in missing))


def resolve_think(model: CatalogueModel, requested: str, think: bool | str | None) -> bool | str:
    """Thinking models think unless told not to; others refuse an explicit request."""
    if think is None:
        return "thinking" in model.capabilities
    if think is not False and "thinking" not in model.capabilities:
        raise ApiError(400, f"{go_quote(requested)} does not support thinking")
    return think


@dataclass
class Scheduled:
    running: RunningModel
    load_ns: int


async def schedule(state: EmulatorState, model: CatalogueModel, keep_alive_ns: int | None,
                   num_ctx: int | None, started_ns: int) -> Scheduled:
    """Load the model if needed and hold it in /api/ps while the request runs."""
    if not state.is_loaded(model) and state.load_seconds > 0:
        await asyncio.sleep(state.load_seconds)
    keep = DEFAULT_KEEP_ALIVE_NS if keep_alive_ns is None else keep_alive_ns
    running = state.mark_loaded(model, keep, num_ctx)
    assert running is not None
    running.active_requests += 1
    return Scheduled(running, max(time.perf_counter_ns() - started_ns, 1))


def release(state: EmulatorState, scheduled: Scheduled, keep_alive_ns: int | None) -> None:
    """Drop the hold; keep_alive 0 unloads as soon as the last request finishes."""
    running = scheduled.running
    running.active_requests = max(running.active_requests - 1, 0)
    if keep_alive_ns == 0 and running.active_requests == 0:
        state.unload(running.model)
