"""Answer `initialize` before pygls and lsprotocol are imported (issue 12, startup).

Importing pygls and lsprotocol takes ~0.4 s on a slow machine (lsprotocol defines ~1,000 attrs
classes), and an editor waits for the `initialize` answer before it sends anything else. That
answer is our capabilities, which do not depend on the Ollama server or on any setting: it is
read from `data/initialize_result.json`, and the two things pygls derives from the client are
worked out here the way pygls does (the position encoding; `willSave` and `willSaveWaitUntil`,
written as false when the client states them). The editor gets it within ~50 ms of the spawn.

The request is then handed to pygls unchanged (`Replay`), so the server sets itself up exactly
as before; the protocol drops pygls' own answer to it, and logs an error should the two ever
differ (tests/lsp_unit/test_early_answer.py compares them for every client pytest-lsp knows).

Anything else (a first message that is not a well-formed `initialize`, garbage, a huge body)
is left for pygls to answer as always: this module then writes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, BinaryIO

from ollama_ls import __version__

# pygls' choice: the client's first encoding that it supports, else UTF-16.
SUPPORTED_ENCODINGS = ("utf-8", "utf-16", "utf-32")
DEFAULT_ENCODING = "utf-16"

MAX_BODY_BYTES = 1024 * 1024  # an initialize is a few KB; anything bigger is pygls' to judge
MAX_HEADER_LINE = 8 * 1024
MAX_HEADER_LINES = 16

_CONTENT_LENGTH = re.compile(rb"content-length:[ \t]*(\d+)[ \t]*\r?\n$", re.I)


@dataclass(frozen=True)
class EarlyAnswer:
    """The `initialize` request answered, and the result sent for it."""

    request_id: int | str
    result: dict[str, Any]


def result_template() -> dict[str, Any]:
    """Our `initialize` result for a client that states no capabilities."""
    text = resources.files("ollama_ls").joinpath("data/initialize_result.json").read_text("utf-8")
    result = json.loads(text)
    result["serverInfo"]["version"] = __version__
    return result


def initialize_result(params: dict[str, Any]) -> dict[str, Any]:
    """The result pygls would answer to an `initialize` with these params."""
    capabilities = params.get("capabilities") or {}
    result = result_template()
    result["capabilities"]["positionEncoding"] = _position_encoding(capabilities)
    sync = result["capabilities"]["textDocumentSync"]
    client_sync = _path(capabilities, "textDocument", "synchronization") or {}
    for key in ("willSave", "willSaveWaitUntil"):  # we handle neither notification
        if client_sync.get(key) is not None:
            sync[key] = False
    return result


def _position_encoding(capabilities: dict[str, Any]) -> str:
    for encoding in _path(capabilities, "general", "positionEncodings") or ():
        if encoding in SUPPORTED_ENCODINGS:
            return encoding
    return DEFAULT_ENCODING


def _path(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def answer_initialize(stdin: BinaryIO, stdout: BinaryIO) -> tuple[bytes, EarlyAnswer | None]:
    """Read the first message; when it is an `initialize` we can answer, answer it.

    Returns every byte read (to hand on to pygls) and the answer given, if any."""
    consumed = bytearray()
    length = None
    for _ in range(MAX_HEADER_LINES):
        line = stdin.readline(MAX_HEADER_LINE)
        consumed += line
        if not line.endswith(b"\n"):
            return bytes(consumed), None  # end of input, or a header line too long
        if line in (b"\r\n", b"\n"):
            break
        match = _CONTENT_LENGTH.match(line)
        if match:
            length = int(match.group(1))
    else:
        return bytes(consumed), None
    if length is None or length > MAX_BODY_BYTES:
        return bytes(consumed), None
    body = stdin.read(length)
    consumed += body
    request = _initialize_request(body) if len(body) == length else None
    if request is None:
        return bytes(consumed), None
    answer = EarlyAnswer(request["id"], initialize_result(request["params"]))
    payload = json.dumps(
        {"jsonrpc": "2.0", "id": answer.request_id, "result": answer.result},
        separators=(",", ":"),
    ).encode()
    stdout.write(b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload))
    stdout.flush()
    return bytes(consumed), answer


def _initialize_request(body: bytes) -> dict[str, Any] | None:
    """The message, when it is an `initialize` request pygls will accept as we assume."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    if message.get("method") != "initialize":
        return None
    request_id = message.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, (int, str)):
        return None
    params = message.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        return None
    encodings = _path(params["capabilities"], "general", "positionEncodings")
    if encodings is not None and not (
        isinstance(encodings, list) and all(isinstance(item, str) for item in encodings)
    ):
        return None
    return message


class Replay:
    """A binary stream that first gives back `prefix`, then reads `stream` (for pygls, which
    reads stdin with `readline(limit)` and `read(n)`)."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._prefix = prefix
        self._stream = stream

    def readline(self, limit: int = -1) -> bytes:
        if not self._prefix:
            return self._stream.readline(limit)
        end = self._prefix.find(b"\n") + 1 or len(self._prefix)
        if limit is not None and limit >= 0:
            end = min(end, limit)
        line, self._prefix = self._prefix[:end], self._prefix[end:]
        if line.endswith(b"\n") or (limit is not None and 0 <= limit <= len(line)):
            return line
        rest = -1 if limit is None or limit < 0 else limit - len(line)
        return line + self._stream.readline(rest)

    def read(self, size: int = -1) -> bytes:
        if not self._prefix:
            return self._stream.read(size)
        if size is None or size < 0:
            data, self._prefix = self._prefix, b""
            return data + self._stream.read()
        data, self._prefix = self._prefix[:size], self._prefix[size:]
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
