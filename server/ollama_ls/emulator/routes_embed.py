"""/api/embed (normalised, batched) and the legacy /api/embeddings (one raw vector)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from . import generation
from .decode import decode_body
from .errors import ApiError
from .gojson import Float32
from .lookup import find_installed, not_found_try_pulling, release, schedule, state_of
from .options import check_options
from .wire import json_response


def _inputs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ApiError(400, "invalid input type")


async def embed(request: web.Request) -> web.Response:
    started_ns = time.perf_counter_ns()
    state = state_of(request)
    body = decode_body(await request.read(), "embed")
    requested = body.get("model", "").strip()
    if not requested:
        raise ApiError(404, "model '' not found")
    model = find_installed(state, requested, not_found_try_pulling)
    texts = _inputs(body.get("input"))
    options = check_options(body.get("options"))
    keep_alive = body.get("keep_alive")
    scheduled = await schedule(state, model, keep_alive, options.get("num_ctx"), started_ns)
    try:
        if not texts:
            return json_response({"model": body["model"], "embeddings": []})
        context = options.get("num_ctx") or model.context_length
        counts = [generation.count_tokens(text) for text in texts]
        if body.get("truncate") is False and max(counts) > context:
            raise ApiError(400, "the input length exceeds the context length")
        prompt_tokens = sum(min(count, context) for count in counts)
        await asyncio.sleep(prompt_tokens / (max(state.token_rate, 0.001) * 50))
        vectors = [generation.embedding(model.key, text, model.embedding_length) for text in texts]
        dimensions = body.get("dimensions", 0)
        if 0 < dimensions < model.embedding_length:
            vectors = [[Float32(v) for v in generation.unit(vector[:dimensions])]
                       for vector in vectors]
        answer: dict[str, Any] = {
            "model": body["model"],
            "embeddings": vectors,
            "total_duration": time.perf_counter_ns() - started_ns,
            "load_duration": scheduled.load_ns,
            "prompt_eval_count": prompt_tokens,
        }
        return json_response(answer)
    finally:
        release(state, scheduled, keep_alive)


async def embeddings(request: web.Request) -> web.Response:
    started_ns = time.perf_counter_ns()
    state = state_of(request)
    body = decode_body(await request.read(), "embeddings")
    requested = body.get("model", "").strip()
    if not requested:
        raise ApiError(400, "model is required")
    model = find_installed(state, requested, not_found_try_pulling)
    options = check_options(body.get("options"))
    keep_alive = body.get("keep_alive")
    scheduled = await schedule(state, model, keep_alive, options.get("num_ctx"), started_ns)
    try:
        prompt = body.get("prompt", "")
        if not prompt:
            return json_response({"embedding": []})
        vector = generation.embedding(model.key, prompt, model.embedding_length, normalise=False)
        return json_response({"embedding": vector})
    finally:
        release(state, scheduled, keep_alive)
