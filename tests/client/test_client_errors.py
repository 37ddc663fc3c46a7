"""Every error string Ollama sends (ollama-api.md §3/§4) maps to the right error class."""

import json

import httpx
import pytest

from clienthelp import BASE, client, ollama  # noqa: F401  (fixtures)
from ollama_ls.client import (
    CapabilityUnsupported,
    CloudModelUnavailable,
    ContextWindowExceeded,
    InvalidModelName,
    InvalidRequest,
    ModelNotFound,
    OllamaError,
    ProtocolError,
    PullFailed,
    RequestCanceled,
    ServerBusy,
    ServerError,
    Unauthorized,
    error_from_response,
)

# (endpoint, HTTP status, Ollama's error text, expected class, text the suggestion must hold)
TABLE = [
    # missing / empty model
    ("/api/generate", 404, "model '' not found", InvalidModelName, "Set a model name"),
    ("/api/embed", 404, "model '' not found", InvalidModelName, "Set a model name"),
    ("/api/chat", 400, "model is required", InvalidModelName, "Set a model name"),
    ("/api/embeddings", 400, "model is required", InvalidModelName, "Set a model name"),
    ("/api/show", 400, "model is required", InvalidModelName, "Set a model name"),
    ("/api/delete", 400, "model is required", InvalidModelName, "Set a model name"),
    ("/api/copy", 400, 'source "" is invalid', InvalidModelName, "Set a model name"),
    # invalid names
    ("/api/generate", 400, "invalid model name", InvalidModelName, "llama3.2:3b"),
    ("/api/chat", 400, "invalid model name", InvalidModelName, "llama3.2:3b"),
    ("/api/embed", 400, "invalid model name", InvalidModelName, "llama3.2:3b"),
    ("/api/show", 400, "invalid model name", InvalidModelName, "llama3.2:3b"),
    ("/api/pull", 400, "invalid model name", InvalidModelName, "llama3.2:3b"),
    ("/api/create", 400, "invalid model name", InvalidModelName, "llama3.2:3b"),
    ("/api/delete", 400, 'name "mo del" is invalid', InvalidModelName, "no spaces"),
    ("/api/copy", 400, 'source "a b" is invalid', InvalidModelName, "llama3.2:3b"),
    ("/api/copy", 400, 'destination "x y" is invalid', InvalidModelName, "llama3.2:3b"),
    ("/api/pull", 400, 'use either :local or :cloud, not both: "m:local:cloud"',
     InvalidModelName, ":local"),
    # not found, with ' and " quoting
    ("/api/generate", 404, "model 'llama3:8b' not found", ModelNotFound, "ollama pull llama3:8b"),
    ("/api/chat", 404, "model 'llama3:8b' not found", ModelNotFound, "ollama pull llama3:8b"),
    ("/api/embed", 404, 'model "nomic" not found, try pulling it first', ModelNotFound,
     "ollama pull nomic"),
    ("/api/embeddings", 404, 'model "nomic" not found, try pulling it first', ModelNotFound,
     "ollama pull nomic"),
    ("/api/show", 404, "model 'foo:latest' not found", ModelNotFound, "ollama pull foo:latest"),
    ("/api/delete", 404, "model 'foo' not found", ModelNotFound, "ollama pull foo"),
    ("/api/copy", 404, 'model "src" not found', ModelNotFound, "ollama pull src"),
    ("/api/generate", 404, 'model "m" not found, try pulling it first', ModelNotFound,
     "ollama pull m"),
    # capabilities, quoted and unquoted
    ("/api/generate", 400, '"nomic-embed-text" does not support generate',
     CapabilityUnsupported, "embedding model"),
    ("/api/chat", 400, '"nomic-embed-text" does not support chat', CapabilityUnsupported,
     "embedding model"),
    ("/api/generate", 400, "registry.ollama.ai/library/test:latest does not support insert",
     CapabilityUnsupported, "suffix"),
    ("/api/chat", 400, "registry.ollama.ai/library/foo:latest does not support tools",
     CapabilityUnsupported, "tool support"),
    ("/api/chat", 400, '"test" does not support thinking', CapabilityUnsupported, "think=False"),
    ("/api/generate", 400, '"test" does not support thinking', CapabilityUnsupported,
     "think=False"),
    ("/api/chat", 400, "registry.ollama.ai/library/foo:latest does not support vision",
     CapabilityUnsupported, "vision model"),
    ("/api/embed", 400, "registry.ollama.ai/library/foo:latest does not support embedding",
     CapabilityUnsupported, "embedding model"),
    ("/api/chat", 400, "registry.ollama.ai/library/foo:latest does not support audio",
     CapabilityUnsupported, "audio"),
    ("/api/chat", 400, "registry.ollama.ai/library/foo:latest does not support image generation",
     CapabilityUnsupported, "image generation"),
    ("/api/chat", 400, "registry.ollama.ai/library/foo:latest does not support tools\n"
     "registry.ollama.ai/library/foo:latest does not support vision",
     CapabilityUnsupported, "tool support"),
    ("/api/generate", 400, "image generation models are not currently supported",
     CapabilityUnsupported, "text model"),
    # context, busy, canceled
    ("/api/embed", 400, "the input length exceeds the context length", ContextWindowExceeded,
     "num_ctx"),
    ("/api/chat", 503, "server busy, please try again.  maximum pending requests exceeded",
     ServerBusy, "OLLAMA_MAX_QUEUE"),
    ("/api/generate", 503, "model is overloaded", ServerBusy, "retry"),
    ("/api/generate", 429, "rate limit exceeded", ServerBusy, "Rate limited"),
    ("/api/chat", 499, "request canceled", RequestCanceled, "stopped"),
    # parameters Ollama rejects
    ("/api/chat", 400, 'invalid think value: "huge" (must be "high", "medium", "low", "max", '
     "true, or false)", InvalidRequest, "think=False"),
    ("/api/generate", 400, 'think must be a boolean or string ("high", "medium", "low", "max", '
     "true, or false)", InvalidRequest, "think=True"),
    ("/api/generate", 400, "top_logprobs must be between 0 and 20", InvalidRequest, "0 and 20"),
    ("/api/generate", 400, 'time: missing unit in duration "300"', InvalidRequest, "keep_alive"),
    ("/api/chat", 400, 'time: invalid duration "soon"', InvalidRequest, "keep_alive"),
    ("/api/chat", 400, "Unsupported type: 'bool'", InvalidRequest, "keep_alive"),
    ("/api/generate", 500, 'option "num_ctx" must be of type integer', InvalidRequest,
     'option "num_ctx"'),
    ("/api/generate", 500, 'option "use_mmap" must be of type boolean', InvalidRequest,
     'option "use_mmap"'),
    ("/api/chat", 500, 'option "temperature" must be of type float32', InvalidRequest,
     "temperature"),
    ("/api/chat", 500, 'option "stop" must be of an array of strings', InvalidRequest,
     "list of strings"),
    ("/api/generate", 400, "raw mode does not support template, system, or context",
     InvalidRequest, "raw=True"),
    ("/api/generate", 500, 'invalid format: "yaml"; expected "json" or a valid JSON Schema object',
     InvalidRequest, 'format="json"'),
    ("/api/embed", 400, "invalid input type", InvalidRequest, "list of strings"),
    ("/api/chat", 400, "missing request body", InvalidRequest, "client bug"),
    ("/api/chat", 400, "json: cannot unmarshal string into Go struct field ChatRequest.messages",
     InvalidRequest, "parameters"),
    # cloud and auth
    ("/api/chat", 403, "ollama cloud is disabled: remote model is unavailable",
     CloudModelUnavailable, "local model"),
    ("/api/chat", 400, "this server cannot run this remote model", CloudModelUnavailable,
     "OLLAMA_REMOTES"),
    ("/api/tags", 401, "unauthorized", Unauthorized, "OLLAMA_API_KEY"),
    ("/api/tags", 403, "forbidden", Unauthorized, "API key"),
    # pull
    ("/api/pull", 500, "pull model manifest: file does not exist", PullFailed,
     "https://ollama.com/library"),
    ("/api/pull", 200, "pull model manifest: file does not exist", PullFailed,
     "https://ollama.com/library"),
    ("/api/pull", 200, "pull model manifest: 500: internal error", PullFailed, "Retry the pull"),
    ("/api/pull", 200, "unauthorized: access denied", PullFailed, "ollama signin"),
    ("/api/pull", 200, "insecure protocol http", PullFailed, "insecure=True"),
    ("/api/pull", 200, "max retries exceeded: EOF", PullFailed, "Retry the pull"),
    # everything else
    ("/api/generate", 500, "llama runner process has terminated: exit status 2", ServerError,
     "server log"),
    ("/api/generate", 200, "an error was encountered while running the model", ServerError,
     "server log"),
]


