"""The client over real sockets, against the Ollama emulator."""

import asyncio
import logging

import pytest

from ollama_ls.client import (
    CapabilityUnsupported,
    ClientConfig,
    ModelNotFound,
    OllamaClient,
    ProtocolError,
    PullFailed,
    RequestTimedOut,
    ServerError,
    ServerUnreachable,
    Unauthorized,
)

USER = [{"role": "user", "content": "Say hello"}]


@pytest.fixture
async def client(emulator):
    async with OllamaClient(ClientConfig(base_url=emulator.base_url)) as client:
        yield client


async def test_status_calls(emulator, client):
    assert await client.heartbeat() is True
    assert await client.version() == "0.33.0"
    names = [m.name for m in await client.list_models()]
    assert "llama3.2:latest" in names and "nomic-embed-text:latest" in names
    shown = await client.show("llama3.2")
    assert "tools" in shown.capabilities and shown.context_length == 131_072
    assert [m.name for m in await client.running()] == ["llama3.2:latest"]


async def test_pull_copy_delete(emulator, client):
    async with client.pull("tinyllama") as progress:
        statuses = [p.status async for p in progress]
    assert statuses[0] == "pulling manifest" and statuses[-1] == "success"
    assert any(p.startswith("pulling ") and p != "pulling manifest" for p in statuses)
    await client.copy("tinyllama", "my-tiny")
    names = {m.name for m in await client.list_models()}
    assert {"tinyllama:latest", "my-tiny:latest"} <= names
    await client.delete("my-tiny")
    with pytest.raises(ModelNotFound) as caught:
        await client.delete("my-tiny")
    assert caught.value.suggestion == "Run: ollama pull my-tiny"


async def test_pull_of_a_name_the_registry_lacks(emulator, client):
    with pytest.raises(PullFailed) as caught:
        async for _ in client.pull("no-such-model-anywhere"):
            pass
    assert "ollama.com/library" in caught.value.suggestion


async def test_generate_and_chat(emulator, client):
    emulator.set_response("Hello there friend")
    answer = await client.generate("llama3.2", "hi")
    assert answer.response == "Hello there friend" and answer.done_reason == "stop"
    assert client.metrics.last.completion_tokens == answer.eval_count

    async with client.chat("llama3.2", USER, stream=True) as stream:
        chunks = [chunk async for chunk in stream]
    assert stream.text == "Hello there friend" and len(chunks) > 2
    assert stream.metrics.time_to_first_token_s is not None
    assert stream.metrics.estimated is False


async def test_thinking_and_capabilities(emulator, client):
    emulator.set_response("42", thinking="Let me think")
    async with client.chat("deepseek-r1:8b", USER, stream=True, think=True) as stream:
        async for _ in stream:
            pass
    assert (stream.thinking, stream.text) == ("Let me think", "42")
    with pytest.raises(CapabilityUnsupported) as caught:
        await client.chat("llama3:8b", USER, think=True)
    assert caught.value.capability == "thinking"
    with pytest.raises(CapabilityUnsupported) as caught:
        await client.generate("llama3.2", "def f(", suffix="return 1")
    assert caught.value.capability == "insert"


async def test_embed_load_unload(emulator, client):
    result = await client.embed("nomic-embed-text", ["a", "b"], dimensions=8)
    assert len(result.embeddings) == 2 and len(result.embeddings[0]) == 8
    legacy = await client.embed("nomic-embed-text", "a", legacy=True)
    assert len(legacy.embeddings) == 1 and legacy.embeddings[0]

    await client.load("llama3:8b", keep_alive="10m")
    assert "llama3:8b" in {m.name for m in await client.running()}
    await client.unload("llama3:8b")
    assert "llama3:8b" not in {m.name for m in await client.running()}
    await client.load("nomic-embed-text")  # cannot generate: loaded through /api/embed
    assert "nomic-embed-text:latest" in {m.name for m in await client.running()}


