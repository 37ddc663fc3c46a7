"""pygls' protocol, hardened (docs/reliability.md, "Protocol robustness").

- `$/cancelRequest` reaches commands: in pygls 2.1 a cancel for `workspace/executeCommand`
  answers -32800 but leaves the command running. We remember which request each handler task
  serves (a context variable is copied into the task) and pass cancellations on to the server.
- Wrong-shaped params get -32602 (pygls raises inside its JSON decoder and answers nothing);
  a message that is not JSON-RPC 2.0 gets -32600 and is never logged in full.
- The `initialize` answer is written first; the server's `apply_initial_settings` runs right
  after it, and in any case before the next message is handled (issue 12: the settings' imports
  and validation are not on the path to the answer).
- When `lsp/early_answer.py` has already answered `initialize` (before pygls was imported),
  pygls' own answer is checked against it and dropped.
- A second `initialize` is refused; completion, hover and the like on a document the editor
  never opened answer empty instead of reading the disk.
- Handled notifications no longer leave a future behind in `_request_futures`
  (docs/pygls-request-futures-leak.md).
- The framing loop caps a message's size, bounds header lines and resynchronises on the next
  `Content-Length` header after garbage (`read_messages`, installed for every server below).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote

import attrs
import pygls.server
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
    ResponseError,
    ResponseErrorMessage,
)

from ollama_ls.lsp.early_answer import EarlyAnswer

log = logging.getLogger(__name__)

current_request_id: ContextVar[Any] = ContextVar("current_request_id", default=None)

INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
PARSE_ERROR = -32700

# The largest message read; a 20 MB document fits, 1 TB does not. OLLAMA_LS_MAX_MESSAGE_BYTES.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_LINE = 8 * 1024

# Requests about one document: answered empty when the editor never opened it.
DOCUMENT_REQUESTS = frozenset({
    types.TEXT_DOCUMENT_COMPLETION,
    types.TEXT_DOCUMENT_HOVER,
    types.TEXT_DOCUMENT_INLINE_COMPLETION,
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
    types.TEXT_DOCUMENT_DEFINITION,
    types.TEXT_DOCUMENT_SIGNATURE_HELP,
})

# Custom requests' params: key -> the types allowed (None always is).
CUSTOM_PARAMS: dict[str, dict[str, tuple[type, ...]]] = {
    "ollama/capabilities": {"model": (str,)},
    "ollama/models": {"force": (bool,)},
    "ollama/validateModelName": {"name": (str,)},
    "ollama/defaultModel": {},
    "ollama/status": {"force": (bool,)},
}


_NO_ID: Any = object()


class _Rejected:
    """A message pygls cannot take: answered with an error (requests) or dropped."""

    jsonrpc = "2.0"

    def __init__(self, msg_id: Any, method: str, code: int, message: str) -> None:
        self.id = msg_id
        self.method = method
        self.code = code
        self.message = message


def max_message_bytes() -> int:
    try:
        return int(os.environ.get("OLLAMA_LS_MAX_MESSAGE_BYTES", "")) or MAX_MESSAGE_BYTES
    except ValueError:
        return MAX_MESSAGE_BYTES


def _position_problem(value: Any, depth: int = 0) -> str | None:
    """Positions anywhere in the params: line and character must be integers >= 0."""
    if depth > 8:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("position", "start", "end") and isinstance(item, dict):
                for part in ("line", "character"):
                    number = item.get(part)
                    if isinstance(number, bool) or not isinstance(number, int):
                        return f"{key}.{part} must be an integer"
                    if number < 0:
                        return f"{key}.{part} must not be negative"
            problem = _position_problem(item, depth + 1)
            if problem:
                return problem
    return None


def _custom_params_problem(method: str, params: Any) -> str | None:
    schema = CUSTOM_PARAMS.get(method)
    if schema is None or params is None:
        return None
    if not isinstance(params, dict):
        return "params must be an object"
    for key, allowed in schema.items():
        value = params.get(key)
        if value is not None and (
            not isinstance(value, allowed) or (bool not in allowed and isinstance(value, bool))
        ):
            return f"{key} must be {' or '.join(t.__name__ for t in allowed)}"
    return None


class _FutureTable(dict):
    """pygls' table of running handlers. Its `shutdown` cancels them while iterating the table,
    and a cancelled future's done callback (`forget` below) removes its entry at once: iterate
    a snapshot."""

    def items(self):  # type: ignore[override]
        return list(super().items())


class OllamaProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_futures = _FutureTable()
        self._initialize_answered = False
        self._initialize_id: Any = _NO_ID  # the initialize request until it is answered
        self.early_answer: EarlyAnswer | None = None

    # -- decoding ---------------------------------------------------------------------------

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls' decoder, except that a request it cannot read is answered -32602 rather
        than dropped, and nothing of the message's content reaches the log."""
        if "jsonrpc" not in data:
            return data
        method = data.get("method", "")
        is_request = "id" in data and "method" in data
        if is_request and isinstance(method, str):
            problem = _position_problem(data.get("params")) or _custom_params_problem(
                method, data.get("params")
            )
            if problem:
                return _Rejected(data["id"], method, INVALID_PARAMS, f"Invalid params: {problem}")
        try:
            if "id" in data:
                if "error" in data:
                    return self._converter.structure(data, ResponseErrorMessage)
                if "method" in data:
                    request_type = self.get_message_type(method) or JsonRPCRequestMessage
                    if "id" not in attrs.fields_dict(request_type):
                        # A notification sent with an id: pygls would drop the id, and the
                        # client would wait for an answer forever.
                        return _Rejected(
                            data["id"], method, INVALID_REQUEST,
                            f"{method} is a notification: send it without an id",
                        )
                    return self._converter.structure(data, request_type)
                response_type = self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
                return self._converter.structure(data, response_type)
            notification_type = self.get_message_type(method) or JsonRPCNotification
            return self._converter.structure(data, notification_type)
        except Exception as error:  # noqa: BLE001 - any shape of garbage
            log.warning(
                "Cannot read %s %r (%s)", "request" if is_request else "message",
                method if isinstance(method, str) else "?", type(error).__name__,
            )
            msg_id = data.get("id") if is_request else None
            return _Rejected(msg_id, str(method), INVALID_PARAMS, "Invalid params")

    # -- dispatch ---------------------------------------------------------------------------

    def handle_message(self, message: Any) -> None:
        self._settle_initialization()
        if isinstance(message, _Rejected):
            if message.id is not None:
                self._send_error(message.id, message.code, message.message)
            return
        if isinstance(message, dict) or getattr(message, "jsonrpc", None) != self.VERSION:
            # pygls logs the whole message at WARNING: it can carry settings and documents.
            log.warning("Ignoring a message that is not JSON-RPC 2.0")
            if isinstance(message, dict) and "id" in message and "method" in message:
                self._send_error(message["id"], INVALID_REQUEST, "Not a JSON-RPC 2.0 message")
            return
        super().handle_message(message)

    def _settle_initialization(self) -> None:
        """Apply the initializationOptions the `initialize` handler kept, if not done yet."""
        apply = getattr(self._server, "apply_initial_settings", None)
        if apply is None:
            return
        try:
            apply()
        except Exception:  # settings must never stop the server
            log.exception("Applying the initial settings failed")

    def _send_error(self, msg_id: Any, code: int, message: str) -> None:
        if not isinstance(msg_id, (int, str)) or isinstance(msg_id, bool):
            msg_id = None
        self._send_response(msg_id, error=ResponseError(code=code, message=message))

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        if method_name == types.INITIALIZE:
            if self._initialize_answered:
                self._send_error(msg_id, INVALID_REQUEST, "initialize was already called")
                return
            self._initialize_answered = True
            self._initialize_id = msg_id
        if method_name in DOCUMENT_REQUESTS and not self._is_open(params):
            self._send_response(msg_id, result=None)
            return
        token = current_request_id.set(msg_id)
        try:
            super()._handle_request(msg_id, method_name, params)
        finally:
            current_request_id.reset(token)

    def _is_open(self, params: Any) -> bool:
        uri = getattr(getattr(params, "text_document", None), "uri", None)
        workspace = self._workspace
        if uri is None or workspace is None:
            return True  # let the handler say what is wrong
        documents = workspace.text_documents
        return uri in documents or unquote(uri) in documents

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        super()._handle_cancel_notification(msg_id)
        on_cancel = getattr(self._server, "request_cancelled", None)
        if on_cancel is not None:
            on_cancel(msg_id)

    def _send_handler_result(self, future: Any, *, msg_id: Any) -> None:
        """An expected refusal (a JsonRpcException: bad params, unknown command, a failed
        request mapped by lsp/errors.py) is answered with one log line, not a traceback.

        Once the `initialize` answer is written, the initial settings are applied."""
        try:
            self._send_result(future, msg_id=msg_id)
        finally:
            if self._initialize_id is not _NO_ID and msg_id == self._initialize_id:
                self._initialize_id = _NO_ID
                self._settle_initialization()

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        early = self.early_answer
        if early is None or msg_id != early.request_id:
            super()._send_response(msg_id, result, error)
            return
        self.early_answer = None
        self._result_types.pop(msg_id, None)
        answered = json.loads(json.dumps(error or result, default=self._serialize_message))
        if error is not None or answered != early.result:
            # Not expected: the tests compare both answers for every client pytest-lsp knows.
            log.error("The early initialize answer differs from pygls' own: %s",
                      json.dumps(answered)[:2000])

    def _send_result(self, future: Any, *, msg_id: Any) -> None:
        if not future.cancelled() and isinstance(future.exception(), JsonRpcException):
            self._request_futures.pop(msg_id, None)
            error = future.exception()
            log.warning("Request %s refused: %s", msg_id, str(error).splitlines()[0][:200])
            self._send_response(msg_id, error=error.to_response_error())
            return
        super()._send_handler_result(future, msg_id=msg_id)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None) -> None:
        """pygls keeps the future of every handled notification under a fresh uuid and never
        removes it; forget each one when it is done (requests are removed by pygls)."""
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is None:
            return

        def forget(done: Any) -> None:
            if self._request_futures.get(msg_id) is done:
                del self._request_futures[msg_id]

        future.add_done_callback(forget)