def _id(row):
    return f"{row[0]}-{row[1]}-{row[2][:40]}"


@pytest.mark.parametrize("row", TABLE, ids=_id)
def test_mapping_function(row):
    endpoint, status, message, expected, hint = row
    error = error_from_response(
        status, json.dumps({"error": message}), endpoint=endpoint,
        model=None, server=BASE,
    )
    assert type(error) is expected
    assert hint in error.suggestion
    assert error.ollama_message == message
    assert error.status == status
    assert error.server == BASE


@pytest.mark.parametrize("row", [r for r in TABLE if r[1] != 200], ids=_id)
async def test_every_string_through_the_client(row, ollama, client):
    """The same table, end to end: Ollama answers with the status and {"error": text}."""
    endpoint, status, message, expected, hint = row
    ollama.route().mock(return_value=httpx.Response(status, json={"error": message}))
    with pytest.raises(expected) as caught:
        await _call(client, endpoint)
    assert caught.value.ollama_message == message
    assert caught.value.status == status
    direct = error_from_response(status, json.dumps({"error": message}), endpoint=endpoint,
                                 model=caught.value.model, server=BASE)
    assert caught.value.suggestion == direct.suggestion


async def _call(client, endpoint):
    match endpoint:
        case "/api/generate":
            return await client.generate("m", "hi")
        case "/api/chat":
            return await client.chat("m", [{"role": "user", "content": "hi"}])
        case "/api/embed":
            return await client.embed("m", "hi")
        case "/api/embeddings":
            return await client.embed("m", "hi", legacy=True)
        case "/api/show":
            return await client.show("m")
        case "/api/delete":
            return await client.delete("m")
        case "/api/copy":
            return await client.copy("m", "n")
        case "/api/tags":
            return await client.list_models()
        case "/api/pull" | "/api/create":
            async with client.pull("m") as progress:
                return [p async for p in progress]
    raise AssertionError(endpoint)


