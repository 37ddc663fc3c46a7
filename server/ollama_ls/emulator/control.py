"""`/_emulator/*`: drive the emulator over HTTP from another process (Node tests, LSP subprocesses).

Control routes are never recorded, never faulted and need no auth.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import ApiError

if TYPE_CHECKING:
    from .server import Emulator

EMULATOR = web.AppKey("emulator", object)


def _emulator(request: web.Request) -> "Emulator":
    return request.app[EMULATOR]  # type: ignore[return-value]


async def _json(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError as error:
        raise ApiError(400, f"invalid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ApiError(400, "expected a JSON object")
    return value


async def post_fault(request: web.Request) -> web.Response:
    emu, body = _emulator(request), await _json(request)
    if body.get("clear"):
        emu.faults.clear()
        return web.json_response({"faults": []})
    kind = body.pop("kind", None)
    if kind == "refuse":
        seconds = body.get("seconds")
        if not isinstance(seconds, (int, float)) or seconds <= 0:
            raise ApiError(400, "refuse needs \"seconds\" > 0: the control route goes away too")
        emu.refuse_connections_soon(float(seconds))
        return web.json_response({"kind": "refuse", "seconds": seconds})
    try:
        fault = emu.faults.add(kind, **body)
    except (TypeError, ValueError) as error:
        raise ApiError(400, str(error)) from None
    return web.json_response(fault.to_json())


async def get_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": [f.to_json() for f in _emulator(request).faults.active()]})


async def clear_faults(request: web.Request) -> web.Response:
    _emulator(request).faults.clear()
    return web.json_response({"faults": []})


async def post_response(request: web.Request) -> web.Response:
    body = await _json(request)
    value = body.get("tokens", body.get("text"))
    _emulator(request).set_response(value, thinking=body.get("thinking"))
    return web.json_response({"tokens": _emulator(request).state.response_tokens})


async def post_rate(request: web.Request) -> web.Response:
    body = await _json(request)
    interval = body.get("pull_interval_ms")
    emu = _emulator(request)
    emu.set_rate(token_rate=body.get("token_rate"), pull_bytes_per_s=body.get("pull_bytes_per_s"),
                 pull_interval_s=interval / 1000 if interval is not None else None,
                 load_seconds=body.get("load_seconds"))
    state = emu.state
    return web.json_response({"token_rate": state.token_rate,
                              "pull_bytes_per_s": state.pull_bytes_per_s,
                              "pull_interval_ms": state.pull_interval_s * 1000,
                              "load_seconds": state.load_seconds})


async def get_requests(request: web.Request) -> web.Response:
    records = _emulator(request).state.requests()
    return web.json_response({"requests": [r.to_json() for r in records]})


async def clear_requests(request: web.Request) -> web.Response:
    _emulator(request).state.clear_requests()
    return web.json_response({"requests": []})


async def post_reset(request: web.Request) -> web.Response:
    _emulator(request).reset()
    return web.json_response({"reset": True})


async def post_auth(request: web.Request) -> web.Response:
    body = await _json(request)
    _emulator(request).require_auth(body.get("api_key"))
    return web.json_response({"api_key": body.get("api_key")})


async def post_cloud(request: web.Request) -> web.Response:
    body = await _json(request)
    try:
        _emulator(request).set_cloud(str(body.get("mode", "")))
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    return web.json_response({"mode": body.get("mode")})


async def post_model(request: web.Request) -> web.Response:
    body = await _json(request)
    name = body.pop("name", None)
    if not isinstance(name, str) or not name:
        raise ApiError(400, "name is required")
    target = body.pop("where", "installed")
    try:
        if target == "registry":
            model = _emulator(request).add_registry_model(name, **body)
        else:
            model = _emulator(request).add_model(name, **body)
    except TypeError as error:
        raise ApiError(400, str(error)) from None
    return web.json_response({"name": model.display_name, "size": model.size})


async def delete_model(request: web.Request) -> web.Response:
    body = await _json(request)
    removed = _emulator(request).remove_model(str(body.get("name", "")))
    return web.json_response({"removed": removed})


async def post_restart(request: web.Request) -> web.Response:
    _emulator(request).restart_soon()
    return web.json_response({"restarting": True})


def add_control_routes(app: web.Application) -> None:
    prefix = "/_emulator"
    app.router.add_post(f"{prefix}/faults", post_fault)
    app.router.add_get(f"{prefix}/faults", get_faults, allow_head=False)
    app.router.add_delete(f"{prefix}/faults", clear_faults)
    app.router.add_post(f"{prefix}/response", post_response)
    app.router.add_post(f"{prefix}/rate", post_rate)
    app.router.add_get(f"{prefix}/requests", get_requests, allow_head=False)
    app.router.add_delete(f"{prefix}/requests", clear_requests)
    app.router.add_post(f"{prefix}/reset", post_reset)
    app.router.add_post(f"{prefix}/auth", post_auth)
    app.router.add_post(f"{prefix}/cloud", post_cloud)
    app.router.add_post(f"{prefix}/models", post_model)
    app.router.add_delete(f"{prefix}/models", delete_model)
    app.router.add_post(f"{prefix}/restart", post_restart)
