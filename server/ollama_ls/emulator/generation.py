"""Deterministic model output: answer text, thinking, tool calls, token ids and embeddings.

Everything is a pure function of its inputs, so a test can predict what the emulator says.
A token is a word with its leading space; punctuation is a token of its own.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from typing import Any

from . import gojson

_WORDS = (
    "model river lamp quiet answer garden code signal window bright simple local token server "
    "stream editor careful small green paper light voice cloud stone method pattern value field "
    "little clear steady honest north summer winter orange silver gentle rapid open useful "
    "function module result number string list change test build cache reader writer"
).split()


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def answer_tokens(model: str, prompt: str, suffix: str = "") -> list[str]:
    """A short sentence chosen by a hash of (model, prompt, suffix)."""
    seed = _digest("answer", model, prompt, suffix)
    count = 6 + seed[0] % 7
    words = [_WORDS[seed[1 + i] % len(_WORDS)] for i in range(count)]
    words[0] = words[0].capitalize()
    return [words[0]] + [f" {w}" for w in words[1:]] + ["."]


def thinking_tokens(model: str, prompt: str) -> list[str]:
    seed = _digest("thinking", model, prompt)
    topic = [f" {_WORDS[b % len(_WORDS)]}" for b in seed[:3]]
    return ["Okay", ",", " the", " user", " asks", " about", *topic, ".", " Let", " me",
            " answer", " briefly", "."]


def split_tokens(text: str) -> list[str]:
    """Split exact text into tokens: words with their leading whitespace, punctuation alone."""
    return re.findall(r"\s*\w+|\s*[^\w\s]|\s+$", text) or ([text] if text else [])


def count_tokens(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


def json_tokens(format_value: Any, model: str, prompt: str) -> list[str]:
    """An answer that satisfies `format`: `"json"` or a JSON schema with `properties`."""
    sentence = "".join(answer_tokens(model, prompt)).strip()
    properties = format_value.get("properties") if isinstance(format_value, dict) else None
    if not isinstance(properties, dict) or not properties:
        return split_tokens(gojson.dumps({"response": sentence}))
    samples = {"string": sentence, "integer": 42, "number": 1.5, "boolean": True,
               "array": [], "object": {}}
    document = {
        name: samples.get(spec.get("type") if isinstance(spec, dict) else None, sentence)
        for name, spec in properties.items()
    }
    return split_tokens(gojson.dumps(document))


def tool_call(tools: list[Any], model: str, prompt: str) -> dict[str, Any]:
    """A call of the first tool, with a sample value for each required (or every) parameter."""
    function = (tools[0] or {}).get("function") or {}
    parameters = function.get("parameters") or {}
    properties = parameters.get("properties") or {}
    wanted = parameters.get("required") or list(properties)
    seed = _digest("tool", model, prompt)
    arguments: dict[str, Any] = {}
    for name in wanted:
        spec = properties.get(name) or {}
        kind = spec.get("type")
        kind = kind[0] if isinstance(kind, list) and kind else kind
        if spec.get("enum"):
            arguments[name] = spec["enum"][0]
        elif kind in ("integer", "number"):
            arguments[name] = 2 + seed[len(arguments)] % 10
        elif kind == "boolean":
            arguments[name] = True
        elif kind == "array":
            arguments[name] = []
        elif kind == "object":
            arguments[name] = {}
        else:
            arguments[name] = _WORDS[seed[len(arguments)] % len(_WORDS)]
    call_id = "call_" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in seed[8:16])
    return {"id": call_id, "function": {"index": 0, "name": function.get("name", ""),
                                        "arguments": arguments}}


def token_ids(text: str) -> list[int]:
    """Token ids for the `context` field: one per token, from a hash of the token."""
    return [int.from_bytes(_digest("id", t)[:4], "big") % 128_000 for t in split_tokens(text)]


def embedding(model: str, text: str, length: int, normalise: bool = True) -> list[float]:
    """A vector seeded by (model, text); unit length unless `normalise` is False."""
    rng = random.Random(_digest("embed", model, text))
    vector = [rng.gauss(0.0, 1.0) for _ in range(length)]
    if normalise:
        vector = unit(vector)
    return [gojson.Float32(v) for v in vector] if normalise else vector


def unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def logprob_entry(token: str, top: int) -> dict[str, Any]:
    seed = _digest("logprob", token)
    entry: dict[str, Any] = {"token": token, "logprob": -round(seed[0] / 255, 4),
                             "bytes": list(token.encode())}
    if top:
        entry["top_logprobs"] = [
            {"token": token, "logprob": entry["logprob"], "bytes": list(token.encode())}
        ] + [
            {"token": f" {_WORDS[seed[i] % len(_WORDS)]}", "logprob": -1.0 - i,
             "bytes": list(f" {_WORDS[seed[i] % len(_WORDS)]}".encode())}
            for i in range(1, top)
        ]
    return entry
