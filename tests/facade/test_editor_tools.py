"""OllamaEditorTools against the emulator over real sockets: status and its throttle, caches,
single flight, failover, recommendations, auto-pull and keep-alive."""

from __future__ import annotations

import asyncio

import pytest

from ollama_ls.client import ModelNotFound, ServerUnreachable
from ollama_ls.facade import OllamaEditorTools, ToolsConfig
from ollama_ls.facade.hardware import GIB, HardwareProfile


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def installed(emulator) -> dict:
    """Installed catalogue models by the name `ollama list` shows."""
    return {model.name: model for model in emulator.state.installed.values()}


def count(emulator, path: str) -> int:
    return len([request for request in emulator.requests if request.path == path])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def tools(emulator, clock):
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url), clock=clock) as tools:
        yield tools


async def test_status_reports_version_models_running_and_latency(tools, emulator):
    status = await tools.check_status()
    assert status.reachable and status.base_url == emulator.base_url
    assert status.version == emulator.state.version
    assert status.model_count == len(emulator.state.installed)
    running = {model.name for model in status.running_models}
    assert running == {running.model.name for running in emulator.state.running_models()}
    assert all(model.expires_at for model in status.running_models)
    assert status.latency_ms is not None and status.latency_ms >= 0
    assert status.error is None


async def test_status_checks_are_throttled_and_force_bypasses(tools, emulator, clock):
    for _ in range(10):
        await tools.check_status()
    assert count(emulator, "/api/version") == 1
    clock.now += 29
    await tools.check_status()
    assert count(emulator, "/api/version") == 1
    await tools.check_status(force=True)
    assert count(emulator, "/api/version") == 2
    clock.now += 30
    await tools.check_status()
    assert count(emulator, "/api/version") == 3


async def test_down_and_up_is_seen_by_subscribers_with_back_off(tools, emulator, clock):
    changes = []
    tools.on_status_change(lambda previous, status: changes.append(status.reachable))
    await tools.check_status()
    emulator.stop()
    down = await tools.check_status(force=True)
    assert not down.reachable
    assert down.error
    assert down.suggestion in ("Install: https://ollama.com/download", "Start it: ollama serve")
    await tools.check_status(force=True)
    assert tools.consecutive_failures == 2
    # Two failures in a row: the next automatic check waits twice the interval.
    clock.now += 30
    assert (await tools.check_status()) is tools.last_status
    emulator.start()
    clock.now += 30
    up = await tools.check_status()
    assert up.reachable
    assert changes == [True, False, True]


async def test_model_list_fields(tools, emulator):
    models = await tools.list_available_models()
    by_name = {model.name: model for model in models}
    assert set(by_name) == set(installed(emulator))
    llama = by_name["llama3.2:latest"]
    assert llama.size > 0 and len(llama.digest) == 64 and llama.modified_at
    assert llama.family == "llama" and llama.parameter_size and llama.quantization == "Q4_K_M"


async def test_model_cache_ttl_and_invalidation(tools, emulator, clock):
    await tools.list_available_models()
    await tools.list_available_models()
    assert count(emulator, "/api/tags") == 1
    clock.now += 60
    await tools.list_available_models()
    assert count(emulator, "/api/tags") == 2
    async for _ in tools.pull("tinyllama"):
        pass
    assert any(model.name == "tinyllama:latest" for model in await tools.list_available_models())
    tags_after_pull = count(emulator, "/api/tags")
    await tools.delete("tinyllama")
    assert count(emulator, "/api/tags") == tags_after_pull + 1  # refreshed at once
    assert all(model.name != "tinyllama:latest" for model in await tools.list_available_models())
    await tools.copy("llama3.2", "my-llama:1")
    assert "my-llama:1" in {model.name for model in await tools.list_available_models()}
    tools.invalidate()
    await tools.list_available_models()
    assert count(emulator, "/api/tags") == tags_after_pull + 3


