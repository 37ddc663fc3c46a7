"""/api/pull: Ollama's progress sequence, at a download speed tests can set."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from ollama_ls.modelname import parse_name

from .catalogue import CONFIG_MEDIA, CatalogueModel, Layer
from .decode import decode_body
from .errors import JSON_PLAIN, ApiError
from .lookup import base_name, state_of
from .state import EmulatorState
from .wire import Responder, StreamEnded, json_response

MANIFEST_MISSING = "pull model manifest: file does not exist"


async def pull(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = decode_body(await request.read(), "pull")
    raw = (body.get("model") or body.get("name") or "").strip()
    if not raw:
        raise ApiError(400, "invalid model name")
    base = base_name(raw, state)
    if not parse_name(base).is_valid():
        raise ApiError(400, "invalid model name")

    responder = Responder(request, body.get("stream", True), error_content_type=JSON_PLAIN)
    last: dict[str, Any] = {}

    async def send(progress: dict[str, Any]) -> None:
        nonlocal last
        last = progress
        await responder.line(progress)

    try:
        await send({"status": "pulling manifest"})
        wanted = state.registry.find(base)
        if wanted is None:
            await responder.error_line(MANIFEST_MISSING)
            raise AssertionError("unreachable")  # error_line always raises
        layers = [l for l in wanted.layers if l.media_type != CONFIG_MEDIA] + [wanted.config_layer]
        for layer in layers:
            await _pull_layer(state, layer, send)
        await send({"status": "verifying sha256 digest"})
        await send({"status": "writing manifest"})
        prune = _unused_layers(state, wanted)
        state.installed.add(wanted.renamed(wanted.name))
        state.downloaded_blobs -= {layer.digest for layer in wanted.layers}
        if prune:
            await send({"status": "removing unused layers"})
        await send({"status": "success"})
    except StreamEnded:
        return responder.finish()
    if responder.stream:
        return responder.finish()
    return json_response(last, content_type=JSON_PLAIN)


async def _pull_layer(state: EmulatorState, layer: Layer, send) -> None:
    status = f"pulling {layer.digest[7:19]}"
    if layer.digest in state.blobs_on_disk():
        await send({"status": status, "digest": layer.digest, "total": layer.size,
                    "completed": layer.size})
        return
    completed = 0.0
    ticked = time.monotonic()
    while True:
        progress = {"status": status, "digest": layer.digest, "total": layer.size}
        if int(completed):
            progress["completed"] = int(completed)  # omitempty: absent while 0
        await send(progress)
        if completed >= layer.size:
            break
        speed = max(state.pull_bytes_per_s, 1.0)
        await asyncio.sleep(min(state.pull_interval_s, (layer.size - completed) / speed))
        now = time.monotonic()
        completed = min(float(layer.size), completed + (now - ticked) * speed)
        ticked = now
    state.downloaded_blobs.add(layer.digest)


def _unused_layers(state: EmulatorState, wanted: CatalogueModel) -> bool:
    """True when re-pulling replaces a manifest whose blobs nothing else uses any more."""
    previous = state.installed.get(wanted.key)
    if previous is None:
        return False
    keep = {l.digest for l in wanted.layers} | {
        l.digest for m in state.installed.values() if m is not previous for l in m.layers}
    return any(l.digest not in keep for l in previous.layers)
