"""`ollama/status`: pushed whenever the server's state changes, and answered on request."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types

from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.payloads import STATUS_METHOD, OllamaStatus, RunningModel, to_wire
from ollama_ls.facade import OllamaEditorTools, Status

log = logging.getLogger(__name__)

def status_payload(status: Status) -> dict[str, Any]:
    """The wire shape: every key present, camelCase, as the TypeScript side expects."""
    running = [
        RunningModel(model.name, model.size, model.size_vram, model.expires_at)
        for model in status.running_models
    ]
    return to_wire(
        OllamaStatus(
            reachable=status.reachable,
            base_url=status.base_url,
            version=status.version,
            model_count=status.model_count,
            running_models=running,
            latency_ms=status.latency_ms,
            error=status.error,
            suggestion=status.suggestion,
        )
    )


def register(server: OllamaLanguageServer) -> None:
    def push(_previous: Status | None, status: Status) -> None:
        server.protocol.notify(STATUS_METHOD, status_payload(status))

    async def watch(tools: OllamaEditorTools) -> None:
        tools.on_status_change(push)
        await tools.check_status(force=True)

    server.tools_listeners.append(watch)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: OllamaLanguageServer, params: types.InitializedParams) -> None:
        ls.started = True
        await ls.attach_tools()
        ls.spawn(_poll(ls), name="status-poll")

    @server.feature(STATUS_METHOD)
    async def status_request(ls: OllamaLanguageServer, params: Any) -> dict[str, Any]:
        force = bool(getattr(params, "force", False)) if params is not None else False
        return status_payload(await ls.tools.check_status(force=force))


async def _poll(server: OllamaLanguageServer) -> None:
    """Ask often; the tools' throttle and back-off decide when a request really goes out."""
    while True:
        interval = server.settings.health_check_interval
        await asyncio.sleep(min(interval, 5.0) / 2)
        try:
            await server.tools.check_status()
        except Exception:  # the poll must outlive any surprise
            log.exception("status check failed")
