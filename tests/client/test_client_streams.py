"""Streaming: NDJSON over awkward reads, errors mid-stream, closing early, metrics."""

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clienthelp import client, ndjson, ollama, sent_json, split_every, streamed  # noqa: F401
from ollama_ls.client import (
    GenerateChunk,
    ModelNotFound,
    ProtocolError,
    PullFailed,
    PullTimedOut,
    RequestTimedOut,
    ServerError,
    ServerUnreachable,
)
from ollama_ls.client.ndjson import LineSplitter

TOKENS = ["Hé", "llo", " wörld", " 🌍"]
FINAL = {"model": "m", "created_at": "t", "response": "", "done": True, "done_reason": "stop",
         "total_duration": 900_000_000, "prompt_eval_count": 12, "eval_count": 4,
         "eval_duration": 200_000_000}


def first_line(body: bytes) -> bytes:
    return body.split(b"\n", 1)[0] + b"\n"


def generate_lines(tokens=TOKENS, final=FINAL):
    return ndjson(*({"model": "m", "created_at": "t", "response": t, "done": False}
                    for t in tokens), final)


FIRST_LINE = first_line(generate_lines())


def chat_lines():
    return ndjson(
        {"model": "m", "created_at": "t", "message": {"role": "assistant", "content": "",
                                                       "thinking": "Let me"}, "done": False},
        {"model": "m", "created_at": "t", "message": {"role": "assistant", "content": "Hi"},
         "done": False},
        {"model": "m", "created_at": "t", "done": False, "message": {
            "role": "assistant", "content": "",
            "tool_calls": [{"function": {"index": 0, "name": "f", "arguments": {"x": 1}}}]}},
        {"model": "m", "created_at": "t", "message": {"role": "assistant", "content": ""},
         "done": True, "done_reason": "stop", "eval_count": 2, "eval_duration": 1_000_000_000},
    )


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
async def test_lines_split_across_reads(size, ollama, client):
    response, _ = streamed(*split_every(generate_lines(), size))
    route = ollama.post("/api/generate").mock(return_value=response)
    async with client.generate("m", "hello", stream=True) as stream:
        chunks = [chunk async for chunk in stream]
    assert sent_json(route)["stream"] is True
    assert all(isinstance(chunk, GenerateChunk) for chunk in chunks)
    assert [c.response for c in chunks[:-1]] == TOKENS
    assert stream.text == "Héllo wörld 🌍"
    assert stream.done_reason == "stop" and stream.final.eval_count == 4


def test_line_splitter_keeps_a_last_line_without_newline():
    splitter = LineSplitter()
    assert splitter.feed(b'{"a":1}\n\n  \n{"b"') == [b'{"a":1}']
    assert splitter.feed(b":2}") == []
    assert splitter.flush() == [b'{"b":2}']
    assert splitter.flush() == []


@given(
    lines=st.lists(st.text(min_size=1).filter(lambda t: "\n" not in t and t.strip())),
    cuts=st.lists(st.integers(min_value=0, max_value=400)),
)
def test_line_splitter_finds_the_same_lines_whatever_the_reads(lines, cuts):
    data = "".join(line + "\n" for line in lines).encode()
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    splitter = LineSplitter()
    found = [line for a, b in zip(bounds, bounds[1:]) for line in splitter.feed(data[a:b])]
    found += splitter.flush()
    assert [line.decode() for line in found] == lines


async def test_blank_lines_and_crlf_are_ignored(ollama, client):
    body = b"\n\r\n" + generate_lines().replace(b"\n", b"\r\n\n")
    ollama.post("/api/generate").mock(return_value=streamed(body)[0])
    async with client.generate("m", "x", stream=True) as stream:
        assert len([c async for c in stream]) == 5
    assert stream.text == "Héllo wörld 🌍"


