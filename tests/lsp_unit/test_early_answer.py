"""The `initialize` answer written before pygls is imported (lsp/early_answer.py): the same as
pygls' own answer for every client, never written for anything else, and every byte read on
the way handed on to pygls."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import pathlib
import subprocess
import sys

import pytest
import pytest_lsp
from ollama_ls import __version__
from ollama_ls.lsp.early_answer import EarlyAnswer, Replay, answer_initialize, result_template

CLIENTS = sorted(
    path.stem for path in (pathlib.Path(pytest_lsp.__file__).parent / "clients").glob("*.json")
)
TEMPLATE = pathlib.Path(__file__).parents[2] / "server" / "ollama_ls" / "data" / "initialize_result.json"


def client_params(stem: str) -> dict:
    path = pathlib.Path(pytest_lsp.__file__).parent / "clients" / f"{stem}.json"
    return json.loads(path.read_text())


def framed(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def initialize_message(params: dict, msg_id: int | str = 1) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "method": "initialize",
            "params": {"processId": None, "rootUri": None, **params}}


def frames(data: bytes) -> list[dict]:
    found, rest = [], data
    while rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        found.append(json.loads(rest[:length]))
        rest = rest[length:]
    return found


class Sink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


def pygls_answer(message: dict, early: EarlyAnswer | None = None) -> list[dict]:
    """What the server itself writes for this first message (with `early` already given)."""
    from ollama_ls.lsp.server import create_server

    server = create_server()
    sink = Sink()
    server.protocol.set_writer(sink)
    server.protocol.early_answer = early

    async def run() -> None:
        server.protocol.handle_message(
            json.loads(json.dumps(message), object_hook=server.protocol.structure_message)
        )

    asyncio.run(run())
    return frames(sink.data)


VARIANTS = {
    **{stem: client_params(stem) for stem in CLIENTS},
    "none": {"capabilities": {}},
    "utf-8 first": {"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}},
    "unknown encodings only": {"capabilities": {"general": {"positionEncodings": ["ebcdic"]}}},
    "empty encodings": {"capabilities": {"general": {"positionEncodings": []}}},
    "willSave only": {"capabilities": {"textDocument": {"synchronization": {"willSave": False}}}},
    "sync without willSave": {"capabilities": {"textDocument": {"synchronization": {"didSave": True}}}},
}


@pytest.mark.parametrize("client", sorted(VARIANTS))
def test_the_early_answer_is_pygls_own_answer(client):
    message = initialize_message(VARIANTS[client], msg_id=7)
    stdout = io.BytesIO()
    _, early = answer_initialize(io.BytesIO(framed(message)), stdout)
    [written] = frames(stdout.getvalue())
    [own] = pygls_answer(message)
    assert written == own
    assert early == EarlyAnswer(7, own["result"])
    assert written["result"]["serverInfo"] == {"name": "ollama-ls", "version": __version__}


def test_the_template_is_the_answer_to_a_client_without_capabilities():
    [own] = pygls_answer(initialize_message({"capabilities": {}}))
    assert result_template() == own["result"]
    if os.environ.get("UPDATE_SNAPSHOTS"):
        own["result"]["serverInfo"]["version"] = "(filled in at run time)"
        TEMPLATE.write_text(json.dumps(own["result"], indent=1, sort_keys=True) + "\n")


def test_the_server_drops_its_own_answer_once_the_early_one_was_written(caplog):
    message = initialize_message(client_params("visual_studio_code_v1.65.2"), msg_id="a")
    _, early = answer_initialize(io.BytesIO(framed(message)), io.BytesIO())
    with caplog.at_level(logging.ERROR):
        assert pygls_answer(message, early) == []
    assert "differs" not in caplog.text


def test_a_different_answer_is_logged(caplog):
    message = initialize_message({"capabilities": {}})
    wrong = EarlyAnswer(1, {"capabilities": {}, "serverInfo": {"name": "other"}})
    with caplog.at_level(logging.ERROR):
        assert pygls_answer(message, wrong) == []
    assert "The early initialize answer differs from pygls' own" in caplog.text


def initialize_body(msg_id) -> bytes:
    return json.dumps(initialize_message({"capabilities": {}}, msg_id)).encode()


NOT_ANSWERED = {
    "another method first": framed({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    "no jsonrpc": framed({"id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    "a boolean id": b"Content-Length: %d\r\n\r\n%s" % (len(initialize_body(True)), initialize_body(True)),
    "no capabilities": framed({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}),
    "encodings not strings": framed(initialize_message(
        {"capabilities": {"general": {"positionEncodings": [8]}}})),
    "not JSON": b"Content-Length: 5\r\n\r\n{nope",
    "no Content-Length": b"Content-Type: x\r\n\r\n{}",
    "a huge Content-Length": b"Content-Length: 99999999999\r\n\r\n{}",
    "the input ends in the body": b"Content-Length: 500\r\n\r\n{\"jsonrpc\"",
    "the input ends in the headers": b"Content-Len",
    "no blank line for many lines": b"X: y\r\n" * 40,
    "a header line of 20 KB": b"X-Pad: " + b"a" * 20_000 + b"\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(NOT_ANSWERED))
def test_anything_else_is_left_to_pygls_with_every_byte(case):
    following = framed({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    stream = io.BytesIO(NOT_ANSWERED[case] + following)
    stdout = io.BytesIO()
    consumed, early = answer_initialize(stream, stdout)
    assert early is None
    assert stdout.getvalue() == b""
    replay = Replay(consumed, stream)
    assert replay.read() == NOT_ANSWERED[case] + following


@pytest.mark.parametrize("limit", [-1, 1, 7, 8192])
def test_replay_reads_lines_and_sizes_across_the_prefix(limit):
    data = b"Content-Length: 12\r\n\r\n{\"a\": \"b\"}\r\nnext line\nend"
    for split in range(len(data) + 1):
        replay = Replay(data[:split], io.BytesIO(data[split:]))
        pieces = []
        while piece := replay.readline(limit):
            pieces.append(piece)
            assert len(piece) <= limit or limit < 0
            assert piece.endswith(b"\n") or len(piece) == limit or b"".join(pieces) == data
        assert b"".join(pieces) == data
        replay = Replay(data[:split], io.BytesIO(data[split:]))
        assert replay.read(5) + replay.read(0) + replay.read(len(data)) == data


def test_the_early_answer_needs_neither_pygls_nor_lsprotocol():
    code = (
        "import io, sys\n"
        "from ollama_ls.lsp import launch\n"
        "from ollama_ls.lsp.early_answer import answer_initialize\n"
        "body = b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}'\n"
        "out = io.BytesIO()\n"
        "answer_initialize(io.BytesIO(b'Content-Length: %d\\r\\n\\r\\n%s' % (len(body), body)), out)\n"
        "assert b'positionEncoding' in out.getvalue()\n"
        "print([m for m in ('pygls', 'lsprotocol', 'attrs', 'cattrs', 'httpx', 'pydantic') if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_spawned_server_answers_initialize_once_then_serves():
    """Over a real pipe: one answer to `initialize`, then the server works on the same stream
    (a hover on an opened document, shutdown), and no error in its log."""
    uri = "file:///tmp/early/a.yaml"
    messages = [
        initialize_message(client_params("neovim_v0.11.0")),
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": "model: llama3\n"}}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
    ]
    env = {**os.environ, "OLLAMA_HOST": "127.0.0.1:9"}  # nothing listens: no network needed
    process = subprocess.Popen(
        [sys.executable, "-m", "ollama_ls", "serve"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(framed(messages[0]))
    process.stdin.flush()
    first = read_frame(process.stdout)
    assert first["id"] == 1 and first["result"]["capabilities"]["positionEncoding"] == "utf-8"
    process.stdin.write(b"".join(framed(m) for m in messages[1:]))
    process.stdin.flush()
    answers = []
    while not any(m.get("id") == 2 for m in answers):
        answers.append(read_frame(process.stdout))
    process.stdin.write(framed({"jsonrpc": "2.0", "method": "exit"}))
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    rest = process.stdout.read()
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert [m for m in answers + frames(rest) if m.get("id") == 1 and "method" not in m] == []
    assert "differs" not in stderr and "Traceback" not in stderr, stderr


def read_frame(stream) -> dict:
    length = None
    while (line := stream.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    assert length is not None, "the server closed its output"
    return json.loads(stream.read(length))
