"""End-to-end fixtures: `ollama-ls serve` as a subprocess, driven by pytest-lsp, talking to an
emulator over real sockets."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import Any, Union

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.editor import Editor

SERVER = [sys.executable, "-m", "ollama_ls", "serve"]


def settings_for(emulator: Any, **overrides: Any) -> dict[str, Any]:
    settings = {
        "baseUrl": emulator.base_url,
        "healthCheckInterval": 0.3,
        "modelCacheTtl": 30,
        "diagnostics": {"debounceMs": 50},
        "inlineCompletion": {"enable": True, "debounceMs": 10},
    }
    settings.update(overrides)
    return settings


def _read_code_actions_as_vscode_does(client: LanguageClient) -> None:
    """lsprotocol 2025.0.0 reads every code action that carries a `command` as a bare Command
    (losing its title's command object, kind and edit). VS Code tells them apart by whether
    `command` is a string; so do we."""
    converter = client.protocol._converter

    def structure(value: Any, _type: Any) -> types.Command | types.CodeAction:
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)


class Session:
    """The client plus what tests keep asking for: notifications of a kind, and waiting."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        _read_code_actions_as_vscode_does(client)
        self.editor = Editor(client)
        self.statuses: list[dict] = []
        self.progress: list[dict] = []
        client.feature("ollama/status")(lambda params: self.statuses.append(_plain(params)))
        def on_progress(params: Any) -> None:
            self.progress.append({**_plain(params), "_at": time.monotonic()})

        client.feature("ollama/progress")(on_progress)

    async def until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.02)

    @property
    def messages(self) -> list[str]:
        return [message.message for message in self.client.messages]

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        return self.client.diagnostics.get(uri, [])

    def codes(self, uri: str) -> list[str]:
        return sorted(str(d.code) for d in self.diagnostics(uri))


def _plain(value: Any) -> Any:
    """pygls hands custom params over as namedtuples: turn them back into dicts and lists."""
    if hasattr(value, "_asdict"):
        return {key: _plain(item) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


async def start_session(
    lsp_client: LanguageClient,
    initialization_options: dict | None,
    spec: str = "visual-studio-code",
    capabilities: types.ClientCapabilities | None = None,
) -> Session:
    session = Session(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities(spec),
            initialization_options=initialization_options,
        )
    )
    return session


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def lsp(lsp_client: LanguageClient):
    """A started `ollama-ls serve`; pytest-lsp hands the client over as the fixture value."""
    yield


@pytest.fixture
async def session(lsp: LanguageClient, emulator):
    session = await start_session(lsp, {"ollama": settings_for(emulator)})
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()
