"""The status a client sees: pushed at start, when Ollama goes away, and when it comes back."""


async def test_status_is_pushed_after_initialized(session, emulator):
    first = session.statuses[0]
    assert first["reachable"] is True
    assert first["baseUrl"] == emulator.base_url
    assert first["version"] == emulator.state.version
    assert first["modelCount"] == len(emulator.state.installed)
    assert first["error"] is None
    assert [m["name"] for m in first["runningModels"]]  # the catalogue starts with one loaded


async def test_status_follows_the_server_down_and_up(session, emulator):
    emulator.stop()
    down = await session.until(lambda: [s for s in session.statuses if not s["reachable"]])
    assert down[0]["baseUrl"] == emulator.base_url
    assert down[0]["error"]
    # No `ollama` executable here, so the advice is to install it (else: to start it).
    assert down[0]["suggestion"] in ("Install: https://ollama.com/download", "Start it: ollama serve")
    emulator.start()
    await session.until(lambda: session.statuses[-1]["reachable"])
    assert session.statuses[-1]["modelCount"] == len(emulator.state.installed)


async def test_status_request_forces_a_fresh_check(session, emulator):
    before = len([r for r in emulator.requests if r.path == "/api/version"])
    status = await session.client.protocol.send_request_async("ollama/status", {"force": True})
    assert status.reachable is True
    after = len([r for r in emulator.requests if r.path == "/api/version"])
    assert after == before + 1


async def test_tools_are_exposed_as_requests(session, emulator):
    send = session.client.protocol.send_request_async
    models = await send("ollama/models", {})
    assert {m["name"] for m in models} == {m.name for m in emulator.state.installed.values()}
    capabilities = await send("ollama/capabilities", {"model": "qwen2.5-coder:1.5b"})
    assert capabilities.insert is True and capabilities.chat is True
    embedding = await send("ollama/capabilities", {"model": "nomic-embed-text"})
    assert embedding.embeddings is True and embedding.chat is False
    check = await send("ollama/validateModelName", {"name": "LLaMA3:8B"})
    assert check.isValid is True and check.normalized == "registry.ollama.ai/library/LLaMA3:8B"
    bad = await send("ollama/validateModelName", {"name": "mo del"})
    assert bad.isValid is False and "may not contain ' '" in bad.message
    default = await send("ollama/defaultModel", {})
    assert default.model and default.reason


async def test_capabilities_of_a_missing_model_is_a_clear_error(session):
    import pytest
    from pygls.exceptions import JsonRpcException

    with pytest.raises(JsonRpcException) as raised:
        await session.client.protocol.send_request_async(
            "ollama/capabilities", {"model": "no-such-model:1b"}
        )
    assert "ollama pull no-such-model:1b" in str(raised.value)
