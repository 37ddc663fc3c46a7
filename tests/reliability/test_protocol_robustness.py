"""Issue 13 item 6: garbage on the wire gets an error answer, never silence, a crash or a log
of the message; the server resynchronises after a framing error."""

from __future__ import annotations

import json

import pytest

from tests.reliability.rawlsp import RawServer

URI = "file:///tmp/reliability/config.yaml"


@pytest.fixture
def server(emulator):
    with RawServer() as raw:
        answer = raw.initialize({"ollama": {"baseUrl": emulator.base_url}})
        assert answer is not None and "result" in answer
        raw.open(URI, "model: llama3.2\n")
        yield raw


def error_code(answer):
    assert answer is not None, "no answer"
    return answer.get("error", {}).get("code")


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("textDocument/completion", {"textDocument": 5}),
        ("textDocument/completion", {"textDocument": {"uri": URI}, "position": "x"}),
        ("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}}),
        ("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 0.5, "character": 0}}),
        ("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": -3}}),
        ("ollama/capabilities", {"model": 12345}),
        ("ollama/validateModelName", {"name": ["x"]}),
        ("ollama/models", {"force": "yes"}),
    ],
)
def test_wrong_shaped_params_get_invalid_params(server, method, params):
    assert error_code(server.call(method, params)) == -32602
    # and the server still answers
    assert "result" in server.call("ollama/validateModelName", {"name": "llama3.2"})


@pytest.mark.parametrize("method", ["textDocument/completion", "textDocument/hover"])
def test_requests_on_an_unopened_document_answer_empty(server, method):
    params = {"textDocument": {"uri": "file:///nonexistent/x.yaml"},
              "position": {"line": 0, "character": 8}}
    answer = server.call(method, params)
    assert answer is not None and "error" not in answer and answer["result"] is None


def test_a_second_initialize_is_refused(server):
    answer = server.call("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert error_code(answer) == -32600


def test_a_non_2_0_message_is_refused_and_never_logged(server):
    secret = "sk-should-never-be-logged-123"
    server.send({"jsonrpc": "1.0", "id": 77, "method": "initialize",
                 "params": {"initializationOptions": {"apiKey": secret}}})
    server.send({"id": 78, "method": "ollama/status", "params": {"token": secret}})
    assert error_code(server.response(78)) == -32600
    assert "result" in server.call("ollama/validateModelName", {"name": "x"})
    server.close()
    assert secret.encode() not in server.stderr


def test_a_huge_content_length_is_skipped_and_the_server_resynchronises(server):
    server.write(b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":\"2.0\"}")
    answer = server.call("ollama/validateModelName", {"name": "llama3.2"})
    assert answer is not None and answer["result"]["isValid"]
    assert server.alive()
    assert b"MemoryError" not in server.stderr


@pytest.mark.parametrize(
    "garbage",
    [
        b"Content-Length: abc\r\n\r\n",
        b"hello world\r\n\r\n",
        b"Content-Length: 5\r\n\r\n{{{{{",
        b"\x00\xff\xfe garbage without newline " * 100 + b"\r\n",
        b"Content-Length: 2\r\n\r\n[]",
        b"Content-Length: 4\r\n\r\nnull",
    ],
)
def test_framing_garbage_then_a_good_message_is_answered(server, garbage):
    server.write(garbage)
    answer = server.call("ollama/validateModelName", {"name": "llama3.2"})
    assert answer is not None and answer["result"]["isValid"]


def test_end_of_input_exits_cleanly():
    raw = RawServer()
    raw.initialize({})
    raw.drain(1.5)  # let the first status check finish
    raw.proc.stdin.close()
    assert raw.proc.wait(10) == 0
    assert b"Traceback" not in raw.stderr


def test_shutdown_right_after_initialized_answers_and_exits_cleanly():
    """Shutdown cancels the handlers still running (initialized's own work among them), and
    each one cancelled leaves pygls' table while pygls walks it."""
    for _ in range(3):
        raw = RawServer()
        msg_id = raw.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        raw.notify("initialized", {})
        answer = raw.call("shutdown")
        raw.notify("exit")
        assert raw.response(msg_id) is not None
        assert answer is not None and "error" not in answer, answer
        assert raw.proc.wait(10) == 0
        assert b"Traceback" not in raw.stderr and b"changed size" not in raw.stderr


def test_handled_notifications_leave_no_future_behind():
    """pygls 2.1.1 keeps one future per handled notification (docs/pygls-request-futures-leak.md):
    counted in process, where the table can be read."""
    import asyncio

    from lsprotocol import types

    from ollama_ls.lsp.server import create_server

    server = create_server()
    protocol = server.protocol

    class Sink:
        def write(self, data: bytes) -> None:
            pass

    protocol.set_writer(Sink())

    def message(obj):
        return json.loads(json.dumps(obj), object_hook=protocol.structure_message)

    async def run() -> int:
        protocol.handle_message(message({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                         "params": {"capabilities": {}}}))
        await asyncio.sleep(0.05)
        protocol.handle_message(message({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                                         "params": {"textDocument": {"uri": URI, "languageId": "yaml",
                                                                     "version": 1, "text": "a: b\n"}}}))
        for version in range(2, 10_002):
            protocol.handle_message(message({
                "jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_DID_CHANGE,
                "params": {"textDocument": {"uri": URI, "version": version},
                           "contentChanges": [{"text": f"a: {version}\n"}]},
            }))
            if version % 500 == 0:
                await asyncio.sleep(0)
        for _ in range(20):
            await asyncio.sleep(0.01)
        return len(protocol._request_futures)

    left = asyncio.run(run())
    assert left <= 5, f"{left} futures left in _request_futures after 10,000 didChange"