async def test_one_hundred_concurrent_asks_make_one_request(tools, emulator):
    results = await asyncio.gather(*(tools.list_available_models() for _ in range(100)))
    assert count(emulator, "/api/tags") == 1
    assert all(result == results[0] for result in results)
    details = await asyncio.gather(*(tools.get_supported_capabilities("llava:7b") for _ in range(100)))
    assert count(emulator, "/api/show") == 1
    assert all(d.vision for d in details)


async def test_capabilities(tools):
    coder = await tools.get_supported_capabilities("qwen2.5-coder:1.5b")
    assert coder.insert and coder.chat and coder.streaming and not coder.embeddings
    assert coder.context_length and coder.context_length > 0
    embed = await tools.get_supported_capabilities("nomic-embed-text")
    assert embed.embeddings and not embed.chat
    assert (await tools.get_supported_capabilities("deepseek-r1:8b")).thinking
    assert (await tools.get_supported_capabilities("llama3.2")).tools
    with pytest.raises(ModelNotFound) as raised:
        await tools.get_supported_capabilities("nope:1b")
    assert "ollama pull nope:1b" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "valid", "normalized"),
    [
        ("llama3.2", True, "registry.ollama.ai/library/llama3.2:latest"),
        ("LLaMA3:8B", True, "registry.ollama.ai/library/LLaMA3:8B"),
        ("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", True,
         "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"),
        ("gpt-oss:20b-cloud", True, "registry.ollama.ai/library/gpt-oss:20b"),
        ("mo del", False, None),
        ("model:tag:extra", False, None),
        ("name.space/model", False, None),
        ("", False, None),
    ],
)
def test_validate_model_name(name, valid, normalized):
    check = OllamaEditorTools.validate_model_name(name)
    assert check.is_valid is valid and check.normalized == normalized
    assert check.message


async def test_failover_to_a_fallback_and_back(emulator, make_emulator, clock):
    fallback = make_emulator()
    config = ToolsConfig(
        base_url=emulator.base_url,
        fallback_urls=(fallback.base_url,),
        failure_threshold=1,
        breaker_cool_down=15,
    )
    async with OllamaEditorTools(config, clock=clock) as tools:
        assert (await tools.check_status()).base_url == emulator.base_url
        emulator.stop()
        status = await tools.check_status(force=True)
        assert status.reachable and status.base_url == fallback.base_url
        assert tools.base_url == fallback.base_url
        await tools.list_available_models(force=True)
        assert any(r.path == "/api/tags" for r in fallback.requests)
        emulator.start()
        status = await tools.check_status(force=True)
        assert status.base_url == fallback.base_url  # the primary's breaker is still open
        clock.now += 15
        status = await tools.check_status(force=True)
        assert status.base_url == emulator.base_url  # half-open trial succeeded: back home


async def test_a_running_stream_is_not_moved(emulator, make_emulator, clock):
    fallback = make_emulator()
    config = ToolsConfig(base_url=emulator.base_url, fallback_urls=(fallback.base_url,),
                         failure_threshold=1)
    async with OllamaEditorTools(config, clock=clock) as tools:
        emulator.set_response(["one", " two", " three"])
        async with tools.generate("llama3.2", prompt="hi") as stream:
            chunks = aiter(stream)
            first = await anext(chunks)
            emulator.faults.busy(paths=["/api/version", "/api/tags", "/api/ps"])
            await tools.check_status(force=True)  # fails over for new requests...
            rest = [chunk.text async for chunk in chunks]  # ...this one stays put
        assert first.text + "".join(rest) == "one two three"
        assert stream.server == emulator.base_url
        assert tools.base_url == fallback.base_url


async def test_a_generation_fails_over_before_its_first_chunk(emulator, make_emulator, clock):
    fallback = make_emulator()
    fallback.set_response(["from", " the fallback"])
    config = ToolsConfig(base_url=emulator.base_url, fallback_urls=(fallback.base_url,))
    async with OllamaEditorTools(config, clock=clock) as tools:
        emulator.faults.busy(paths=["/api/generate"])
        async with tools.generate("llama3.2", prompt="hi") as stream:
            text = "".join([chunk.text async for chunk in stream])
        assert text == "from the fallback"
        assert stream.server == fallback.base_url
        assert stream.metrics is not None and stream.metrics.completion_tokens