async def test_missing_model(emulator, client):
    with pytest.raises(ModelNotFound) as caught:
        await client.chat("llama9", USER)
    assert caught.value.model == "llama9"
    assert caught.value.server == emulator.base_url


async def test_error_line_mid_stream(emulator, client):
    emulator.faults.error_line(after_chunks=2, message="llama runner process has terminated")
    stream = client.chat("llama3.2", USER, stream=True)
    with pytest.raises(ServerError, match="llama runner process has terminated"):
        async for _ in stream:
            pass
    assert stream.text  # what arrived before the error is kept


async def test_server_dies_mid_stream(emulator, client):
    emulator.faults.die(after_chunks=2)
    stream = client.generate("llama3.2", "hi", stream=True)
    with pytest.raises(ServerUnreachable, match="connection to Ollama was lost"):
        async for _ in stream:
            pass
    assert stream.metrics.error == "ServerUnreachable"


async def test_malformed_line_mid_stream(emulator, client):
    emulator.faults.malformed_line(after_chunks=1)
    with pytest.raises(ProtocolError, match="Malformed line"):
        async for _ in client.generate("llama3.2", "hi", stream=True):
            pass


async def test_proxy_502(emulator, client):
    emulator.faults.proxy_502()
    with pytest.raises(ProtocolError) as caught:
        await client.list_models()
    assert caught.value.status == 502 and "proxy" in caught.value.suggestion


async def test_closing_a_stream_early_is_seen_by_the_server(emulator, client):
    emulator.token_rate = 50
    emulator.set_response(" ".join(["word"] * 200))
    async with client.generate("llama3.2", "hi", stream=True) as stream:
        async for _ in stream:
            break
    assert stream.metrics.closed_early
    record = await emulator.wait_for_async(
        lambda: next((r for r in emulator.requests_to("/api/generate") if r.closed_early), None))
    assert record.chunks < 200


async def test_twenty_concurrent_streams_on_one_client(emulator, client):
    emulator.set_response("one two three four five")

    async def one(n):
        async with client.chat("llama3.2", [{"role": "user", "content": f"#{n}"}],
                               stream=True) as stream:
            async for _ in stream:
                pass
        return stream.text

    texts = await asyncio.gather(*(one(n) for n in range(20)))
    assert texts == ["one two three four five"] * 20
    assert len(emulator.requests_to("/api/chat")) == 20
    assert not any(r.closed_early for r in emulator.requests_to("/api/chat"))


async def test_read_timeout_when_the_server_hangs(emulator):
    emulator.faults.hang(after_chunks=1)
    config = ClientConfig(base_url=emulator.base_url, read_timeout=0.3)
    async with OllamaClient(config) as client:
        with pytest.raises(RequestTimedOut):
            async for _ in client.generate("llama3.2", "hi", stream=True):
                pass


async def test_server_down(emulator):
    emulator.refuse_connections()
    async with OllamaClient(ClientConfig(base_url=emulator.base_url)) as client:
        with pytest.raises(ServerUnreachable) as caught:
            await client.heartbeat()
    assert caught.value.status is None


async def test_server_restart_between_calls(emulator, client):
    assert await client.version()
    emulator.restart()
    assert await client.version() == "0.33.0"  # the pool drops the dead connection


async def test_api_key_and_secret_redaction(emulator, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "sk-integration-secret-42"
    emulator.require_auth(secret)
    async with OllamaClient(ClientConfig(base_url=emulator.base_url)) as client:
        with pytest.raises(Unauthorized):
            await client.list_models()
    config = ClientConfig.from_settings(base_url=emulator.base_url,
                                        env={"OLLAMA_API_KEY": secret})
    async with OllamaClient(config) as client:
        assert await client.list_models()
    assert emulator.last_request("/api/tags").header("Authorization") == f"Bearer {secret}"
    assert secret not in caplog.text
