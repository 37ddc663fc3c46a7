"""/api/generate and /api/chat: validation in Ollama's order, then tokens at the set rate."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import generation
from .catalogue import CatalogueModel
from .decode import decode_body
from .errors import ApiError, go_quote
from .gojson import dumps, utc_now
from .lookup import (find_installed, not_found_single_quoted, release, require_capabilities,
                     resolve_think, schedule, state_of)
from .options import check_options
from .state import EmulatorState
from .wire import Responder, StreamEnded, json_response


@dataclass
class Piece:
    """One generated chunk: a thinking token, an answer token, or a tool call."""

    kind: str  # "thinking" | "text" | "tool"
    text: str = ""
    tool_call: dict[str, Any] | None = None
    cost: int = 1  # tokens it stands for


@dataclass
class Plan:
    pieces: list[Piece]
    done_reason: str
    prompt_tokens: int


@dataclass
class Totals:
    text: list[str] = field(default_factory=list)
    thinking: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    logprobs: list[dict[str, Any]] = field(default_factory=list)


def _check_common(body: dict[str, Any]) -> None:
    if not 0 <= body.get("top_logprobs", 0) <= 20:
        raise ApiError(400, "top_logprobs must be between 0 and 20")


def _check_format(format_value: Any) -> Any:
    """`format` as the runner checks it; a bad one is a runner error (500 before streaming)."""
    if format_value in (None, "", "json") or isinstance(format_value, dict):
        return format_value or None
    return ApiError(500, f"invalid format: {go_quote(dumps(format_value))}; expected \"json\" "
                         "or a valid JSON Schema object")


def _plan(state: EmulatorState, model: CatalogueModel, prompt: str, suffix: str,
          think: bool | str, format_value: Any, tools: list[Any] | None, answer_tools: bool,
          options: dict[str, Any], prompt_text: str) -> Plan:
    pieces: list[Piece] = []
    if think:
        thoughts = state.thinking_tokens or generation.thinking_tokens(model.key, prompt)
        pieces += [Piece("thinking", t) for t in thoughts]
    if tools and answer_tools:
        call = generation.tool_call(tools, model.key, prompt)
        pieces.append(Piece("tool", tool_call=call, cost=generation.count_tokens(dumps(call))))
    else:
        if state.response_tokens is not None:
            words = state.response_tokens
        elif format_value is not None:
            words = generation.json_tokens(format_value, model.key, prompt)
        else:
            words = generation.answer_tokens(model.key, prompt, suffix)
        pieces += [Piece("text", t) for t in words]
    done_reason = "stop"
    limit = options.get("num_predict", -1)
    if limit >= 0 and sum(p.cost for p in pieces) > limit:
        kept, used = [], 0
        for piece in pieces:
            if used + piece.cost > limit:
                break
            kept.append(piece)
            used += piece.cost
        pieces, done_reason = kept, "length"
    return Plan(pieces, done_reason, generation.count_tokens(prompt_text) + 5)


async def _run(state: EmulatorState, plan: Plan, responder: Responder, chunk_of,
               logprobs: bool, top: int) -> tuple[Totals, dict[str, int]]:
    """Send the plan's pieces at the current token rate; return totals and eval metrics."""
    rate = max(state.token_rate, 0.001)
    prompt_ns = int(plan.prompt_tokens * 1e9 / (rate * 10))
    await asyncio.sleep(prompt_ns / 1e9)
    totals, eval_ns, eval_count = Totals(), 0, 0
    next_at = time.monotonic()
    for piece in plan.pieces:
        rate = max(state.token_rate, 0.001)  # read every token: tests change it mid-stream
        next_at += piece.cost / rate
        delay = next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        eval_ns += int(piece.cost * 1e9 / rate)
        eval_count += piece.cost
        probs = [generation.logprob_entry(piece.text, top)] if logprobs and piece.text else []
        if piece.kind == "text":
            totals.text.append(piece.text)
        elif piece.kind == "thinking":
            totals.thinking.append(piece.text)
        elif piece.tool_call is not None:
            totals.tool_calls.append(piece.tool_call)
        totals.logprobs += probs
        await responder.line(chunk_of(piece, probs))
    metrics = {"prompt_eval_count": plan.prompt_tokens, "prompt_eval_duration": prompt_ns,
               "eval_count": eval_count, "eval_duration": eval_ns}
    return totals, metrics


def _metrics(started_ns: int, load_ns: int, evals: dict[str, int]) -> dict[str, int]:
    values = {"total_duration": time.perf_counter_ns() - started_ns, "load_duration": load_ns,
              **evals}
    return {key: value for key, value in values.items() if value}


