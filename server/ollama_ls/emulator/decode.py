"""Request bodies decoded as gin's ShouldBindJSON and Go's encoding/json would decode them.

Go messages are reproduced for the common cases (missing body, syntax errors, a value of the
wrong JSON type, bad base64, bad keep_alive and think values); rarer syntax errors are worded
after the Go pattern but may differ in detail.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from .errors import ApiError, go_quote
from .gojson import MAX_DURATION_NS

# Go field types of each request struct, in Go order. "duration" and "think" have custom
# unmarshalers; "any" accepts every JSON type.
_STRUCTS: dict[str, tuple[str, dict[str, str]]] = {
    "generate": ("GenerateRequest", {
        "model": "string", "prompt": "string", "suffix": "string", "system": "string",
        "template": "string", "context": "[]int", "stream": "*bool", "raw": "bool",
        "format": "any", "keep_alive": "duration", "images": "[]image",
        "options": "map[string]interface {}", "think": "think", "truncate": "*bool",
        "shift": "*bool", "_debug_render_only": "bool", "logprobs": "bool", "top_logprobs": "int",
    }),
    "chat": ("ChatRequest", {
        "model": "string", "messages": "[]api.Message", "stream": "*bool", "format": "any",
        "keep_alive": "duration", "tools": "api.Tools", "options": "map[string]interface {}",
        "think": "think", "truncate": "*bool", "shift": "*bool", "_debug_render_only": "bool",
        "logprobs": "bool", "top_logprobs": "int",
    }),
    "embed": ("EmbedRequest", {
        "model": "string", "input": "any", "keep_alive": "duration", "truncate": "*bool",
        "dimensions": "int", "options": "map[string]interface {}",
    }),
    "embeddings": ("EmbeddingRequest", {
        "model": "string", "prompt": "string", "keep_alive": "duration",
        "options": "map[string]interface {}",
    }),
    "show": ("ShowRequest", {
        "model": "string", "system": "string", "template": "string", "verbose": "bool",
        "options": "map[string]interface {}", "name": "string",
    }),
    "delete": ("DeleteRequest", {"model": "string", "name": "string"}),
    "copy": ("CopyRequest", {"source": "string", "destination": "string"}),
    "pull": ("PullRequest", {
        "model": "string", "insecure": "bool", "username": "string", "password": "string",
        "stream": "*bool", "name": "string",
    }),
}

_MESSAGE_FIELDS = {
    "role": "string", "content": "string", "thinking": "string", "images": "[]image",
    "tool_calls": "[]api.ToolCall", "tool_name": "string", "tool_call_id": "string",
}

_THINK_LEVELS = ("high", "medium", "low", "max")
_THINK_CHOICES = '("high", "medium", "low", "max", true, or false)'


def decode_body(raw: bytes, kind: str) -> dict[str, Any]:
    """The request as a dict of known fields (absent or null fields left out)."""
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        raise ApiError(400, "missing request body")
    value = _parse_json(text)
    struct_name, fields = _STRUCTS[kind]
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, f"json: cannot unmarshal {_json_kind(value)} into Go value of type "
                            f"api.{struct_name}")
    return _decode_object(value, struct_name, fields)


def _decode_object(value: dict[str, Any], struct_name: str, fields: dict[str, str]) -> dict:
    decoded: dict[str, Any] = {}
    for key, item in value.items():
        name = key if key in fields else next((f for f in fields if f.lower() == key.lower()), None)
        if name is None or item is None:
            continue  # Go ignores unknown fields and leaves nulls unset
        decoded[name] = _decode_field(item, fields[name], f"{struct_name}.{name}")
    return decoded


def _decode_field(item: Any, go_type: str, path: str) -> Any:
    if go_type == "any":
        return item
    if go_type == "duration":
        return parse_keep_alive(item)
    if go_type == "think":
        return _parse_think(item)
    if go_type == "string":
        return _expect(item, str, path, go_type)
    if go_type in ("bool", "*bool"):
        return _expect(item, bool, path, "bool")
    if go_type == "int":
        return _integer(item, path, go_type)
    if go_type.startswith("map["):
        return _expect(item, dict, path, go_type)
    if go_type == "[]int":
        return [_integer(x, path, "int") for x in _expect(item, list, path, go_type) if x is not None]
    if go_type == "[]image":
        return [_image(x, path) for x in _expect(item, list, path, "[]api.ImageData")]
    if go_type == "[]api.Message":
        messages = _expect(item, list, path, go_type)
        return [_decode_object(_expect(m, dict, path, "api.Message"), "ChatRequest.messages",
                               _MESSAGE_FIELDS) for m in messages if m is not None]
    return _expect(item, list, path, go_type)  # tools, tool_calls: kept as sent


def _expect(item: Any, kind: type, path: str, go_type: str) -> Any:
    if isinstance(item, kind) and not (kind is not bool and isinstance(item, bool)):
        return item
    raise ApiError(400, f"json: cannot unmarshal {_json_kind(item)} into Go struct field "
                        f"{path} of type {go_type}")


def _integer(item: Any, path: str, go_type: str) -> int:
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    if isinstance(item, float) and item.is_integer():
        return int(item)
    if isinstance(item, float):
        raise ApiError(400, f"json: cannot unmarshal number {item!r} into Go struct field "
                            f"{path} of type {go_type}")
    return _expect(item, int, path, go_type)


def _image(item: Any, path: str) -> bytes:
    text = _expect(item, str, path, "[]uint8")
    bad = next((i for i, c in enumerate(text) if not re.match(r"[A-Za-z0-9+/=]", c)), None)
    try:
        if bad is not None:
            raise binascii.Error
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        position = bad if bad is not None else len(text) - len(text) % 4
        raise ApiError(400, f"illegal base64 data at input byte {position}") from None


def _json_kind(item: Any) -> str:
    if isinstance(item, bool):
        return "bool"
    if isinstance(item, (int, float)):
        return "number"
    if isinstance(item, str):
        return "string"
    if isinstance(item, list):
        return "array"
    return "object"


def _parse_json(text: str) -> Any:
    try:
        value, _ = json.JSONDecoder().raw_decode(text.lstrip())
        return value  # like Go's Decoder, anything after the first value is not read
    except json.JSONDecodeError as error:
        stripped = text.lstrip()
        position = error.pos
        if position >= len(stripped.rstrip()):
            raise ApiError(400, "unexpected EOF") from None
        char = stripped[position]
        shown = "'\\''" if char == "'" else f"'{char}'"
        context = "looking for beginning of value"
        if "Expecting ':'" in error.msg:
            context = "after object key"
        elif "Expecting ',' delimiter" in error.msg:
            context = "after object key:value pair" if _inside_object(stripped, position) \
                else "after array element"
        elif "Expecting property name" in error.msg:
            context = "looking for beginning of object key string"
        raise ApiError(400, f"invalid character {shown} {context}") from None


def _inside_object(text: str, position: int) -> bool:
    depth: list[str] = []
    in_string = escaped = False
    for char in text[:position]:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth.append(char)
        elif char in "}]" and depth:
            depth.pop()
    return bool(depth) and depth[-1] == "{"


def _parse_think(item: Any) -> bool | str:
    if isinstance(item, bool):
        return item
    if isinstance(item, str):
        if item not in _THINK_LEVELS:
            raise ApiError(400, f"invalid think value: {go_quote(item)} (must be "
                                f'"high", "medium", "low", "max", true, or false)')
        return item
    raise ApiError(400, f"think must be a boolean or string {_THINK_CHOICES}")


# ---- keep_alive: api.Duration.UnmarshalJSON and Go's time.ParseDuration ----

_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
          "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}
_GO_TYPE_NAMES = {bool: "bool", list: "[]interface {}", dict: "map[string]interface {}"}


def parse_keep_alive(item: Any) -> int:
    """keep_alive in nanoseconds; a negative value means forever (Go MaxInt64)."""
    if isinstance(item, bool) or not isinstance(item, (int, float, str)):
        raise ApiError(400, f"Unsupported type: '{_GO_TYPE_NAMES.get(type(item), 'unknown')}'")
    if isinstance(item, str):
        nanos = parse_go_duration(item)
    else:
        nanos = int(item * 1_000_000_000)
    return MAX_DURATION_NS if nanos < 0 else nanos


def parse_go_duration(text: str) -> int:
    quoted = go_quote(text)
    rest, sign = text, 1
    if rest[:1] in "+-" and rest:
        sign, rest = (-1 if rest[0] == "-" else 1), rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise ApiError(400, f"time: invalid duration {quoted}")
    total = 0.0
    while rest:
        number = re.match(r"(\d*)(\.(\d*))?", rest)
        assert number is not None
        if not number.group(1) and not number.group(3):
            raise ApiError(400, f"time: invalid duration {quoted}")
        rest = rest[number.end():]
        unit = re.match(r"[^\d.]*", rest).group(0)  # type: ignore[union-attr]
        if not unit:
            raise ApiError(400, f"time: missing unit in duration {quoted}")
        if unit not in _UNITS:
            raise ApiError(400, f"time: unknown unit {go_quote(unit)} in duration {quoted}")
        rest = rest[len(unit):]
        total += float(number.group(0)) * _UNITS[unit]
    return sign * int(total)
