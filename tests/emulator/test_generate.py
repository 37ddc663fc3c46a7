"""/api/generate: streaming shape, metrics, determinism, capabilities, load/unload, errors."""

import base64
import re
import time

import pytest
from emulator_helpers import keys, ndjson

CREATED_AT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"
FINAL_KEYS = ["model", "created_at", "response", "done", "done_reason", "context",
              "total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration",
              "eval_count", "eval_duration"]


def generate(http, **body):
    return http.post("/api/generate", json=body)


def test_stream_is_the_default(http):
    response = generate(http, model="llama3.2", prompt="Why is the sky blue?")
    assert response.headers["content-type"] == "application/x-ndjson"
    chunks = ndjson(response)
    assert all(keys(c) == ["model", "created_at", "response", "done"] for c in chunks[:-1])
    assert all(re.fullmatch(CREATED_AT, c["created_at"]) for c in chunks)
    assert chunks[0]["model"] == "llama3.2"
    final = chunks[-1]
    assert keys(final) == FINAL_KEYS
    assert (final["done"], final["done_reason"], final["response"]) == (True, "stop", "")
    assert final["eval_count"] == len(chunks) - 1


def test_null_stream_means_stream(http):
    response = http.post("/api/generate", content=b'{"model":"llama3.2","prompt":"hi","stream":null}')
    assert response.headers["content-type"] == "application/x-ndjson"


def test_text_is_deterministic_and_depends_on_the_prompt(http):
    first = generate(http, model="llama3.2", prompt="a", stream=False).json()["response"]
    again = generate(http, model="llama3.2", prompt="a", stream=False).json()["response"]
    other = generate(http, model="llama3.2", prompt="b", stream=False).json()["response"]
    assert first == again != other
    assert first.endswith(".")


def test_non_stream_is_one_object_with_the_whole_text(http):
    streamed = "".join(c["response"] for c in ndjson(generate(http, model="llama3.2", prompt="x")))
    response = generate(http, model="llama3.2", prompt="x", stream=False)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert keys(body) == FINAL_KEYS
    assert body["response"] == streamed


def test_metrics_follow_the_token_rate(http, emulator):
    emulator.token_rate = 100.0
    emulator.set_response(["a", " b", " c", " d", " e"])
    started = time.monotonic()
    body = generate(http, model="llama3.2", prompt="x", stream=False).json()
    elapsed = time.monotonic() - started
    assert body["eval_count"] == 5
    assert body["eval_duration"] == 50_000_000
    assert elapsed >= 0.05
    assert body["total_duration"] >= body["eval_duration"] + body["prompt_eval_duration"]
    assert body["load_duration"] > 0


def test_rate_can_change_mid_stream(http, emulator):
    emulator.token_rate = 20.0
    emulator.set_response(["t"] * 40)
    started = time.monotonic()
    with http.stream("POST", "/api/generate", json={"model": "llama3.2", "prompt": "x"}) as r:
        lines = r.iter_lines()
        next(lines)
        emulator.token_rate = 10_000.0
        rest = list(lines)
    assert len(rest) == 40
    assert time.monotonic() - started < 1.0


def test_set_response_text_and_tokens(http, emulator):
    emulator.set_response("Hello there, world.")
    chunks = ndjson(generate(http, model="llama3.2", prompt="x"))
    assert [c["response"] for c in chunks[:-1]] == ["Hello", " there", ",", " world", "."]
    emulator.set_response(["He", "llo"])
    assert generate(http, model="llama3.2", prompt="x", stream=False).json()["response"] == "Hello"
    emulator.set_response(None)
    assert generate(http, model="llama3.2", prompt="x", stream=False).json()["response"] != "Hello"


def test_num_predict_stops_with_length(http, emulator):
    emulator.set_response(["a", " b", " c", " d"])
    body = generate(http, model="llama3.2", prompt="x", stream=False,
                    options={"num_predict": 2}).json()
    assert (body["response"], body["done_reason"], body["eval_count"]) == ("a b", "length", 2)


def test_context_holds_prompt_and_answer_tokens_but_not_in_raw_mode(http):
    body = generate(http, model="llama3.2", prompt="x", stream=False).json()
    assert body["context"] and all(isinstance(t, int) for t in body["context"])
    raw = generate(http, model="llama3.2", prompt="x", stream=False, raw=True).json()
    assert "context" not in raw


