"""The fault matrix: every emulator fault against every feature, over real LSP (stdio, a
server subprocess, the emulator on a socket). Each request must be answered (a result or a
clean error, never -32603 or silence) and the server must live on."""

from __future__ import annotations

import time

import pytest

from tests.reliability.rawlsp import RawServer

URI = "file:///tmp/faults/config.yaml"
TEXT = "model: llama3.2\nother: \n"
POSITION_ON_NAME = {"line": 0, "character": 9}

FAULTS = ["refuse", "hang", "die", "malformed", "502", "401", "503", "restart"]


def _apply(emulator, fault: str) -> None:
    faults = emulator.faults
    if fault == "refuse":
        faults.refuse_connections()
    elif fault == "hang":
        faults.hang()
    elif fault == "die":
        faults.die(after_chunks=0)
    elif fault == "malformed":
        faults.malformed_line(after_chunks=1)
    elif fault == "502":
        faults.proxy_502()
    elif fault == "401":
        faults.unauthorized()
    elif fault == "503":
        faults.busy()
    elif fault == "restart":
        emulator.restart()


OPERATIONS = {
    "status": ("ollama/status", {"force": True}),
    "completion": ("textDocument/completion",
                   {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 7}}),
    "hover": ("textDocument/hover", {"textDocument": {"uri": URI}, "position": POSITION_ON_NAME}),
    "generate": ("workspace/executeCommand",
                 {"command": "ollama.generate",
                  "arguments": [{"uri": URI, "position": {"line": 1, "character": 7},
                                 "model": "llama3.2"}]}),
    "ghost text": ("textDocument/inlineCompletion",
                   {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 7},
                    "context": {"triggerKind": 1}}),
    "pull": ("workspace/executeCommand",
             {"command": "ollama.pull", "arguments": [{"model": "qwen2.5:0.5b"}]}),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_every_feature_answers_under_every_fault(emulator, fault):
    capabilities = {"textDocument": {"inlineCompletion": {}},
                    "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}},
                    "window": {"workDoneProgress": True}}
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": emulator.base_url, "healthCheckInterval": 5,
                                   "timeout": 1, "firstTokenTimeout": 1,
                                   "inlineCompletion": {"enable": True,
                                                                      "debounceMs": 0}}},
                       capabilities)
        raw.open(URI, TEXT)
        raw.drain(0.3)
        _apply(emulator, fault)
        answers = {}
        for name, (method, params) in OPERATIONS.items():
            started = time.monotonic()
            if fault == "hang" and name == "pull":
                # A pull waits up to 10 minutes between chunks (a registry can be slow): the
                # user cancels it, and the cancel must be answered.
                msg_id = raw.request(method, params)
                raw.drain(2.0)
                raw.notify("$/cancelRequest", {"id": msg_id})
                answer = raw.response(msg_id, timeout=10)
            else:
                answer = raw.call(method, params, timeout=20)
            answers[name] = (answer, time.monotonic() - started)
        emulator.faults.clear()
        emulator.faults.accept_connections()
        assert raw.alive()
        # and once the fault is gone, the server works again
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            status = raw.call("ollama/status", {"force": True})
            if status and status.get("result", {}).get("reachable"):
                break
            time.sleep(0.3)
        else:
            pytest.fail("not reachable again after the fault was cleared")
        shown = [n["params"]["message"] for n in raw.notifications("window/showMessage")]
    for name, (answer, took) in answers.items():
        assert answer is not None, f"{name} under {fault}: no answer in {took:.1f} s"
        code = answer.get("error", {}).get("code")
        assert code != -32603, f"{name} under {fault}: internal error {answer['error']}"
    assert not any("Error in server" in m for m in shown), shown
    assert b"Traceback" not in raw.stderr, raw.stderr.decode()[-2000:]
