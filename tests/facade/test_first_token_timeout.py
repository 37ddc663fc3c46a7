"""The wait for a generation's first chunk (a cold model loading) is the first-token timeout,
not the read timeout between chunks: against the emulator's slow load."""

from __future__ import annotations

import pytest

from ollama_ls.client import ClientConfig, OllamaClient, RequestTimedOut
from ollama_ls.client.errors import FirstTokenTimedOut
from ollama_ls.facade import OllamaEditorTools, ToolsConfig

LOAD_SECONDS = 1.5


@pytest.fixture
async def cold(emulator):
    """The emulator with no model loaded, each load taking LOAD_SECONDS."""
    async with OllamaClient(ClientConfig(base_url=emulator.base_url)) as client:
        for model in await client.running():
            await client.unload(model.name)
        assert await client.running() == []
    emulator.set_rate(load_seconds=LOAD_SECONDS)
    emulator.state.clear_requests()
    return emulator


async def generate_text(tools: OllamaEditorTools, model: str = "llama3.2") -> str:
    text = []
    async with tools.generate(model, prompt="Say hi") as stream:
        async for chunk in stream:
            text.append(chunk.text)
    return "".join(text)


async def test_a_cold_load_longer_than_the_read_timeout_succeeds_within_the_first_token_timeout(
    cold,
):
    emulator = cold
    config = ToolsConfig(base_url=emulator.base_url, timeout=0.5, first_token_timeout=30)
    async with OllamaEditorTools(config) as tools:
        assert await generate_text(tools)
    (request,) = emulator.requests_to("/api/generate")
    assert not request.closed_early


async def test_a_first_token_timeout_shorter_than_the_load_fails_naming_the_setting(cold):
    emulator = cold
    config = ToolsConfig(base_url=emulator.base_url, timeout=30, first_token_timeout=0.5)
    async with OllamaEditorTools(config) as tools:
        with pytest.raises(FirstTokenTimedOut) as caught:
            await generate_text(tools)
    error = caught.value
    assert isinstance(error, RequestTimedOut)
    assert "firstTokenTimeout" in error.suggestion
    assert "llama3.2" in error.message and "loading" in error.message
    assert len(emulator.requests_to("/api/generate")) == 1  # not retried, not failed over


async def test_after_the_first_chunk_the_read_timeout_applies_again(emulator):
    emulator.faults.hang(after_chunks=1, paths=["/api/generate"])
    config = ToolsConfig(base_url=emulator.base_url, timeout=0.5, first_token_timeout=60)
    async with OllamaEditorTools(config) as tools:
        with pytest.raises(RequestTimedOut) as caught:
            await generate_text(tools)
    assert not isinstance(caught.value, FirstTokenTimedOut)
    assert "the timeout setting" in caught.value.suggestion
    assert "readTimeout" not in caught.value.suggestion


@pytest.mark.parametrize(
    ("audience", "named"),
    [("python", "first_token_timeout"), ("editor", "firstTokenTimeout setting"),
     ("cli", "--first-token-timeout")],
)
async def test_the_first_token_advice_names_the_knob_of_whoever_reads_it(cold, audience, named):
    emulator = cold
    config = ClientConfig(base_url=emulator.base_url, first_token_timeout=0.3,
                          advice_for=audience)
    async with OllamaClient(config) as client:
        stream = client.chat("llama3.2", [{"role": "user", "content": "hi"}], stream=True)
        with pytest.raises(FirstTokenTimedOut) as caught:
            async with stream:
                async for _ in stream:
                    pass
    assert named in caught.value.suggestion
    assert stream.metrics is not None and stream.metrics.error == "FirstTokenTimedOut"


async def test_a_thinking_chunk_is_a_first_chunk(cold):
    """A thinking model's first chunk is thinking, not text: it ends the first-token wait."""
    emulator = cold
    emulator.set_response("answer", thinking=["hmm"] * 3)
    config = ToolsConfig(base_url=emulator.base_url, timeout=0.5, first_token_timeout=30,
                         think=True)
    async with OllamaEditorTools(config) as tools:
        thinking = []
        async with tools.generate("deepseek-r1:8b", prompt="hi") as stream:
            async for chunk in stream:
                thinking.append(chunk.thinking)
    assert "".join(thinking) == "hmmhmmhmm"
