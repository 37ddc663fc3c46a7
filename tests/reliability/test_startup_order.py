"""Issue 12 over the wire: the initializationOptions are applied after the `initialize` answer
is written (so it does not wait for them) but before any later message is handled. Everything
is written to the server's stdin at once, before it has even started, so it reads each message
as soon as it has answered the one before."""

from __future__ import annotations

import json

from tests.reliability.rawlsp import RawServer

DOC = "file:///project/agent.yaml"


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def burst(options: dict) -> bytes:
    """initialize, initialized, didOpen, then a completion and a status request, back to back."""
    return b"".join(frame(m) for m in [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {},
                    "initializationOptions": options}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": DOC, "languageId": "yaml", "version": 1,
                                     "text": "agent:\n  provider: ollama\n  brain: ll\n"}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion",
         "params": {"textDocument": {"uri": DOC}, "position": {"line": 2, "character": 11}}},
        {"jsonrpc": "2.0", "id": 3, "method": "ollama/status", "params": {}},
    ])


def test_requests_right_after_initialize_see_the_initialization_options(emulator):
    options = {"ollama": {"baseUrl": emulator.base_url, "modelKeys": ["brain"],
                          "healthCheckInterval": 30}}
    with RawServer() as raw:
        raw.write(burst(options))
        completion, status = raw.response(2, timeout=30), raw.response(3, timeout=30)
        assert raw.response(1) is not None
        answers = [f["id"] for f in raw.seen if "id" in f and "method" not in f]
        assert answers[0] == 1, answers  # initialize is answered first
        # `brain` is a model key only through the initializationOptions: a completion there
        # lists the emulator's models, and the status names the emulator, not the default.
        assert completion is not None and completion.get("result"), completion
        assert completion["result"]["items"], completion
        assert status is not None and status["result"]["baseUrl"] == emulator.base_url, status


def test_without_those_options_the_same_requests_answer_otherwise(emulator):
    """The control: the answers above do depend on the initializationOptions."""
    with RawServer(env={"OLLAMA_HOST": emulator.base_url}) as raw:
        raw.write(burst({"ollama": {"healthCheckInterval": 30}}))
        completion, status = raw.response(2, timeout=30), raw.response(3, timeout=30)
        assert completion is not None and completion.get("result") is None, completion
        assert status is not None and "result" in status, status
