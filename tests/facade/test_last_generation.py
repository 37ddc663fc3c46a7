"""The last generation's speed for the status: Ollama's own counts (eval_count / eval_duration),
with the thinking part counted as the chunks that carried thinking."""

from __future__ import annotations

import pytest

from ollama_ls.client import OllamaError
from ollama_ls.facade import OllamaEditorTools, ToolsConfig


async def run(tools: OllamaEditorTools, model: str, **request) -> list:
    async with tools.generate(model, prompt="hi", **request) as stream:
        return [chunk async for chunk in stream]


async def test_a_thinking_generation_counts_its_thinking_tokens_apart(emulator):
    emulator.set_response(["The", " answer", "."], thinking=["Let", " me", " think", " hard"])
    heard = []
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url, think=True)) as tools:
        tools.on_generation(heard.append)
        chunks = await run(tools, "deepseek-r1:8b")
        last = tools.last_generation
    assert "".join(c.thinking for c in chunks) == "Let me think hard"
    assert "".join(c.text for c in chunks) == "The answer."
    assert heard == [last]
    assert last.model == "deepseek-r1:8b" and not last.estimated
    assert last.eval_count == 7  # Ollama's eval_count: thinking and answer together
    assert last.thinking_tokens == 4
    # eval_count / eval_duration from the final chunk: the emulator times each token at its
    # token rate, so Ollama's own rate is that rate (not the wall clock's).
    assert abs(last.tokens_per_second - emulator.state.token_rate) < 0.01


async def test_without_thinking_there_is_no_thinking_count(emulator):
    emulator.set_response(["a", " b"])
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        await run(tools, "llama3.2")
        assert tools.last_generation.eval_count == 2
        assert tools.last_generation.thinking_tokens is None


async def test_a_generation_closed_early_or_failed_leaves_the_last_one(emulator):
    emulator.set_response(["a", " b", " c"])
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        await run(tools, "llama3.2")
        first = tools.last_generation
        async with tools.generate("llama3.2", prompt="hi") as stream:
            async for _ in stream:
                break  # the user stopped it
        emulator.faults.error_line(after_chunks=1)
        with pytest.raises(OllamaError):
            await run(tools, "llama3.2")
        await tools.warm_up("llama3.2")  # a load is no generation
        assert tools.last_generation is first
