"""Settings from initializationOptions, refreshed on workspace/didChangeConfiguration."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from ollama_ls.lsp.client_capabilities import can_pull_configuration
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.settings import section_of

log = logging.getLogger(__name__)


def register(server: OllamaLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    async def initialize(ls: OllamaLanguageServer, params: types.InitializeParams) -> None:
        await ls.apply_settings(params.initialization_options or {}, initial=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: OllamaLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        section: dict[str, Any] | None = section_of(params.settings)
        if not section:
            # Clients that send no settings expect the server to ask for them.
            if not can_pull_configuration(ls.client_capabilities):
                return
            section = await _pull_configuration(ls)
            if section is None:
                return
        await ls.apply_settings(section)


async def _pull_configuration(server: OllamaLanguageServer) -> dict[str, Any] | None:
    try:
        items = await server.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="ollama")])
        )
    except Exception:  # a client that cannot answer keeps the settings it gave at start
        log.warning("workspace/configuration failed", exc_info=True)
        return None
    first = items[0] if items else None
    return first if isinstance(first, dict) else {}
