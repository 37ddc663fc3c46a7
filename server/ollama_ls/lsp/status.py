"""`ollama/status`: pushed whenever the server's state changes, and answered on request."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.payloads import (
    STATUS_METHOD,
    LastGeneration,
    OllamaStatus,
    RunningModel,
    to_wire,
)

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
    from ollama_ls.facade import OllamaEditorTools, Status
    from ollama_ls.facade.models import GenerationSummary

log = logging.getLogger(__name__)

# While Ollama is unreachable, probe after 1 s, then 2, 4 ... up to the health interval, so its
# return shows within about a second or two instead of a whole interval.
OFFLINE_FIRST_PROBE = 1.0


def last_generation(summary: GenerationSummary | None) -> LastGeneration | None:
    if summary is None:
        return None
    first = summary.time_to_first_token_s
    return LastGeneration(
        model=summary.model,
        eval_count=summary.eval_count,
        tokens_per_second=summary.tokens_per_second,
        time_to_first_token_ms=None if first is None else round(first * 1000, 1),
        estimated=summary.estimated,
        thinking_tokens=summary.thinking_tokens,
    )


def status_payload(status: Status, generation: GenerationSummary | None = None) -> dict[str, Any]:
    """The wire shape: every key present (but lastGeneration before any), camelCase, as the
    TypeScript side expects."""
    from ollama_ls.client import redact_text, redact_url

    running = [
        RunningModel(model.name, model.size, model.size_vram, model.expires_at)
        for model in status.running_models
    ]
    return to_wire(
        OllamaStatus(
            reachable=status.reachable,
            base_url=redact_url(status.base_url),
            version=status.version,
            model_count=status.model_count,
            running_models=running,
            latency_ms=status.latency_ms,
            error=redact_text(status.error) if status.error else status.error,
            suggestion=redact_text(status.suggestion) if status.suggestion else status.suggestion,
            last_generation=last_generation(generation),
        )
    )


def register(server: OllamaLanguageServer) -> None:
    def push(_previous: Status | None, status: Status) -> None:
        server.protocol.notify(STATUS_METHOD, status_payload(status, server.tools.last_generation))

    async def watch(tools: OllamaEditorTools) -> None:
        tools.on_status_change(push)

        def generated(_summary: GenerationSummary) -> None:
            # The tooltip shows the last generation's speed: send the status with it now.
            if tools is server.tools and tools.last_status is not None:
                push(None, tools.last_status)

        tools.on_generation(generated)
        await tools.check_status(force=True)

    server.tools_listeners.append(watch)

    def request_failed(base_url: str) -> None:
        """A request could not reach a server: if it is the one in use, check now (mark it
        offline at once) rather than at the next health check."""
        from ollama_ls.client import redact_url

        if not server.started:
            return
        tools = server.tools
        last = tools.last_status
        if last is None or not last.reachable:
            return
        if base_url in (redact_url(tools.base_url), redact_url(last.base_url)):
            server.spawn(tools.check_status(force=True), name="status-after-failure")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: OllamaLanguageServer, params: types.InitializedParams) -> None:
        from ollama_ls.client import on_server_failure

        # Not at registration: that would import the HTTP client before `initialize` is
        # answered. Until now the server was not started, and `request_failed` did nothing.
        on_server_failure(request_failed)
        ls.started = True
        await ls.attach_tools()
        ls.initialized.emit()
        ls.spawn(_poll(ls), name="status-poll")

    @server.feature(STATUS_METHOD)
    async def status_request(ls: OllamaLanguageServer, params: Any) -> dict[str, Any]:
        force = bool(getattr(params, "force", False)) if params is not None else False
        tools = ls.tools
        return status_payload(await tools.check_status(force=force), tools.last_generation)


async def _poll(server: OllamaLanguageServer) -> None:
    """Ask often; the tools' throttle decides when a request really goes out. While the server
    is down, probe on our own back-off from OFFLINE_FIRST_PROBE up to the health interval."""
    offline_delay = OFFLINE_FIRST_PROBE
    while True:
        interval = server.settings.health_check_interval
        last = server.tools.last_status
        offline = last is not None and not last.reachable
        if offline:
            await asyncio.sleep(min(offline_delay, interval))
            offline_delay = min(offline_delay * 2, max(interval, OFFLINE_FIRST_PROBE))
        else:
            offline_delay = OFFLINE_FIRST_PROBE
            await asyncio.sleep(min(interval, 5.0) / 2)
        try:
            await server.tools.check_status(force=offline)
        except Exception:  # the poll must outlive any surprise
            log.exception("status check failed")
