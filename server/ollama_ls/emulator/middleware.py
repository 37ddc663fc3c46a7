"""Around every Ollama route: record the request, check origin/host/auth, apply faults, map errors."""

from __future__ import annotations

import asyncio
import time
import json
from typing import Any, Awaitable, Callable

from aiohttp import web

from . import gin
from .errors import ApiError
from .faults import BUSY_MESSAGE, PROXY_502_PAGE, Fault, Faults
from .lookup import state_of
from .state import RecordedRequest
from .wire import (RECORD, SERVER_ABORTED, STREAM_FAULT, abort_connection, error_response,
                   hang_forever)

CONTROL_PREFIX = "/_emulator/"
FAULTS = web.AppKey("emulator_faults", Faults)
KNOWN_PATHS = web.AppKey("emulator_paths", set)
STREAMING_PATHS = {"/api/generate", "/api/chat", "/api/pull"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def emulate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(CONTROL_PREFIX):
        return await _answer(request, handler)
    state = state_of(request)
    raw = await request.read()
    record = RecordedRequest(request.method, request.path, request.query_string,
                             dict(request.headers), _json_or_none(raw), raw)
    state.record(record)
    request[RECORD] = record
    try:
        response = await _serve(request, handler, record)
    except asyncio.CancelledError:
        if not state.stopping and not request.get(SERVER_ABORTED):
            record.closed_early = True
        raise
    except ConnectionResetError as error:
        # The client went away between two writes: what aiohttp does when it notices first.
        record.closed_early = True
        raise asyncio.CancelledError() from error
    finally:
        record.finished = True
        record.finished_at = time.monotonic()
    if record.status is None and not request.get(SERVER_ABORTED):
        record.status = response.status
    return response


async def _serve(request: web.Request, handler: Handler,
                 record: RecordedRequest) -> web.StreamResponse:
    state = state_of(request)
    origin = request.headers.get("Origin")
    if origin and not gin.origin_allowed(origin, state.extra_origins):
        return web.Response(status=403)
    if request.method == "OPTIONS":
        return web.Response(status=204)
    if state.check_host and not gin.host_allowed(request.host):
        return web.Response(status=403)
    if state.api_key and request.headers.get("Authorization") != f"Bearer {state.api_key}":
        return error_response(401, "unauthorized")
    fault = request.app[FAULTS].take(request.path, _model_named(record.body),
                                     request.path in STREAMING_PATHS)
    if fault is not None:
        record.fault = fault.kind
        if fault.mid_stream:
            request[STREAM_FAULT] = fault
        else:
            answer = await _fault_answer(request, fault)
            if answer is not None:
                return answer
    return await _answer(request, handler)


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error.status, error.message, error.content_type, error.extra)
    except web.HTTPMethodNotAllowed:
        return gin.plain(405, gin.METHOD_NOT_ALLOWED)
    except web.HTTPNotFound:
        return gin.not_found_or_redirect(request, request.app[KNOWN_PATHS])


async def _fault_answer(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    if fault.kind == "hang":
        await hang_forever()
    if fault.kind == "die":
        abort_connection(request)
        await hang_forever()  # the lost connection cancels this handler
    if fault.kind == "proxy_502":
        return web.Response(status=502, body=PROXY_502_PAGE.encode(),
                            headers={"Content-Type": "text/html"})
    if fault.kind == "unauthorized":
        return error_response(401, "unauthorized")
    if fault.kind == "busy":
        return error_response(503, BUSY_MESSAGE)
    if fault.kind == "status":
        return error_response(fault.status, fault.message)
    if fault.kind == "delay":
        await asyncio.sleep(fault.seconds)
    return None


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:
        return None


def _model_named(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in ("model", "name", "source"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    return None


async def add_cors_and_drop_server_header(request: web.Request,
                                          response: web.StreamResponse) -> None:
    """on_response_prepare: Go sends no Server header; CORS headers for allowed origins."""
    response.headers.popall("Server", None)
    origin = request.headers.get("Origin")
    if origin and not request.path.startswith(CONTROL_PREFIX):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.add("Vary", "Origin")
        if request.method == "OPTIONS":
            response.headers.update(gin.CORS_HEADERS)
