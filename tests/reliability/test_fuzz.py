"""Hypothesis against one server subprocess: documents of every kind edited and queried at
random positions, and raw protocol messages (any JSON, any method, any params, bad framing).
Every request must be answered, never with -32603, and the server must outlive them all.

OLLAMA_LS_FUZZ_EXAMPLES sets the number of cases per property (default 1,000; the docs' figures
come from the default)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ollama_ls.emulator.server import Emulator
from tests.reliability.rawlsp import RawServer

EXAMPLES = int(os.environ.get("OLLAMA_LS_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))

KINDS = [("yaml", "config.yaml"), ("json", "config.json"), ("toml", "config.toml"),
         ("dotenv", ".env"), ("modelfile", "Modelfile"), ("python", "agent.py")]
PIECES = st.sampled_from([
    "model: ", "llama3.2", ":latest", "\n", "  ", "- ", "{", "}", "[", "]", '"', "'", ":", ",",
    "OLLAMA_MODEL=", "FROM ", "PARAMETER temperature 0.7\n", "[ollama]\n", "base_url = ",
    "ollama/", "qwen2.5:0.5b", "é", "😋", "\r\n", "\t", "#", "\x00", "&a", "*a", "!!str ",
    "models:\n  - ", "http://127.0.0.1:11434", "💥" * 3, "a" * 50,
])
DOCUMENT = st.lists(PIECES, max_size=60).map("".join)


@pytest.fixture(scope="module")
def server():
    emulator = Emulator().start()
    raw = RawServer()
    raw.initialize({"ollama": {"baseUrl": emulator.base_url, "healthCheckInterval": 5,
                               "diagnostics": {"debounceMs": 0}}},
                   {"textDocument": {"inlineCompletion": {}}})
    raw.counts = {"requests": 0, "answered": 0, "internal": 0}  # type: ignore[attr-defined]
    yield raw
    raw.close()
    emulator.stop()
    print(f"\nfuzz: {raw.counts}")  # type: ignore[attr-defined]
    if b"Traceback" in raw.stderr:
        i = raw.stderr.find(b"Traceback")
        print(raw.stderr[max(0, i - 600) : i + 3000].decode(errors="replace"))
    assert b"Traceback" not in raw.stderr, raw.stderr.decode()[-3000:]


def _ask(raw: RawServer, method: str, params) -> None:
    raw.counts["requests"] += 1  # type: ignore[attr-defined]
    answer = raw.call(method, params, timeout=20)
    assert answer is not None, f"{method} not answered"
    raw.counts["answered"] += 1  # type: ignore[attr-defined]
    if answer.get("error", {}).get("code") == -32603:
        raw.counts["internal"] += 1  # type: ignore[attr-defined]
        raise AssertionError(f"{method}: internal error {answer['error']}")


@pytest.mark.timeout(600)
@FUZZ
@given(kind=st.sampled_from(KINDS), text=DOCUMENT, edit=DOCUMENT,
       line=st.integers(0, 8), character=st.integers(0, 80))
def test_documents(server, kind, text, edit, line, character):
    language, name = kind
    uri = f"file:///tmp/fuzz/{abs(hash(text)) % 7}/{name}"
    server.open(uri, text, language)
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": line, "character": character},
                                      "end": {"line": line, "character": character + 1}},
                            "text": edit}],
    })
    position = {"line": line, "character": character}
    _ask(server, "textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
    _ask(server, "textDocument/completion", {"textDocument": {"uri": uri}, "position": position})
    _ask(server, "textDocument/codeAction", {
        "textDocument": {"uri": uri},
        "range": {"start": position, "end": position}, "context": {"diagnostics": []}})
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
METHODS = st.sampled_from([
    "textDocument/hover", "textDocument/completion", "textDocument/codeAction",
    "textDocument/inlineCompletion", "ollama/status", "ollama/models", "ollama/capabilities",
    "ollama/validateModelName", "ollama/defaultModel", "workspace/executeCommand",
    "textDocument/didOpen", "textDocument/didChange", "workspace/didChangeConfiguration",
    "$/cancelRequest", "nonexistent/method", "initialize", "",
])
POSITIONISH = st.fixed_dictionaries({
    "textDocument": st.one_of(st.just({"uri": "file:///tmp/fuzz/x.yaml"}), JSON),
    "position": st.one_of(st.fixed_dictionaries({"line": st.integers(-3, 5),
                                                 "character": st.integers(-3, 5)}), JSON),
})


@pytest.mark.timeout(600)
@FUZZ
@given(method=METHODS, params=st.one_of(JSON, POSITIONISH), as_request=st.booleans(),
       garbage=st.one_of(st.just(b""), st.binary(max_size=40)))
def test_raw_messages(server, method, params, as_request, garbage):
    if method in ("workspace/executeCommand",) and isinstance(params, dict):
        params = {**params, "command": "ollama.validate"}  # never start a real pull/generation
    if method == "workspace/didChangeConfiguration":
        params = {"settings": {"ollama": {"diagnostics": params}}}
    if garbage:
        server.write(garbage + b"\r\n")
    message = {"jsonrpc": "2.0", "method": method, "params": params}
    if as_request:
        server._next_id += 1
        message["id"] = server._next_id
        server.send(message)
        server.counts["requests"] += 1  # type: ignore[attr-defined]
        answer = server.response(message["id"], timeout=5)
        if answer is None:
            with open("/tmp/fuzz_unanswered.jsonl", "a") as out:
                out.write(json.dumps({"garbage": garbage.hex(), "message": message}) + "\n")
        assert answer is not None, f"{method} {json.dumps(params)[:200]} not answered"
        server.counts["answered"] += 1  # type: ignore[attr-defined]
        assert answer.get("error", {}).get("code") != -32603, (method, params, answer)
    else:
        server.send(message)
    # The server is still there and still answers.
    if server._next_id % 50 == 0:
        _ask(server, "ollama/validateModelName", {"name": "llama3.2"})