def test_output_is_go_escaped(http, emulator):
    emulator.set_response(["<b>", "&"])
    assert '"response":"\\u003cb\\u003e"' in generate(http, model="llama3.2", prompt="x").text


def test_suffix_needs_insert(http):
    ok = generate(http, model="qwen2.5-coder:1.5b", prompt="def f(", suffix="    return x",
                  stream=False)
    assert ok.status_code == 200
    refused = generate(http, model="llama3.2", prompt="def f(", suffix="x")
    assert (refused.status_code, refused.json()) == (
        400, {"error": "registry.ollama.ai/library/llama3.2:latest does not support insert"})


def test_suffix_changes_the_answer(http):
    a = generate(http, model="qwen2.5-coder:1.5b", prompt="p", suffix="s1", stream=False).json()
    b = generate(http, model="qwen2.5-coder:1.5b", prompt="p", suffix="s2", stream=False).json()
    assert a["response"] != b["response"]


def test_thinking_models_think_by_default_first(http):
    chunks = ndjson(generate(http, model="deepseek-r1:8b", prompt="x"))
    thinking = [c for c in chunks if c.get("thinking")]
    assert thinking and chunks[0].get("thinking")
    assert keys(thinking[0]) == ["model", "created_at", "response", "thinking", "done"]
    first_answer = next(i for i, c in enumerate(chunks) if c["response"])
    assert all("thinking" not in c for c in chunks[first_answer:])


def test_think_false_turns_thinking_off(http):
    body = generate(http, model="deepseek-r1:8b", prompt="x", think=False, stream=False).json()
    assert "thinking" not in body and body["response"]


def test_non_stream_thinking_is_concatenated(http):
    body = generate(http, model="deepseek-r1:8b", prompt="x", think="high", stream=False).json()
    assert body["thinking"].startswith("Okay, the user asks about")


@pytest.mark.parametrize("think,error", [
    (True, '"llama3.2" does not support thinking'),
    ("low", '"llama3.2" does not support thinking'),
    ("maybe", 'invalid think value: "maybe" (must be "high", "medium", "low", "max", true, or false)'),
    (3, 'think must be a boolean or string ("high", "medium", "low", "max", true, or false)'),
])
def test_think_errors(http, think, error):
    response = generate(http, model="llama3.2", prompt="x", think=think)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_think_false_is_fine_on_any_model(http):
    assert generate(http, model="llama3.2", prompt="x", think=False, stream=False).status_code == 200


def test_images_need_vision(http):
    image = base64.b64encode(b"\x89PNG fake").decode()
    assert generate(http, model="llava:7b", prompt="x", images=[image], stream=False).status_code == 200
    response = generate(http, model="llama3.2", prompt="x", images=[image])
    assert response.json() == {"error": "registry.ollama.ai/library/llama3.2:latest does not support vision"}


def test_bad_base64_image(http):
    response = generate(http, model="llava:7b", prompt="x", images=["not base64!"])
    assert response.status_code == 400
    assert response.json()["error"].startswith("illegal base64 data at input byte")


def test_format_json_gives_json(http):
    import json
    body = generate(http, model="llama3.2", prompt="x", format="json", stream=False).json()
    assert isinstance(json.loads(body["response"]), dict)
    schema = {"type": "object", "properties": {"age": {"type": "integer"}, "name": {"type": "string"}}}
    body = generate(http, model="llama3.2", prompt="x", format=schema, stream=False).json()
    assert keys(json.loads(body["response"])) == ["age", "name"]


def test_bad_format_is_a_runner_error(http):
    response = generate(http, model="llama3.2", prompt="x", format="xml")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"].startswith("invalid format:")


def test_logprobs(http):
    chunks = ndjson(generate(http, model="llama3.2", prompt="x", logprobs=True, top_logprobs=2))
    entry = chunks[0]["logprobs"][0]
    assert entry["token"] == chunks[0]["response"]
    assert len(entry["top_logprobs"]) == 2


def test_load_and_unload(http, emulator):
    emulator.state.running.clear()
    load = generate(http, model="llama3:8b", prompt="")
    assert load.headers["content-type"] == "application/json; charset=utf-8"
    assert keys(load.json()) == ["model", "created_at", "response", "done", "done_reason"]
    assert load.json()["done_reason"] == "load"
    assert [m["name"] for m in http.get("/api/ps").json()["models"]] == ["llama3:8b"]
    unload = generate(http, model="llama3:8b", prompt="", keep_alive=0)
    assert unload.json()["done_reason"] == "unload"
    assert http.get("/api/ps").json()["models"] == []


