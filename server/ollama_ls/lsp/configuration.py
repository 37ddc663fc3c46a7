"""Settings from initializationOptions, refreshed on workspace/didChangeConfiguration; each
workspace folder's pulled with `workspace/configuration` (one item per folder's scopeUri) once
the client is initialized, when settings change and when folders come and go."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from ollama_ls.lsp.client_capabilities import can_pull_configuration
from ollama_ls.lsp.core import OllamaLanguageServer

log = logging.getLogger(__name__)


def register(server: OllamaLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: OllamaLanguageServer, params: types.InitializeParams) -> None:
        # Applied once the answer is written, before the next message (OllamaProtocol): the
        # answer does not wait for the settings' imports and validation (issue 12).
        ls.defer_initial_settings(params.initialization_options or {})

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: OllamaLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        from ollama_ls.lsp.settings import section_of

        section: dict[str, Any] | None = section_of(params.settings)
        if not section:
            # Clients that send no settings expect the server to ask for them.
            if not can_pull_configuration(ls.client_capabilities):
                return
            section = await _pull_configuration(ls)
            if section is None:
                return
        await ls.apply_settings(section)
        await _pull_folder_settings(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(
        ls: OllamaLanguageServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        await _pull_folder_settings(ls)  # pygls has already updated ls.workspace.folders

    server.initialized.add(lambda: server.spawn(_pull_folder_settings(server), "folder settings"))


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


async def _pull_folder_settings(server: OllamaLanguageServer) -> None:
    """Ask the client for each workspace folder's `ollama` section (scopeUri = the folder)."""
    folders = [folder.uri for folder in server.workspace.folders.values()]
    if not folders or not can_pull_configuration(server.client_capabilities):
        if len(server.folder_settings):
            server.apply_folder_settings({})
        return
    try:
        answers = await server.workspace_configuration_async(
            types.ConfigurationParams(
                items=[types.ConfigurationItem(scope_uri=uri, section="ollama") for uri in folders]
            )
        )
    except Exception:  # keep what we have: the server's settings still apply everywhere
        log.warning("workspace/configuration for the folders failed", exc_info=True)
        return
    if not isinstance(answers, (list, tuple)) or len(answers) != len(folders):
        count = len(answers) if isinstance(answers, (list, tuple)) else "no"
        log.warning("workspace/configuration answered %s items for %s folders", count, len(folders))
        return
    # A client that has nothing for a folder answers null: the server's settings apply there.
    server.apply_folder_settings(
        {uri: answer for uri, answer in zip(folders, answers) if isinstance(answer, dict)}
    )
