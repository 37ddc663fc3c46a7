"""The official `ollama` Python client against the emulator: every call parses into its models."""

import ollama
import pytest

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object", "required": ["city"],
                   "properties": {"city": {"type": "string", "description": "City"}}}}}


@pytest.fixture
def client(emulator):
    emulator.set_rate(token_rate=5000.0)
    return ollama.Client(host=emulator.base_url)


def test_list_show_ps(client):
    listed = client.list()
    assert isinstance(listed, ollama.ListResponse)
    first = listed.models[0]
    assert first.model == "llama3.2:latest" and first.modified_at.tzinfo is not None
    assert first.details.parameter_size == "3.2B" and first.size > 0
    show = client.show("llama3.2")
    assert isinstance(show, ollama.ShowResponse)
    assert show.capabilities == ["completion", "tools"]
    assert show.modelinfo["llama.context_length"] == 131_072
    assert show.modified_at is not None and show.template and show.modelfile
    running = client.ps()
    assert isinstance(running, ollama.ProcessResponse)
    assert running.models[0].name == "llama3.2:latest"
    assert running.models[0].expires_at is not None and running.models[0].context_length == 4096


def test_version_through_the_clients_http_session(client):
    # ollama-python 0.6 has no version() method; read it through its own httpx client.
    assert client._client.get("/api/version").json() == {"version": "0.33.0"}


def test_pull_stream_and_not(client):
    progress = list(client.pull("tinyllama", stream=True))
    assert all(isinstance(p, ollama.ProgressResponse) for p in progress)
    assert progress[0].status == "pulling manifest" and progress[-1].status == "success"
    assert any(p.completed for p in progress if p.digest)
    assert client.pull("phi3:mini").status == "success"
    assert {"tinyllama:latest", "phi3:mini"} <= {m.model for m in client.list().models}


def test_generate_stream_and_not(client):
    whole = client.generate("llama3.2", "Why?")
    assert isinstance(whole, ollama.GenerateResponse)
    assert whole.done and whole.done_reason == "stop" and whole.eval_count > 0
    assert whole.context
    parts = list(client.generate("llama3.2", "Why?", stream=True))
    assert "".join(p.response for p in parts) == whole.response
    assert parts[-1].eval_duration > 0


def test_generate_with_thinking_and_fill_in_the_middle(client):
    thought = client.generate("deepseek-r1:8b", "Why?", think=True)
    assert thought.thinking and thought.response
    filled = client.generate("qwen2.5-coder:1.5b", "def add(a, b):", suffix="    return c")
    assert filled.response


def test_chat_with_tools(client):
    response = client.chat("llama3.2", messages=[{"role": "user", "content": "Weather in Oslo?"}],
                           tools=[WEATHER_TOOL])
    assert isinstance(response, ollama.ChatResponse)
    call = response.message.tool_calls[0]
    assert call.function.name == "get_weather" and "city" in call.function.arguments
    follow_up = client.chat("llama3.2", tools=[WEATHER_TOOL], messages=[
        {"role": "user", "content": "Weather in Oslo?"}, response.message,
        {"role": "tool", "content": "cold", "tool_name": "get_weather"}])
    assert follow_up.message.content and not follow_up.message.tool_calls


def test_chat_stream_with_thinking(client):
    parts = list(client.chat("deepseek-r1:8b", messages=[{"role": "user", "content": "hi"}],
                             stream=True))
    assert parts[0].message.thinking and parts[-1].done


def test_embed_and_embeddings(client):
    embedded = client.embed("nomic-embed-text", ["a", "b"], dimensions=16)
    assert isinstance(embedded, ollama.EmbedResponse)
    assert [len(v) for v in embedded.embeddings] == [16, 16]
    legacy = client.embeddings("nomic-embed-text", "a")
    assert isinstance(legacy, ollama.EmbeddingsResponse) and len(legacy.embedding) == 384


def test_copy_and_delete(client):
    assert client.copy("llama3.2", "mine:v1").status == "success"
    assert "mine:v1" in {m.model for m in client.list().models}
    assert client.delete("mine:v1").status == "success"
    assert "mine:v1" not in {m.model for m in client.list().models}


@pytest.mark.parametrize("call,status,error", [
    (lambda c: c.show("llama3"), 404, "model 'llama3:latest' not found"),
    (lambda c: c.generate("llama3", "x"), 404, "model 'llama3' not found"),
    (lambda c: c.chat("llama3:8b", messages=[{"role": "user", "content": "x"}],
                      tools=[WEATHER_TOOL]),
     400, "registry.ollama.ai/library/llama3:8b does not support tools"),
    (lambda c: c.generate("llama3.2", "x", think=True), 400, '"llama3.2" does not support thinking'),
    (lambda c: c.embed("ghost", "x"), 404, 'model "ghost" not found, try pulling it first'),
    (lambda c: c.pull("ghost"), 500, "pull model manifest: file does not exist"),
    (lambda c: c.generate("llama3.2", "x", keep_alive="300"), 400,
     'time: missing unit in duration "300"'),
    (lambda c: c.delete("ghost"), 404, "model 'ghost' not found"),
])
def test_errors_raise_response_error(client, call, status, error):
    with pytest.raises(ollama.ResponseError) as raised:
        call(client)
    assert (raised.value.status_code, raised.value.error) == (status, error)


def test_stream_error_line_raises(client, emulator):
    with pytest.raises(ollama.ResponseError) as raised:
        list(client.pull("ghost", stream=True))
    assert raised.value.error == "pull model manifest: file does not exist"
    emulator.faults.error_line(after_chunks=2, message="runner crashed")
    with pytest.raises(ollama.ResponseError, match="runner crashed"):
        list(client.generate("llama3.2", "x", stream=True))


def test_api_key_header_reaches_the_server(emulator):
    emulator.require_auth("k1")
    client = ollama.Client(host=emulator.base_url, headers={"Authorization": "Bearer k1"})
    assert client.list().models
    assert emulator.last_request("/api/tags").header("authorization") == "Bearer k1"
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=emulator.base_url).list()
    assert (raised.value.status_code, raised.value.error) == (401, "unauthorized")


def test_connection_refused_is_a_connection_error(emulator):
    emulator.faults.refuse_connections()
    with pytest.raises(ConnectionError):
        ollama.Client(host=emulator.base_url).list()


async def test_async_client(emulator):
    emulator.set_rate(token_rate=5000.0)
    client = ollama.AsyncClient(host=emulator.base_url)
    assert (await client.list()).models
    assert (await client.show("llava:7b")).capabilities == ["completion", "vision"]
    assert (await client.ps()).models
    parts = [p async for p in await client.generate("llama3.2", "hi", stream=True)]
    assert parts[-1].done
    chat = await client.chat("llama3.2", messages=[{"role": "user", "content": "w?"}],
                             tools=[WEATHER_TOOL])
    assert chat.message.tool_calls
    assert len((await client.embed("nomic-embed-text", "x")).embeddings[0]) == 384
    assert (await client.embeddings("nomic-embed-text", "x")).embedding
    progress = [p async for p in await client.pull("tinyllama", stream=True)]
    assert progress[-1].status == "success"
    assert (await client.pull("phi3:mini")).status == "success"
    assert (await client.copy("tinyllama", "t2")).status == "success"
    assert (await client.delete("t2")).status == "success"
    with pytest.raises(ollama.ResponseError) as raised:
        await client.show("nope")
    assert raised.value.status_code == 404
