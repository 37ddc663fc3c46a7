"""Startup (issue 12, docs/performance.md section 6): `initialize` is answered before the server
imports the HTTP client, pydantic or the scanner, and before it applies the initializationOptions;
those are applied right after the answer is written, before any later message is handled. The
answer itself (the capabilities) is the same as before that change: tests/fixtures/
initialize_result.json is the result at commit 01196f4, for VS Code's capabilities and for none."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import subprocess
import sys

import pytest
from ollama_ls import __version__
from pygls.protocol import default_converter
from pytest_lsp import client_capabilities

SNAPSHOT = pathlib.Path(__file__).parent.parent / "fixtures" / "initialize_result.json"
HEAVY = ("httpx", "pydantic", "tree_sitter", "psutil", "ollama_ls.client", "ollama_ls.facade",
         "ollama_ls.scan", "ollama_ls.findings", "ollama_ls.lsp.settings")


class Sink:
    """The server's writer: every frame written, and what `seen` said at that moment."""

    def __init__(self, seen=lambda: None) -> None:
        self.frames: list[dict] = []
        self.seen_at_write: list = []
        self._seen = seen

    def write(self, data: bytes) -> None:
        text = data.decode()
        self.frames.append(json.loads(text[text.index("{"):]))
        self.seen_at_write.append(self._seen())


def message(server, obj: dict):
    return json.loads(json.dumps(obj), object_hook=server.protocol.structure_message)


def initialize(server, capabilities: dict, options: dict | None = None, msg_id: int = 1) -> None:
    server.protocol.handle_message(message(server, {
        "jsonrpc": "2.0", "id": msg_id, "method": "initialize",
        "params": {"processId": None, "rootUri": None, "capabilities": capabilities,
                   "initializationOptions": options},
    }))


@pytest.mark.parametrize("client", ["vscode", "empty"])
def test_the_initialize_result_is_unchanged(client):
    from ollama_ls.lsp.server import create_server

    expected = json.loads(SNAPSHOT.read_text())[client]
    capabilities = (
        default_converter().unstructure(client_capabilities("visual-studio-code"))
        if client == "vscode" else {}
    )
    server = create_server()
    sink = Sink()
    server.protocol.set_writer(sink)

    async def run() -> None:
        initialize(server, capabilities)

    asyncio.run(run())
    result = sink.frames[0]["result"]
    assert result["serverInfo"] == {"name": "ollama-ls", "version": __version__}
    expected["serverInfo"]["version"] = __version__
    assert result == expected


def test_creating_the_server_imports_neither_http_nor_pydantic_nor_the_scanner():
    code = (
        "import sys\n"
        "from ollama_ls.cli.main import build_parser, usage_problem\n"
        "from ollama_ls.lsp.server import create_server\n"
        "args = build_parser().parse_args(['serve'])\n"
        "assert usage_problem(args) is None\n"
        "create_server()\n"
        f"print([name for name in {HEAVY!r} if name in sys.modules])\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "OLLAMA_HOST"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_the_answer_comes_first_then_the_settings_before_the_next_message():
    from ollama_ls.lsp.server import create_server

    server = create_server()
    base_url = "http://127.0.0.1:9"  # nothing listens: the facade only builds a client
    sink = Sink(seen=lambda: server._settings)
    server.protocol.set_writer(sink)
    seen_by_next: list = []

    async def run() -> None:
        initialize(server, {}, {"ollama": {"baseUrl": base_url, "modelKeys": ["myModel"],
                                           "diagnostics": {"debounceMs": 7}}})
        # Nothing was awaited: the next message the read loop hands over sees the settings.
        seen_by_next.append((server.settings.base_url, server.tools.base_url))

    asyncio.run(run())
    assert "result" in sink.frames[0]
    assert sink.seen_at_write[0] is None  # the answer was written before any settings existed
    assert seen_by_next == [(base_url, base_url)]
    assert list(server.settings.model_keys) == ["myModel"]
    assert server.settings.diagnostics.debounce_ms == 7


def test_a_message_before_the_answer_still_sees_the_settings():
    """Should a message be handled before the answer is written (no transport does this today),
    the settings are applied first."""
    from ollama_ls.lsp.server import create_server

    server = create_server()
    server.defer_initial_settings({"ollama": {"modelKeys": ["myModel"]}})
    server.protocol.set_writer(Sink())

    async def run() -> None:
        server.protocol.handle_message(message(server, {
            "jsonrpc": "2.0", "method": "$/setTrace", "params": {"value": "off"}}))

    asyncio.run(run())
    assert list(server.settings.model_keys) == ["myModel"]