async def test_iterating_without_a_with_block(ollama, client):
    ollama.post("/api/generate").mock(return_value=streamed(generate_lines())[0])
    stream = client.generate("m", "x", stream=True)
    assert [c.response async for c in stream][:2] == ["Hé", "llo"]
    assert stream.metrics is not None


async def test_chat_stream_accumulates_text_thinking_and_tool_calls(ollama, client):
    ollama.post("/api/chat").mock(return_value=streamed(*split_every(chat_lines(), 5))[0])
    async with client.chat("m", [{"role": "user", "content": "hey"}], stream=True) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks[1].message.content == "Hi"
    assert (stream.text, stream.thinking) == ("Hi", "Let me")
    assert [call.function.name for call in stream.tool_calls] == ["f"]
    assert stream.metrics.tokens_per_second == pytest.approx(2.0)


async def test_error_line_mid_stream_raises_and_keeps_the_text(ollama, client):
    body = ndjson({"response": "par", "done": False}, {"response": "tial", "done": False},
                  {"error": "an error was encountered while running the model: CUDA error"})
    response, body_stream = streamed(body)
    ollama.post("/api/generate").mock(return_value=response)
    async with client.generate("m", "x", stream=True) as stream:
        with pytest.raises(ServerError) as caught:
            async for _ in stream:
                pass
    assert stream.text == "partial"
    assert caught.value.status == 200 and "CUDA error" in caught.value.ollama_message
    assert body_stream.closed
    assert stream.metrics.error == "ServerError"


async def test_non_json_line_is_a_protocol_error_with_the_line(ollama, client):
    body = ndjson({"response": "a", "done": False}) + b"garbage " * 50 + b"\n" + ndjson(FINAL)
    ollama.post("/api/generate").mock(return_value=streamed(body)[0])
    with pytest.raises(ProtocolError) as caught:
        async for _ in client.generate("m", "x", stream=True):
            pass
    assert "Malformed line in the /api/generate stream: garbage garbage" in caught.value.message
    assert caught.value.message.endswith("…")
    assert len(caught.value.message) < 200


async def test_stream_that_ends_without_done(ollama, client):
    ollama.post("/api/generate").mock(return_value=streamed(generate_lines(final=None)[:-5])[0])
    stream = client.generate("m", "x", stream=True)
    with pytest.raises(ProtocolError, match="stream ended before done"):
        async for _ in stream:
            pass
    assert stream.text == "Héllo wörld 🌍"


async def test_html_502_from_a_proxy(ollama, client):
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    ollama.post("/api/chat").mock(
        return_value=httpx.Response(502, text=page, headers={"content-type": "text/html"}))
    with pytest.raises(ProtocolError) as caught:
        async with client.chat("m", [], stream=True):
            pass
    assert caught.value.status == 502 and "proxy" in caught.value.suggestion


async def test_html_with_status_200_and_a_json_content_type(ollama, client):
    ollama.post("/api/chat").mock(return_value=streamed(b"<!DOCTYPE html>\n<html></html>\n")[0])
    with pytest.raises(ProtocolError, match="HTML page"):
        async for _ in client.chat("m", [], stream=True):
            pass


async def test_http_error_before_the_stream_starts(ollama, client):
    ollama.post("/api/chat").mock(return_value=httpx.Response(
        404, json={"error": "model 'nope' not found"}))
    with pytest.raises(ModelNotFound):
        async with client.chat("nope", [], stream=True):
            pass
    assert client.metrics.last.error == "ModelNotFound"
    assert client.metrics.last.status == 404


async def test_closing_early_closes_the_http_stream(ollama, client):
    response, body_stream = streamed(*split_every(generate_lines(), 10))
    ollama.post("/api/generate").mock(return_value=response)
    async with client.generate("m", "x", stream=True) as stream:
        async for chunk in stream:
            break
    assert body_stream.closed
    assert body_stream.yielded < 10
    assert stream.metrics.closed_early
    assert [c async for c in stream] == []  # closed streams yield nothing more


