"""Writing answers: JSON bodies, NDJSON streams, and the faults that break a stream midway."""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

from aiohttp import web

from . import gojson
from .errors import JSON_PLAIN, JSON_UTF8, NDJSON, ApiError
from .faults import Fault
from .state import RecordedRequest

RECORD = web.RequestKey("emulator_record", RecordedRequest)
STREAM_FAULT = web.RequestKey("emulator_stream_fault", Fault)
SERVER_ABORTED = web.RequestKey("emulator_server_aborted", bool)

class StreamEnded(Exception):
    """The stream was ended on purpose (error line written, connection aborted)."""


def json_response(value: Any, status: int = 200, content_type: str = JSON_UTF8) -> web.Response:
    return web.Response(status=status, body=gojson.dumps(value).encode(),
                        headers={"Content-Type": content_type})


def error_response(status: int, message: str, content_type: str = JSON_UTF8,
                   extra: dict | None = None) -> web.Response:
    return json_response({"error": message, **(extra or {})}, status, content_type)


def empty_response(status: int = 200) -> web.Response:
    """Go `c.Status(200)`: no body and no Content-Type."""
    return web.Response(status=status)


def abort_connection(request: web.Request) -> None:
    """Close the TCP connection with a reset, as a crashed server or proxy would."""
    request[SERVER_ABORTED] = True
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def hang_forever() -> None:
    await asyncio.Event().wait()


class Responder:
    """Sends one answer either as NDJSON lines (stream) or, at the end, as a single object.

    Lines are counted in both modes so a mid-stream fault fires at the same point; the
    non-stream answer is built by the handler from the lines it produced.
    """

    def __init__(self, request: web.Request, stream: bool,
                 error_content_type: str = JSON_UTF8) -> None:
        self.request = request
        self.error_content_type = error_content_type
        self.stream = stream
        self.record = request.get(RECORD)
        self.fault: Fault | None = request.get(STREAM_FAULT)
        self.response: web.StreamResponse | None = None
        self.lines = 0

    @property
    def started(self) -> bool:
        return self.response is not None

    async def line(self, value: dict[str, Any]) -> None:
        await self._fault_before_line()
        if self.stream:
            await self._write(gojson.dumps(value) + "\n")
        self.lines += 1

    async def error_line(self, message: str, status: int = 500) -> None:
        """Ollama's streamResponse: an error status before the first byte, a line after it."""
        if not self.stream:
            raise ApiError(status, message, self.error_content_type)
        if not self.started:
            raise ApiError(status, message, JSON_PLAIN)
        await self._write(gojson.dumps({"error": message}) + "\n")
        raise StreamEnded

    async def _write(self, text: str) -> None:
        if self.response is None:
            self.response = web.StreamResponse(status=200, headers={"Content-Type": NDJSON})
            await self.response.prepare(self.request)
            if self.record is not None:
                self.record.status = 200
        await self.response.write(text.encode())
        if self.record is not None:
            self.record.chunks += 1

    async def _fault_before_line(self) -> None:
        fault = self.fault
        if fault is None or self.lines != (fault.after_chunks or 0):
            return
        self.fault = None
        if fault.kind == "hang":
            await hang_forever()
        elif fault.kind == "die":
            abort_connection(self.request)
            raise StreamEnded
        elif fault.kind == "malformed" and self.stream:
            await self._write((fault.message or '{"model":"emulator","created_at":') + "\n")
        elif fault.kind == "error_line":
            await self.error_line(fault.message, fault.status)

    def finish(self) -> web.StreamResponse:
        # Without a started stream the connection was aborted: nothing will be sent anyway.
        return self.response if self.response is not None else web.Response()