async def test_a_generation_error_of_the_request_is_not_failed_over(emulator, make_emulator, clock):
    fallback = make_emulator()
    config = ToolsConfig(base_url=emulator.base_url, fallback_urls=(fallback.base_url,))
    async with OllamaEditorTools(config, clock=clock) as tools:
        with pytest.raises(ModelNotFound):
            async with tools.generate("no-such-model", prompt="hi"):
                pass
    assert not [r for r in fallback.requests if r.path == "/api/generate"]


async def test_embed_and_pull_hand_back_plain_values(tools, emulator):
    embeddings = await tools.embed("nomic-embed-text", ["a", "b"])
    assert embeddings.model.startswith("nomic-embed-text") and len(embeddings.vectors) == 2
    assert all(isinstance(value, float) for value in embeddings.vectors[0])
    statuses = [progress async for progress in tools.pull("phi3:mini")]
    assert type(statuses[0]).__name__ == "PullStatus"
    assert statuses[0].status == "pulling manifest" and statuses[-1].status == "success"
    assert any(progress.total for progress in statuses)


async def test_recommendation_with_injected_hardware(emulator, clock):
    def eight_gib(_vram: int) -> HardwareProfile:
        return HardwareProfile(total_ram=16 * GIB, available_ram=8 * GIB)

    config = ToolsConfig(base_url=emulator.base_url)
    async with OllamaEditorTools(config, clock=clock, hardware_reader=eight_gib) as tools:
        choice = await tools.get_default_model()
    assert choice.installed
    models = installed(emulator)
    assert choice.model in models
    assert "8.0 GiB" in choice.reason
    assert "embedding" not in models[choice.model].capabilities


async def test_keep_alive_is_sent_with_every_generation_and_warm_up(emulator, clock):
    config = ToolsConfig(base_url=emulator.base_url, keep_alive="10m")
    async with OllamaEditorTools(config, clock=clock) as tools:
        async with tools.generate("llama3.2", prompt="hi") as stream:
            [chunk async for chunk in stream]
        await tools.warm_up("qwen2.5-coder:1.5b")
        await tools.unload("qwen2.5-coder:1.5b")
    bodies = [r.body for r in emulator.requests if r.path == "/api/generate"]
    assert [body.get("keep_alive") for body in bodies] == ["10m", "10m", 0]
    assert bodies[1]["prompt"] == "" and bodies[2]["prompt"] == ""


async def test_unreachable_everywhere_raises_server_unreachable(emulator, clock):
    emulator.stop()
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url), clock=clock) as tools:
        with pytest.raises(ServerUnreachable):
            await tools.list_available_models()


async def test_default_model_for_generation_prefers_setting_workspace_then_loaded(emulator, clock):
    config = ToolsConfig(base_url=emulator.base_url, default_model="llava:7b")
    async with OllamaEditorTools(config, clock=clock) as tools:
        assert await tools.resolve_default_model_name(["qwen2.5-coder:1.5b"]) == "llava:7b"
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url), clock=clock) as tools:
        # The workspace's most named installed model that writes text; a reasoning model, an
        # embedding model and one not installed are passed over.
        named = ["deepseek-r1:8b"] * 3 + ["nomic-embed-text"] * 3 + ["phi3:mini"] * 3
        assert await tools.resolve_default_model_name([*named, "llama3:8b", "qwen2.5-coder:1.5b", "qwen2.5-coder:1.5b"]) == "qwen2.5-coder:1.5b"
        # Nothing named: the loaded model (the emulator starts with llama3.2 loaded).
        assert await tools.resolve_default_model_name([]) == "llama3.2:latest"
        assert await tools.resolve_default_model_name(["deepseek-r1:8b"]) == "llama3.2:latest"