async def test_aclose_is_idempotent_and_immediate(ollama, client):
    response, body_stream = streamed(generate_lines())
    ollama.post("/api/generate").mock(return_value=response)
    stream = client.generate("m", "x", stream=True)
    await stream.__anext__()
    await stream.aclose()
    await stream.aclose()
    assert body_stream.closed and stream.metrics.closed_early


async def test_connection_lost_mid_stream(ollama, client):
    response, _ = streamed(FIRST_LINE,
                           fail_with=httpx.RemoteProtocolError("peer closed connection"))
    ollama.post("/api/generate").mock(return_value=response)
    stream = client.generate("m", "x", stream=True)
    with pytest.raises(ServerUnreachable, match="connection to Ollama was lost"):
        async for _ in stream:
            pass
    assert stream.text == "Hé"


async def test_read_timeout_mid_generate(ollama, client):
    response, _ = streamed(FIRST_LINE, fail_with=httpx.ReadTimeout("timed out"))
    ollama.post("/api/generate").mock(return_value=response)
    with pytest.raises(RequestTimedOut) as caught:
        async for _ in client.generate("m", "x", stream=True):
            pass
    assert "120 s" in caught.value.message and "OLLAMA_TIMEOUT" in caught.value.suggestion


PULL = [
    {"status": "pulling manifest"},
    {"status": "pulling 6a0746a1ec1a", "digest": "sha256:" + "6a" * 32, "total": 100},
    {"status": "pulling 6a0746a1ec1a", "digest": "sha256:" + "6a" * 32, "total": 100,
     "completed": 50},
    {"status": "verifying sha256 digest"},
    {"status": "writing manifest"},
    {"status": "success"},
]


async def test_pull_progress(ollama, client):
    route = ollama.post("/api/pull").mock(return_value=streamed(*split_every(ndjson(*PULL), 9))[0])
    async with client.pull("llama3.2") as progress:
        lines = [p async for p in progress]
    assert sent_json(route) == {"model": "llama3.2", "insecure": False, "stream": True}
    assert [p.status for p in lines] == [p["status"] for p in PULL]
    assert [p.fraction for p in lines[:3]] == [None, 0.0, 0.5]
    assert progress.last.status == "success" and progress.metrics.status == 200


async def test_pull_of_a_missing_model(ollama, client):
    body = ndjson({"status": "pulling manifest"},
                  {"error": "pull model manifest: file does not exist"})
    ollama.post("/api/pull").mock(return_value=streamed(body)[0])
    with pytest.raises(PullFailed) as caught:
        async for _ in client.pull("lama3"):
            pass
    assert "https://ollama.com/library" in caught.value.suggestion
    assert caught.value.model == "lama3"


async def test_read_timeout_mid_pull_is_pull_timed_out(ollama, client):
    response, _ = streamed(ndjson(*PULL[:2]), fail_with=httpx.ReadTimeout("timed out"))
    ollama.post("/api/pull").mock(return_value=response)
    with pytest.raises(PullTimedOut) as caught:
        async for _ in client.pull("m"):
            pass
    assert isinstance(caught.value, PullFailed)
    assert "600 s" in caught.value.message


async def test_pull_uses_its_own_read_timeout(ollama, client):
    route = ollama.post("/api/pull").mock(return_value=streamed(ndjson(PULL[-1]))[0])
    async for _ in client.pull("m"):
        pass
    timeouts = route.calls.last.request.extensions["timeout"]
    assert timeouts["read"] == 600.0 and timeouts["connect"] == 5.0


async def test_a_broken_ending_after_done_is_ignored(ollama, client):
    response, _ = streamed(generate_lines(), fail_with=httpx.RemoteProtocolError("truncated"))
    ollama.post("/api/generate").mock(return_value=response)
    async with client.generate("m", "x", stream=True) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks[-1].done and stream.metrics.error is None
