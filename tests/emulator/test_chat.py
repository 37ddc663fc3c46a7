"""/api/chat: message shape, thinking, tools, load/unload and errors."""

import base64

import pytest
from emulator_helpers import keys, ndjson

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object", "required": ["city", "days"], "properties": {
        "city": {"type": "string"}, "days": {"type": "integer"}}}}}
FINAL_KEYS = ["model", "created_at", "message", "done", "done_reason", "total_duration",
              "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count",
              "eval_duration"]


def chat(http, model, content="Hello", **body):
    return http.post("/api/chat", json={"model": model,
                                        "messages": [{"role": "user", "content": content}], **body})


def test_chat_chunks_and_final(http):
    chunks = ndjson(chat(http, "llama3.2"))
    assert keys(chunks[0]) == ["model", "created_at", "message", "done"]
    assert chunks[0]["message"] == {"role": "assistant", "content": chunks[0]["message"]["content"]}
    final = chunks[-1]
    assert keys(final) == FINAL_KEYS
    assert final["message"] == {"role": "assistant", "content": ""}
    assert "context" not in final


def test_chat_answers_like_generate_for_the_same_prompt(http):
    text = chat(http, "llama3.2", "same", stream=False).json()["message"]["content"]
    generated = http.post("/api/generate", json={"model": "llama3.2", "prompt": "same",
                                                 "stream": False}).json()["response"]
    assert text == generated


def test_non_stream_chat(http):
    response = chat(http, "llama3.2", stream=False)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert keys(body) == FINAL_KEYS
    assert body["message"]["content"].endswith(".")


def test_roles_are_lower_cased_and_recorded(http, emulator):
    http.post("/api/chat", json={"model": "llama3.2", "stream": False,
                                 "messages": [{"role": "USER", "content": "hi"}]})
    assert emulator.last_request("/api/chat").body["messages"][0]["role"] == "USER"


def test_thinking_in_message(http):
    chunks = ndjson(chat(http, "deepseek-r1:8b"))
    assert chunks[0]["message"] == {"role": "assistant", "content": "",
                                    "thinking": chunks[0]["message"]["thinking"]}
    body = chat(http, "deepseek-r1:8b", stream=False).json()
    assert keys(body["message"]) == ["role", "content", "thinking"]


def test_tools_model_calls_the_tool(http):
    chunks = ndjson(chat(http, "llama3.2", "Weather in Paris?", tools=[WEATHER_TOOL]))
    calls = [c for c in chunks if c["message"].get("tool_calls")]
    assert len(calls) == 1 and not calls[0]["done"]
    call = calls[0]["message"]["tool_calls"][0]
    assert call["id"].startswith("call_") and len(call["id"]) == 13
    assert call["function"]["index"] == 0
    assert call["function"]["name"] == "get_weather"
    assert keys(call["function"]["arguments"]) == ["city", "days"]
    assert calls[0]["message"]["content"] == ""


def test_non_stream_tool_calls_are_collected(http):
    body = chat(http, "llama3.2", "Weather?", tools=[WEATHER_TOOL], stream=False).json()
    assert body["message"]["tool_calls"][0]["function"]["name"] == "get_weather"


def test_after_a_tool_result_the_model_answers(http):
    messages = [{"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": "", "tool_calls": [
                    {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                {"role": "tool", "content": "sunny", "tool_name": "get_weather"}]
    body = http.post("/api/chat", json={"model": "llama3.2", "messages": messages,
                                        "tools": [WEATHER_TOOL], "stream": False}).json()
    assert "tool_calls" not in body["message"] and body["message"]["content"]


def test_empty_tools_list_is_no_tools(http):
    assert chat(http, "llama3:8b", tools=[], stream=False).status_code == 200


def test_tools_on_a_model_without_tools(http):
    response = chat(http, "llama3:8b", tools=[WEATHER_TOOL])
    assert (response.status_code, response.json()) == (
        400, {"error": "registry.ollama.ai/library/llama3:8b does not support tools"})


def test_images_in_messages_need_vision(http):
    image = base64.b64encode(b"img").decode()
    messages = [{"role": "user", "content": "what is it?", "images": [image]}]
    ok = http.post("/api/chat", json={"model": "llava:7b", "messages": messages, "stream": False})
    assert ok.status_code == 200
    refused = http.post("/api/chat", json={"model": "llama3:8b", "messages": messages})
    assert refused.json() == {"error": "registry.ollama.ai/library/llama3:8b does not support vision"}


def test_load_and_unload_with_empty_messages(http, emulator):
    emulator.state.running.clear()
    load = http.post("/api/chat", json={"model": "llama3:8b", "messages": []}).json()
    assert load["message"] == {"role": "assistant", "content": ""}
    assert (load["done"], load["done_reason"]) == (True, "load")
    assert [m["name"] for m in http.get("/api/ps").json()["models"]] == ["llama3:8b"]
    unload = http.post("/api/chat", json={"model": "llama3:8b", "keep_alive": 0}).json()
    assert unload["done_reason"] == "unload"
    assert http.get("/api/ps").json()["models"] == []


@pytest.mark.parametrize("body,status,error", [
    ({"messages": []}, 400, "model is required"),
    ({"model": "bad name"}, 400, "invalid model name"),
    ({"model": "llama3"}, 404, "model 'llama3' not found"),
    ({"model": "nomic-embed-text", "messages": [{"role": "user", "content": "x"}]}, 400,
     '"nomic-embed-text" does not support chat'),
    ({"model": "llama3.2", "think": True, "messages": [{"role": "user", "content": "x"}]}, 400,
     '"llama3.2" does not support thinking'),
    ({"model": "llama3.2", "messages": "hi"}, 400,
     "json: cannot unmarshal string into Go struct field ChatRequest.messages of type []api.Message"),
])
def test_chat_errors(http, body, status, error):
    response = http.post("/api/chat", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})
