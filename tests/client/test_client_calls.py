"""One test per endpoint: what is sent, and the typed answer."""

import base64

import httpx
import pytest

from clienthelp import BASE, client, ollama, sent_json  # noqa: F401  (fixtures)
from ollama_ls.client import (
    ChatResponse,
    EmbedResponse,
    GenerateResponse,
    ListedModel,
    Message,
    ModelNotFound,
    ProtocolError,
    RunningModel,
    ShowResponse,
)

TAGS = {
    "models": [
        {
            "name": "llama3.2:latest",
            "model": "llama3.2:latest",
            "modified_at": "2025-05-10T08:06:48.639712648-07:00",
            "size": 2019393189,
            "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            "details": {"parent_model": "", "format": "gguf", "family": "llama",
                        "families": ["llama"], "parameter_size": "3.2B",
                        "quantization_level": "Q4_K_M"},
            "capabilities": ["completion", "tools"],
            "something_new": 1,
        }
    ]
}


async def test_heartbeat(ollama, client):
    ollama.get("/").mock(return_value=httpx.Response(200, text="Ollama is running"))
    assert await client.heartbeat() is True


async def test_heartbeat_through_an_html_portal_is_a_protocol_error(ollama, client):
    ollama.get("/").mock(return_value=httpx.Response(
        200, text="<html><title>Login</title></html>", headers={"content-type": "text/html"}))
    with pytest.raises(ProtocolError, match="HTML page"):
        await client.heartbeat()


async def test_version(ollama, client):
    ollama.get("/api/version").mock(return_value=httpx.Response(200, json={"version": "0.33.0"}))
    assert await client.version() == "0.33.0"


async def test_list_models_is_typed_and_keeps_unknown_fields(ollama, client):
    ollama.get("/api/tags").mock(return_value=httpx.Response(200, json=TAGS))
    [model] = await client.list_models()
    assert isinstance(model, ListedModel)
    assert model.name == "llama3.2:latest"
    assert model.details.parameter_size == "3.2B"
    assert model.capabilities == ["completion", "tools"]
    assert model.modified_at.year == 2025
    assert model.model_extra == {"something_new": 1}


async def test_running(ollama, client):
    entry = {"name": "m:latest", "model": "m:latest", "size": 10, "digest": "d",
             "details": {"families": None}, "expires_at": "2318-01-01T00:00:00.123456789Z",
             "size_vram": 5, "context_length": 4096}
    ollama.get("/api/ps").mock(return_value=httpx.Response(200, json={"models": [entry]}))
    [running] = await client.running()
    assert isinstance(running, RunningModel)
    assert running.size_vram == 5 and running.context_length == 4096
    assert running.expires_at.year == 2318


async def test_show_sends_verbose_only_when_asked(ollama, client):
    body = {"details": {"family": "llama"}, "model_info": {"general.architecture": "llama",
            "llama.context_length": 131072}, "capabilities": ["completion", "vision"],
            "modified_at": "2025-05-10T08:06:48.639712648-07:00", "tensors": []}
    route = ollama.post("/api/show").mock(return_value=httpx.Response(200, json=body))
    shown = await client.show("llama3.2")
    assert sent_json(route) == {"model": "llama3.2"}
    assert isinstance(shown, ShowResponse)
    assert shown.capabilities == ["completion", "vision"]
    assert shown.context_length == 131072
    await client.show("llama3.2", verbose=True)
    assert sent_json(route) == {"model": "llama3.2", "verbose": True}


async def test_delete_and_copy_take_an_empty_200(ollama, client):
    delete = ollama.delete("/api/delete").mock(return_value=httpx.Response(200))
    copy = ollama.post("/api/copy").mock(return_value=httpx.Response(200))
    assert await client.delete("m") is None
    assert await client.copy("a", "b") is None
    assert sent_json(delete) == {"model": "m"}
    assert sent_json(copy) == {"source": "a", "destination": "b"}


async def test_delete_missing_model(ollama, client):
    ollama.delete("/api/delete").mock(
        return_value=httpx.Response(404, json={"error": "model 'gone' not found"}))
    with pytest.raises(ModelNotFound) as caught:
        await client.delete("gone")
    assert caught.value.model == "gone"


async def test_generate_sends_only_what_was_given(ollama, client):
    answer = {"model": "m", "created_at": "2024-09-12T21:17:29.110811Z", "response": "4",
              "thinking": "2+2", "done": True, "done_reason": "stop", "context": [1, 2],
              "prompt_eval_count": 10, "eval_count": 2, "eval_duration": 500_000_000}
    route = ollama.post("/api/generate").mock(return_value=httpx.Response(200, json=answer))
    result = await client.generate(
        "m", "2+2?", suffix="", system="be brief", images=[b"\x89PNG", "aGk="],
        format={"type": "object"}, think="high", raw=False, keep_alive="5m",
        options={"temperature": 0}, top_logprobs=3,
    )
    assert sent_json(route) == {
        "model": "m", "prompt": "2+2?", "suffix": "", "system": "be brief",
        "images": [base64.b64encode(b"\x89PNG").decode(), "aGk="], "format": {"type": "object"},
        "think": "high", "raw": False, "keep_alive": "5m", "options": {"temperature": 0},
        "top_logprobs": 3, "stream": False,
    }
    assert isinstance(result, GenerateResponse)
    assert (result.response, result.thinking, result.done_reason) == ("4", "2+2", "stop")
    assert result.context == [1, 2]