# -- framing ------------------------------------------------------------------------------

# Searched anywhere in a line: after skipped bytes the next header can follow on the same line.
_CONTENT_LENGTH = re.compile(rb"content-length:[ \t]*(\S*)[ \t]*$", re.I)


async def _read_line(reader: Any) -> bytes:
    """One header line, at most MAX_HEADER_LINE bytes (a longer one is returned in pieces)."""
    stdin = getattr(reader, "stdin", None)
    if stdin is not None:  # pygls' StdinAsyncReader: readline on a worker thread
        return await reader.loop.run_in_executor(reader.executor, stdin.readline, MAX_HEADER_LINE)
    try:
        return await reader.readline()
    except (ValueError, asyncio.LimitOverrunError):  # asyncio.StreamReader past its limit
        return await reader.read(MAX_HEADER_LINE)


async def read_messages(
    stop_event: threading.Event,
    reader: Any,
    protocol: Any,
    logger: logging.Logger | None = None,
    error_handler: Callable[[Exception, type[JsonRpcException]], Any] | None = None,
) -> None:
    """pygls' `run_async`, hardened: a message over `max_message_bytes()` or a bad header is
    skipped with one log line and reading resumes at the next `Content-Length` header; a body
    that is not JSON gets -32700. End of input ends the loop (and the server)."""
    limit = max_message_bytes()
    content_length: int | None = None
    in_garbage = False
    while not stop_event.is_set():
        line = await _read_line(reader)
        if not line:
            break
        match = _CONTENT_LENGTH.search(line.rstrip(b"\r\n"))
        if match:
            value = match.group(1)
            length = int(value) if value.isdigit() and len(value) < 20 else None
            if length is None or length > limit:
                log.error(
                    "Skipping a message of %s bytes (the limit is %d); waiting for the next one",
                    value[:20].decode("ascii", "replace"), limit,
                )
                content_length, in_garbage = None, True
            else:
                content_length, in_garbage = length, False
            continue
        if line.strip():
            if not in_garbage and content_length is None and not line.lower().startswith(
                b"content-type"
            ):
                log.error("Skipping bytes that are not an LSP header; waiting for the next one")
                in_garbage = True
            continue
        # A blank line ends the headers.
        if content_length is None:
            continue
        length, content_length = content_length, None
        try:
            body = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            break
        if len(body) < length:
            break  # the editor went away mid-message
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except (ValueError, RecursionError) as error:
            log.error("A message is not JSON (%s)", type(error).__name__)
            protocol._send_response(
                None, error=ResponseError(code=PARSE_ERROR, message="Parse error")
            )
            continue
        try:
            protocol.handle_message(message)
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the loop
            log.exception("Unable to handle a message")
            if error_handler:
                error_handler(exc, JsonRpcException)


