"""Every call leaves one CallMetrics: Ollama's own counts when sent, chars/4 otherwise."""

import logging

import httpx
import pytest

from clienthelp import client, ndjson, ollama, streamed  # noqa: F401  (fixtures)
from ollama_ls.client import CallMetrics, MetricsSink


async def test_non_streamed_generate_uses_ollamas_counts(ollama, client):
    ollama.post("/api/generate").mock(return_value=httpx.Response(200, json={
        "model": "m", "created_at": "t", "response": "four", "done": True, "done_reason": "stop",
        "prompt_eval_count": 26, "eval_count": 40, "eval_duration": 2_000_000_000}))
    await client.generate("m", "2+2?")
    metrics = client.metrics.last
    assert (metrics.endpoint, metrics.model, metrics.status) == ("/api/generate", "m", 200)
    assert (metrics.prompt_tokens, metrics.completion_tokens) == (26, 40)
    assert metrics.tokens_per_second == pytest.approx(20.0)
    assert metrics.estimated is False and metrics.cost == 0.0 and metrics.duration_s > 0


async def test_counts_are_estimated_when_ollama_sends_none(ollama, client):
    ollama.post("/api/chat").mock(return_value=httpx.Response(200, json={
        "model": "m", "created_at": "t", "done": True,
        "message": {"role": "assistant", "content": "x" * 40}}))
    await client.chat("m", [{"role": "user", "content": "y" * 10}])
    metrics = client.metrics.last
    assert metrics.estimated is True
    assert (metrics.prompt_tokens, metrics.completion_tokens) == (3, 10)


async def test_streamed_call_has_first_token_time_and_chunk_count(ollama, client):
    body = ndjson({"response": "a", "done": False}, {"response": "b", "done": False},
                  {"response": "", "done": True, "eval_count": 2, "eval_duration": 10**9})
    ollama.post("/api/generate").mock(return_value=streamed(body)[0])
    async with client.generate("m", "x", stream=True) as stream:
        async for _ in stream:
            pass
    metrics = stream.metrics
    assert metrics is client.metrics.last
    assert metrics.chunk_count == 3 and metrics.completion_tokens == 2
    assert 0 <= metrics.time_to_first_token_s <= metrics.duration_s
    assert len(client.metrics.records) == 1  # recorded once, not again on close


async def test_stream_closed_early_is_estimated_and_marked(ollama, client):
    body = ndjson(*({"response": "word", "done": False} for _ in range(5)))
    ollama.post("/api/generate").mock(return_value=streamed(body)[0])
    async with client.generate("m", "x", stream=True) as stream:
        await stream.__anext__()
    metrics = stream.metrics
    assert metrics.closed_early and metrics.estimated and metrics.completion_tokens == 1


async def test_simple_calls_have_no_token_counts(ollama, client):
    ollama.get("/api/version").mock(return_value=httpx.Response(200, json={"version": "1"}))
    await client.version()
    metrics = client.metrics.last
    assert metrics.prompt_tokens is None and metrics.tokens_per_second is None


def test_sink_is_a_ring_buffer_that_logs_and_notifies(caplog):
    caplog.set_level(logging.DEBUG, logger="ollama_ls.client.metrics")
    sink = MetricsSink(capacity=2)
    heard = []
    sink.add_listener(heard.append)
    sink.add_listener(lambda m: 1 / 0)  # a broken listener changes nothing
    for n in range(3):
        sink.record(CallMetrics(endpoint=f"/e{n}", model=None, duration_s=0.1, status=200))
    assert [m.endpoint for m in sink.records] == ["/e1", "/e2"]
    assert sink.last.endpoint == "/e2" and len(heard) == 3
    assert "/e0" in caplog.text
    sink.clear()
    assert sink.records == [] and sink.last is None
