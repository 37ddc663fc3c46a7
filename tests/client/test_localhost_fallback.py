"""`localhost` resolving to ::1 while Ollama listens on 127.0.0.1 only: the client tries
127.0.0.1, keeps using it, and the status says which base URL to set. This machine's localhost
may resolve to 127.0.0.1; `loopback.LOCALHOST_ADDRESS = "::1"` makes the first attempt go where
such a machine's would: to [::1]:PORT, where nothing listens (a real refusal)."""

from __future__ import annotations

import httpx
import pytest

from ollama_ls.client import ClientConfig, OllamaClient, ServerUnreachable, loopback
from ollama_ls.facade import OllamaEditorTools, ToolsConfig


@pytest.fixture
def localhost_is_ipv6(monkeypatch):
    monkeypatch.setattr(loopback, "LOCALHOST_ADDRESS", "::1")


def localhost_url(emulator) -> str:
    return f"http://localhost:{emulator.port}"


async def test_ipv6_loopback_really_refuses_the_emulator_that_listens_on_ipv4(emulator):
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://[::1]:{emulator.port}/api/version")


async def test_a_refused_localhost_falls_back_to_127_0_0_1_and_stays_there(
    emulator, localhost_is_ipv6
):
    async with OllamaClient(ClientConfig(base_url=localhost_url(emulator))) as client:
        assert client.loopback_fallback is None
        assert await client.version() == "0.33.0"
        assert client.loopback_fallback == f"http://127.0.0.1:{emulator.port}"
        assert [m.name for m in await client.list_models()]
    hosts = {request.headers.get("Host") for request in emulator.requests}
    assert hosts == {f"localhost:{emulator.port}"}  # still named localhost, as Ollama allows


async def test_a_localhost_that_answers_needs_no_fallback(emulator):
    async with OllamaClient(ClientConfig(base_url=localhost_url(emulator))) as client:
        assert await client.version() == "0.33.0"
        assert client.loopback_fallback is None


async def test_when_127_0_0_1_refuses_too_the_error_is_about_localhost(emulator, localhost_is_ipv6):
    emulator.refuse_connections()
    async with OllamaClient(ClientConfig(base_url=localhost_url(emulator))) as client:
        with pytest.raises(ServerUnreachable) as caught:
            await client.version()
        assert client.loopback_fallback is None
    assert f"localhost:{emulator.port}" in caught.value.message


@pytest.mark.parametrize(("audience", "named"), [("editor", "the baseUrl setting"),
                                                  ("cli", "--host (or OLLAMA_HOST)")])
async def test_the_status_says_to_set_the_base_url_to_127_0_0_1(
    emulator, localhost_is_ipv6, audience, named
):
    config = ToolsConfig(base_url=localhost_url(emulator), advice_for=audience)
    async with OllamaEditorTools(config) as tools:
        status = await tools.check_status(force=True)
        assert status.reachable and status.model_count > 0
        ipv4 = f"http://127.0.0.1:{emulator.port}"
        assert status.suggestion is not None
        assert f"Set {named} to {ipv4}." in status.suggestion
        assert "::1" in status.suggestion
        async with tools.generate("llama3.2", prompt="hi") as stream:
            assert [chunk async for chunk in stream]