def install_framing() -> None:
    """pygls' servers read with `pygls.server.run_async`: read with ours instead."""
    pygls.server.run_async = read_messages


install_framing()


# -- big documents: pygls' position arithmetic at C speed ------------------------------------
#
# pygls 2.1 converts every incremental change's range by walking the line one character at a
# time in Python (3 s per keystroke in a 2.5 MB one-line JSON, with the event loop blocked), and
# rebuilds the document line by line. The replacements below give the same results (checked
# against pygls' own in tests/reliability/test_big_documents.py) using str methods.

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for _ in _ASTRAL.finditer(text))


def _utf16_index(line: str, units: int) -> int:
    """The code point index at `units` UTF-16 code units into `line` (pygls' rounding)."""
    if line.isascii() or not _ASTRAL.search(line):
        return min(units, len(line))
    index = seen = 0
    for match in _ASTRAL.finditer(line):
        # characters before this astral one count 1 unit each
        if seen + (match.start() - index) >= units:
            return index + (units - seen)
        seen += match.start() - index
        index = match.start()
        seen += 2
        index += 1
        if seen >= units:
            return index
    return min(index + (units - seen), len(line))


_originals: dict[str, Any] = {}


def install_fast_positions() -> None:
    from pygls.workspace import position_codec, text_document

    if _originals:
        return

    utf16 = position_codec.Utf16
    utf16.num_units = lambda self, chars: _utf16_units(chars)  # type: ignore[method-assign]
    utf16.column_from_utf32 = (  # type: ignore[method-assign]
        lambda self, line, column: _utf16_units(line[:column])
    )
    original_from_client = position_codec.PositionCodec.position_from_client_units
    _originals["position_from_client_units"] = original_from_client

    def position_from_client_units(self, lines, position):
        if not isinstance(self.impl, utf16) or position.line >= len(lines) or not lines:
            return original_from_client(self, lines, position)
        line = lines[position.line].replace("\r\n", "\n")
        client_len = _utf16_units(line)
        if client_len == 0:
            return position_codec.ServerTextPosition(position.line, 0)
        if position.character > client_len:
            position.character = client_len - 1
        return position_codec.ServerTextPosition(
            line=position.line, character=_utf16_index(line, position.character)
        )

    position_codec.PositionCodec.position_from_client_units = position_from_client_units

    original_apply = text_document.TextDocument._apply_incremental_change
    _originals["apply_incremental_change"] = original_apply

    def apply_incremental_change(self, change) -> None:
        lines = self.lines
        found = self._position_codec.range_from_client_units(lines, change.range)
        start, end = found.start, found.end
        if (
            start.line >= len(lines)
            or end.line >= len(lines)
            or (end.line, end.character) < (start.line, start.character)
        ):
            original_apply(self, change)  # the rare shapes: pygls' own behaviour
            return
        source = self.source
        start_at = sum(map(len, lines[: start.line]))
        end_at = start_at + sum(map(len, lines[start.line : end.line]))
        start_at += min(start.character, len(lines[start.line]))
        end_at += min(end.character, len(lines[end.line]))
        self._source = source[:start_at] + change.text + source[end_at:]

    text_document.TextDocument._apply_incremental_change = apply_incremental_change


install_fast_positions()