def test_capability_and_model_are_extracted():
    go_quoted = json.dumps('qwen"x')  # Go's %q quotes like JSON for ASCII names
    body = json.dumps({"error": f"{go_quoted} does not support thinking"})
    error = error_from_response(400, body, endpoint="/api/chat")
    assert error.capability == "thinking"
    assert error.model == 'qwen"x'
    tools = error_from_response(
        400, '{"error":"registry.ollama.ai/library/foo:latest does not support tools"}',
        endpoint="/api/chat", model="foo",
    )
    assert tools.capability == "tools" and tools.model == "foo"
    body = json.dumps({"error": 'model "nomic" not found, try pulling it first'})
    missing = error_from_response(404, body, endpoint="/api/embed")
    assert missing.model == "nomic"


def test_forbidden_with_empty_body_is_the_host_check():
    error = error_from_response(403, "", endpoint="/api/tags", server="http://10.0.0.5:11434")
    assert isinstance(error, Unauthorized)
    assert "OLLAMA_ORIGINS" in error.suggestion and "OLLAMA_HOST=0.0.0.0" in error.suggestion


def test_signin_url_becomes_the_suggestion():
    body = '{"error":"unauthorized","signin_url":"https://ollama.com/connect?key=abc"}'
    error = error_from_response(401, body, endpoint="/api/chat")
    assert "https://ollama.com/connect?key=abc" in error.suggestion
    assert "ollama signin" in error.suggestion


def test_html_from_a_proxy_is_a_protocol_error():
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = error_from_response(502, page, endpoint="/api/chat", server=BASE)
    assert isinstance(error, ProtocolError)
    assert "502 Bad Gateway" in error.message and "proxy" in error.suggestion


def test_unknown_route_means_not_ollama_or_too_old():
    error = error_from_response(404, "404 page not found", endpoint="/api/embed")
    assert isinstance(error, ProtocolError)
    assert "update Ollama" in error.suggestion


def test_str_renders_message_model_server_and_suggestion_on_lines():
    error = error_from_response(
        404, '{"error":"model \'llama3:8b\' not found"}', endpoint="/api/chat",
        model="llama3:8b", server=BASE,
    )
    assert str(error).splitlines() == [
        "Model 'llama3:8b' is not installed on this Ollama server",
        "Model: llama3:8b",
        f"Server: {BASE}",
        "Run: ollama pull llama3:8b",
    ]


def test_server_never_shows_credentials():
    error = OllamaError("x", server="https://user:secret@example.com:443")
    assert "secret" not in str(error) and error.server == "https://example.com:443"
