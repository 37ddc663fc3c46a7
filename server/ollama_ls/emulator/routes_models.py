"""Handlers that describe and manage models: /, version, tags, show, ps, delete, copy."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ollama_ls.modelname import parse_name

from .decode import decode_body
from .errors import ApiError, go_quote
from .gojson import local_time
from .lookup import base_name, find_installed, state_of
from .wire import empty_response, json_response


async def root(request: web.Request) -> web.Response:
    return web.Response(body=b"Ollama is running",
                        headers={"Content-Type": "text/plain; charset=utf-8"})


async def version(request: web.Request) -> web.Response:
    return json_response({"version": state_of(request).version})


async def status(request: web.Request) -> web.Response:
    """GET /api/status: whether this server may run Ollama Cloud models (the emulator's cloud
    mode "disabled" stands for OLLAMA_NO_CLOUD)."""
    disabled = state_of(request).cloud == "disabled"
    return json_response({"cloud": {"disabled": disabled, "source": "env" if disabled else "none"}})


async def tags(request: web.Request) -> web.Response:
    models = sorted(state_of(request).installed.values(), key=lambda m: m.modified_ns,
                    reverse=True)
    entries = []
    for model in models:
        entry: dict[str, Any] = {
            "name": model.display_name,
            "model": model.display_name,
            "modified_at": local_time(model.modified_ns),
            "size": model.size,
            "digest": model.manifest_digest,
            "details": model.details(),
        }
        if model.remote_model:
            entry["remote_model"] = model.remote_model
            entry["remote_host"] = model.remote_host
        if model.capabilities:
            entry["capabilities"] = list(model.capabilities)
        entries.append(entry)
    return json_response({"models": entries})


async def ps(request: web.Request) -> web.Response:
    entries = [
        {
            "name": running.model.display_name,
            "model": running.model.display_name,
            "size": running.size,
            "digest": running.model.manifest_digest,
            "details": running.model.details(),
            "expires_at": local_time(running.expires_ns),
            "size_vram": running.size,
            "context_length": running.context_length,
        }
        for running in state_of(request).running_models()
    ]
    return json_response({"models": entries})


async def show(request: web.Request) -> web.Response:
    body = decode_body(await request.read(), "show")
    raw = (body.get("model") or body.get("name") or "").strip()
    if not raw:
        raise ApiError(400, "model is required")

    def not_found(_: str) -> str:
        return f"model '{parse_name(base_name(raw)).display_shortest()}' not found"

    model = find_installed(state_of(request), raw, not_found)
    verbose = bool(body.get("verbose"))
    answer: dict[str, Any] = {}
    if model.license:
        answer["license"] = model.license
    answer["modelfile"] = model.modelfile()
    if model.parameters:
        answer["parameters"] = model.parameters_text()
    answer["template"] = model.template
    if body.get("system") or model.system:
        answer["system"] = body.get("system") or model.system
    answer["details"] = model.details()
    answer["model_info"] = model.model_info(verbose)
    if model.projector_info:
        answer["projector_info"] = dict(sorted(model.projector_info.items()))
    answer["tensors"] = model.tensors()
    if model.capabilities:
        answer["capabilities"] = list(model.capabilities)
    answer["modified_at"] = local_time(model.modified_ns)
    return json_response(answer)


async def delete(request: web.Request) -> web.Response:
    state = state_of(request)
    body = decode_body(await request.read(), "delete")
    raw = (body.get("model") or body.get("name") or "").strip()
    if not raw:
        raise ApiError(400, "model is required")
    if not parse_name(raw).is_valid():
        raise ApiError(400, f"name {go_quote(raw)} is invalid")
    model = state.installed.remove(raw)
    if model is None:
        raise ApiError(404, f"model '{raw}' not found")
    state.unload(model)
    state.downloaded_blobs -= {layer.digest for layer in model.layers}
    return empty_response()


async def copy(request: web.Request) -> web.Response:
    state = state_of(request)
    body = decode_body(await request.read(), "copy")
    source, destination = body.get("source", ""), body.get("destination", "")
    if not parse_name(source).is_valid():
        raise ApiError(400, f"source {go_quote(source)} is invalid")
    if not parse_name(destination).is_valid():
        raise ApiError(400, f"destination {go_quote(destination)} is invalid")
    model = state.installed.find(source)
    if model is None:
        raise ApiError(404, f"model {go_quote(source)} not found")
    state.installed.add(model.renamed(destination))
    return empty_response()
