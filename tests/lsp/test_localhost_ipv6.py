"""End to end over the LSP: a base URL of http://localhost:PORT on a machine whose localhost
resolves to ::1 (set in the server process by a sitecustomize: the client's one resolver hook),
while the emulator listens on 127.0.0.1 only. The server falls back to 127.0.0.1 and the
status's suggestion says which base URL to set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.conftest import SERVER, settings_for, start_session

_HOOK = Path(__file__).parent / "ipv6_localhost"  # its sitecustomize.py sets the hook
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_HOOK), *sys.path])}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=_ENV))
async def ipv6_lsp(lsp_client: LanguageClient):
    yield


async def test_the_status_suggests_127_0_0_1_when_localhost_is_refused(ipv6_lsp, emulator):
    localhost = f"http://localhost:{emulator.port}"
    session = await start_session(ipv6_lsp, {"ollama": settings_for(emulator, baseUrl=localhost)})
    status = (await session.until(lambda: [s for s in session.statuses if s["reachable"]]))[0]
    ipv4 = f"http://127.0.0.1:{emulator.port}"
    assert status["baseUrl"] == localhost
    assert status["suggestion"] is not None
    assert f"Set the baseUrl setting to {ipv4}." in status["suggestion"]
    # and requests work through it: the model list, for instance
    models = await session.client.protocol.send_request_async("ollama/models", {})
    assert {m["name"] for m in models} == {m.name for m in emulator.state.installed.values()}
    hosts = {r.headers.get("Host") for r in emulator.requests}
    assert hosts == {f"localhost:{emulator.port}"}
    await ipv6_lsp.shutdown_session()