async def test_chat_with_tools_returns_tool_calls(ollama, client):
    answer = {"model": "m", "created_at": "t", "done": True, "done_reason": "stop",
              "message": {"role": "assistant", "content": "", "thinking": "hmm",
                          "tool_calls": [{"id": "call_ab12cd34", "function": {
                              "index": 0, "name": "get_weather", "arguments": {"city": "Oslo"}}}]}}
    route = ollama.post("/api/chat").mock(return_value=httpx.Response(200, json=answer))
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}}}}
    result = await client.chat(
        "m", [Message(role="user", content="weather?", images=[b"img"]),
              {"role": "tool", "content": "sunny", "tool_name": "get_weather"}],
        tools=[tool], think=True, format="json", keep_alive=0, options={"num_ctx": 8192},
    )
    sent = sent_json(route)
    assert sent["messages"] == [
        {"role": "user", "content": "weather?", "images": [base64.b64encode(b"img").decode()]},
        {"role": "tool", "content": "sunny", "tool_name": "get_weather"},
    ]
    assert sent["tools"] == [tool] and sent["think"] is True and sent["stream"] is False
    assert sent["format"] == "json" and sent["keep_alive"] == 0
    assert isinstance(result, ChatResponse)
    [call] = result.message.tool_calls
    assert call.id == "call_ab12cd34"
    assert (call.function.name, call.function.arguments) == ("get_weather", {"city": "Oslo"})
    assert result.message.thinking == "hmm"


async def test_embed(ollama, client):
    route = ollama.post("/api/embed").mock(return_value=httpx.Response(
        200, json={"model": "e", "embeddings": [[0.6, 0.8]], "prompt_eval_count": 3}))
    result = await client.embed("e", ["hello"], dimensions=2, truncate=False)
    assert sent_json(route) == {"model": "e", "input": ["hello"], "dimensions": 2,
                                "truncate": False}
    assert isinstance(result, EmbedResponse) and result.embeddings == [[0.6, 0.8]]
    assert client.metrics.last.prompt_tokens == 3 and not client.metrics.last.estimated


async def test_embed_legacy_calls_embeddings_once_per_text(ollama, client):
    route = ollama.post("/api/embeddings").mock(
        return_value=httpx.Response(200, json={"embedding": [1.5, 2.5]}))
    result = await client.embed("e", ["a", "b"], legacy=True)
    assert route.call_count == 2
    assert sent_json(route) == {"model": "e", "prompt": "b"}
    assert result.embeddings == [[1.5, 2.5], [1.5, 2.5]]


async def test_load_and_unload(ollama, client):
    route = ollama.post("/api/generate").mock(side_effect=[
        httpx.Response(200, json={"model": "m", "created_at": "t", "response": "",
                                  "done": True, "done_reason": "load"}),
        httpx.Response(200, json={"model": "m", "created_at": "t", "response": "",
                                  "done": True, "done_reason": "unload"}),
    ])
    await client.load("m", keep_alive="10m")
    assert sent_json(route) == {"model": "m", "prompt": "", "stream": False, "keep_alive": "10m"}
    await client.unload("m")
    assert sent_json(route) == {"model": "m", "prompt": "", "stream": False, "keep_alive": 0}


async def test_load_an_embedding_model_goes_through_embed(ollama, client):
    ollama.post("/api/generate").mock(return_value=httpx.Response(
        400, json={"error": '"nomic-embed-text" does not support generate'}))
    embed = ollama.post("/api/embed").mock(
        return_value=httpx.Response(200, json={"model": "nomic-embed-text", "embeddings": []}))
    await client.load("nomic-embed-text")
    assert sent_json(embed) == {"model": "nomic-embed-text", "input": []}


async def test_malformed_json_answer_is_a_protocol_error(ollama, client):
    ollama.get("/api/tags").mock(return_value=httpx.Response(200, text="not json"))
    with pytest.raises(ProtocolError, match="Unexpected answer from /api/tags: not json"):
        await client.list_models()


async def test_one_pooled_http_client_is_reused(ollama, client):
    ollama.get("/api/version").mock(return_value=httpx.Response(200, json={"version": "1"}))
    http = client._http
    for _ in range(3):
        await client.version()
    assert client._http is http
    await client.aclose()
    assert http.is_closed


def test_user_agent_and_accept_headers():
    from ollama_ls.client import OllamaClient

    headers = OllamaClient()._http.headers
    assert headers["user-agent"].startswith("ollama-ls/")
    assert "application/x-ndjson" in headers["accept"]