def test_unload_happens_before_capability_checks(http):
    response = generate(http, model="nomic-embed-text", prompt="", keep_alive=0)
    assert response.json()["done_reason"] == "unload"


def test_generating_marks_the_model_loaded_until_keep_alive(http, emulator):
    emulator.state.running.clear()
    generate(http, model="llama3:8b", prompt="x", keep_alive="1h", stream=False)
    running = emulator.state.running_models()
    assert [r.model.display_name for r in running] == ["llama3:8b"]
    assert running[0].expires_ns - time.time_ns() > 3500 * 1e9


def test_keep_alive_zero_unloads_after_answering(http, emulator):
    generate(http, model="llama3.2", prompt="x", keep_alive=0, stream=False)
    assert http.get("/api/ps").json()["models"] == []


def test_negative_keep_alive_is_forever(http, emulator):
    emulator.state.running.clear()
    generate(http, model="llama3:8b", prompt="", keep_alive=-1)
    assert http.get("/api/ps").json()["models"][0]["expires_at"].startswith("23")


def test_num_ctx_shows_in_ps(http):
    generate(http, model="llama3:8b", prompt="", options={"num_ctx": 2048})
    models = {m["name"]: m for m in http.get("/api/ps").json()["models"]}
    assert models["llama3:8b"]["context_length"] == 2048


@pytest.mark.parametrize("keep_alive,error", [
    ("300", 'time: missing unit in duration "300"'),
    ("5x", 'time: unknown unit "x" in duration "5x"'),
    ("abc", 'time: invalid duration "abc"'),
    (True, "Unsupported type: 'bool'"),
])
def test_bad_keep_alive(http, keep_alive, error):
    response = generate(http, model="llama3.2", prompt="x", keep_alive=keep_alive)
    assert (response.status_code, response.json()) == (400, {"error": error})


@pytest.mark.parametrize("keep_alive", ["5m", "1h30m", "0.5s", "-1m", 42, 42.5, "0"])
def test_good_keep_alive(http, keep_alive):
    assert generate(http, model="llama3.2", prompt="", keep_alive=keep_alive).status_code == 200


@pytest.mark.parametrize("body,status,error", [
    ({"prompt": "x"}, 404, "model '' not found"),
    ({"model": "  ", "prompt": "x"}, 404, "model '' not found"),
    ({"model": "mm:", "prompt": "x"}, 400, "invalid model name"),
    ({"model": "llama3", "prompt": "x"}, 404, "model 'llama3' not found"),
    ({"model": "nomic-embed-text", "prompt": "x"}, 400, '"nomic-embed-text" does not support generate'),
    ({"model": "llama3.2", "prompt": "x", "top_logprobs": 21}, 400, "top_logprobs must be between 0 and 20"),
    ({"model": "llama3.2", "prompt": "x", "raw": True, "system": "s"}, 400,
     "raw mode does not support template, system, or context"),
    ({"model": "llama3.2:cloud", "prompt": "x"}, 403,
     "ollama cloud is disabled: remote model is unavailable"),
])
def test_generate_errors(http, body, status, error):
    response = http.post("/api/generate", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_local_suffix_and_case_resolve(http):
    assert generate(http, model="LLAMA3.2:local", prompt="x", stream=False).status_code == 200


@pytest.mark.parametrize("options,error", [
    ({"num_ctx": "big"}, 'option "num_ctx" must be of type integer'),
    ({"temperature": "hot"}, 'option "temperature" must be of type float32'),
    ({"use_mmap": 1}, 'option "use_mmap" must be of type boolean'),
    ({"stop": "\n"}, 'option "stop" must be of type array'),
    ({"stop": [1]}, 'option "stop" must be of an array of strings'),
])
def test_option_type_errors_are_500(http, options, error):
    response = generate(http, model="llama3.2", prompt="x", options=options)
    assert (response.status_code, response.json()) == (500, {"error": error})


def test_unknown_options_and_float_ints_are_accepted(http):
    response = generate(http, model="llama3.2", prompt="x", stream=False,
                        options={"numa": True, "mirostat": 2, "num_predict": 3.0, "seed": None})
    assert response.status_code == 200
