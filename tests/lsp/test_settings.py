"""Settings: a change of server takes effect without a restart; a bad value is reported once
and its default used, and the server keeps running."""

import pytest
from lsprotocol import types

from tests.lsp.conftest import settings_for, start_session


async def test_changing_base_url_moves_to_another_server(session, emulator, make_emulator):
    other = make_emulator()
    other.remove_model(next(iter(other.state.installed.values())).name)
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ollama": settings_for(other)})
    )
    moved = await session.until(
        lambda: [s for s in session.statuses if s["baseUrl"] == other.base_url]
    )
    assert moved[-1]["modelCount"] == len(other.state.installed)
    assert moved[-1]["modelCount"] != len(emulator.state.installed)
    models = await session.client.protocol.send_request_async("ollama/models", {})
    assert len(models) == len(other.state.installed)
    assert any(r.path == "/api/tags" for r in other.requests)


@pytest.fixture
async def bad_settings_session(lsp, emulator):
    options = {"ollama": settings_for(emulator, timeout=-5, keepAlive="300", modelKeys="nope")}
    session = await start_session(lsp, options)
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()


async def test_invalid_settings_are_reported_once_and_defaults_used(bad_settings_session, emulator):
    session = bad_settings_session
    messages = await session.until(lambda: [m for m in session.messages if "ollama." in m])
    assert any("ollama.timeout" in m and "using the default (unset)" in m for m in messages)
    assert any("ollama.keepAlive" in m and '"5m"' in m for m in messages)
    assert any("ollama.modelKeys" in m for m in messages)
    # The good values still apply: the server talks to the emulator.
    assert session.statuses[-1]["reachable"] and session.statuses[-1]["baseUrl"] == emulator.base_url
    # The same bad value again is not reported a second time.
    count = len(session.messages)
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"ollama": settings_for(emulator, timeout=-5)}
        )
    )
    status = await session.client.protocol.send_request_async("ollama/status", {"force": True})
    assert status.reachable
    assert len([m for m in session.messages[count:] if "ollama.timeout" in m]) == 0


async def test_settings_are_pulled_when_the_client_sends_none(session, emulator, make_emulator):
    other = make_emulator()
    session.client.set_configuration({"baseUrl": other.base_url, "healthCheckInterval": 0.3}, section="ollama")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await session.until(lambda: session.statuses[-1]["baseUrl"] == other.base_url)