async def generate(request: web.Request) -> web.StreamResponse:
    started_ns = time.perf_counter_ns()
    state = state_of(request)
    body = decode_body(await request.read(), "generate")
    _check_common(body)
    requested = body.get("model", "").strip()
    if not requested:
        raise ApiError(404, "model '' not found")
    model = find_installed(state, requested, not_found_single_quoted)
    if body.get("raw") and (body.get("template") or body.get("system") or body.get("context")):
        raise ApiError(400, "raw mode does not support template, system, or context")
    prompt, suffix = body.get("prompt", ""), body.get("suffix", "")
    keep_alive = body.get("keep_alive")
    if prompt == "" and keep_alive == 0:
        state.unload(model)
        return json_response(_generate_chunk(body["model"], "", "", True) | {"done_reason": "unload"})
    extras = (["insert"] if suffix else []) + (["vision"] if body.get("images") else [])
    require_capabilities(model, requested, "generate", extras)
    think = resolve_think(model, requested, body.get("think"))
    options = check_options(body.get("options"))
    if prompt == "":
        await schedule(state, model, keep_alive, options.get("num_ctx"), started_ns)
        return json_response(_generate_chunk(body["model"], "", "", True) | {"done_reason": "load"})

    format_value = _check_format(body.get("format"))
    responder = Responder(request, body.get("stream", True))
    scheduled = await schedule(state, model, keep_alive, options.get("num_ctx"), started_ns)
    try:
        if isinstance(format_value, ApiError):
            await responder.error_line(format_value.message)
        prompt_text = f"{body.get('system', model.system)} {prompt} {suffix}"
        plan = _plan(state, model, prompt, suffix, think, format_value, None, False, options,
                     prompt_text)
        name = body["model"]

        def chunk_of(piece: Piece, probs: list) -> dict[str, Any]:
            chunk = _generate_chunk(name, piece.text if piece.kind == "text" else "",
                                    piece.text if piece.kind == "thinking" else "", False)
            return chunk | ({"logprobs": probs} if probs else {})

        totals, evals = await _run(state, plan, responder, chunk_of, body.get("logprobs", False),
                                   body.get("top_logprobs", 0))
        text, thinking = "".join(totals.text), "".join(totals.thinking)
        final = _generate_chunk(name, "" if responder.stream else text,
                                "" if responder.stream else thinking, True)
        final["done_reason"] = plan.done_reason
        if not body.get("raw"):
            final["context"] = generation.token_ids(prompt_text) + generation.token_ids(text)
        final |= _metrics(started_ns, scheduled.load_ns, evals)
        if not responder.stream and totals.logprobs:
            final["logprobs"] = totals.logprobs
        return await _finish(responder, final)
    except StreamEnded:
        return responder.finish()
    finally:
        release(state, scheduled, keep_alive)


async def chat(request: web.Request) -> web.StreamResponse:
    started_ns = time.perf_counter_ns()
    state = state_of(request)
    body = decode_body(await request.read(), "chat")
    _check_common(body)
    requested = body.get("model", "").strip()
    if not requested:
        raise ApiError(400, "model is required")
    model = find_installed(state, requested, not_found_single_quoted)
    messages = body.get("messages") or []
    for message in messages:
        message["role"] = message.get("role", "").lower()
    keep_alive = body.get("keep_alive")
    if not messages and keep_alive == 0:
        state.unload(model)
        return json_response(_chat_chunk(body["model"], {}, True) | {"done_reason": "unload"})
    tools = body.get("tools") or []
    extras = (["tools"] if tools else []) + (
        ["vision"] if any(m.get("images") for m in messages) else [])
    require_capabilities(model, requested, "chat", extras)
    think = resolve_think(model, requested, body.get("think"))
    options = check_options(body.get("options"))
    if not messages:
        await schedule(state, model, keep_alive, options.get("num_ctx"), started_ns)
        return json_response(_chat_chunk(body["model"], {}, True) | {"done_reason": "load"})

    format_value = _check_format(body.get("format"))
    responder = Responder(request, body.get("stream", True))
    scheduled = await schedule(state, model, keep_alive, options.get("num_ctx"), started_ns)
    try:
        if isinstance(format_value, ApiError):
            await responder.error_line(format_value.message)
        last = messages[-1]
        prompt = last.get("content", "")
        prompt_text = " ".join(m.get("content", "") for m in messages)
        plan = _plan(state, model, prompt, "", think, format_value, tools,
                     last.get("role") != "tool", options, prompt_text)
        name = body["model"]

        def chunk_of(piece: Piece, probs: list) -> dict[str, Any]:
            message: dict[str, Any] = {}
            if piece.kind == "text":
                message["content"] = piece.text
            elif piece.kind == "thinking":
                message["thinking"] = piece.text
            else:
                message["tool_calls"] = [piece.tool_call]
            return _chat_chunk(name, message, False, probs)

        totals, evals = await _run(state, plan, responder, chunk_of, body.get("logprobs", False),
                                   body.get("top_logprobs", 0))
        message: dict[str, Any] = {}
        if not responder.stream:
            message = {"content": "".join(totals.text), "thinking": "".join(totals.thinking),
                       "tool_calls": totals.tool_calls if tools else []}
        final = _chat_chunk(name, message, True, [] if responder.stream else totals.logprobs)
        final = _insert_after(final, "done", {"done_reason": plan.done_reason})
        final |= _metrics(started_ns, scheduled.load_ns, evals)
        return await _finish(responder, final)
    except StreamEnded:
        return responder.finish()
    finally:
        release(state, scheduled, keep_alive)


async def _finish(responder: Responder, final: dict[str, Any]) -> web.StreamResponse:
    if not responder.stream:
        await responder.line(final)  # a mid-stream fault may still fire here
        return json_response(final)
    await responder.line(final)
    return responder.finish()


def _generate_chunk(model: str, text: str, thinking: str, done: bool) -> dict[str, Any]:
    chunk: dict[str, Any] = {"model": model, "created_at": utc_now(), "response": text}
    if thinking:
        chunk["thinking"] = thinking
    chunk["done"] = done
    return chunk


def _chat_chunk(model: str, message: dict[str, Any], done: bool,
                logprobs: list | None = None) -> dict[str, Any]:
    wire_message: dict[str, Any] = {"role": "assistant", "content": message.get("content", "")}
    if message.get("thinking"):
        wire_message["thinking"] = message["thinking"]
    if message.get("tool_calls"):
        wire_message["tool_calls"] = message["tool_calls"]
    chunk: dict[str, Any] = {"model": model, "created_at": utc_now(), "message": wire_message,
                             "done": done}
    if logprobs:
        chunk["logprobs"] = logprobs
    return chunk


def _insert_after(chunk: dict[str, Any], key: str, extra: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in chunk.items():
        result[name] = value
        if name == key:
            result |= extra
    return result
