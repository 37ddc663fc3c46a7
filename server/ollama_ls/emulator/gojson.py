"""JSON and time values written the way Go's encoding/json and time packages write them.

Differences from Python's json module: `<`, `>`, `&`, U+2028 and U+2029 are escaped inside
strings, floats use Go's shortest formatting (`1` not `1.0`, `1e-7` not `1e-07`), and values
marked `Float32` use the shortest float32 form, as Go does for `[]float32`.
"""

from __future__ import annotations

import json
import struct
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

_HTML_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

MAX_DURATION_NS = 2**63 - 1


class Float32(float):
    """A float serialised with float32 precision (Go `float32`)."""


def dumps(value: Any) -> str:
    """Compact JSON, as Go's `json.Marshal` writes it. Dict order is kept (Go struct order)."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_float32(value) if isinstance(value, Float32) else _float64(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    if any(char in encoded for char in _HTML_ESCAPES):
        for char, escape in _HTML_ESCAPES.items():
            encoded = encoded.replace(char, escape)
    return encoded


def _float64(value: float) -> str:
    return _go_float(value, repr(value), 1e-6)


def _float32(value: float) -> str:
    packed = struct.unpack("f", struct.pack("f", value))[0]
    for precision in range(1, 10):
        text = f"{packed:.{precision}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == packed:
            return _go_float(packed, text, 1e-6)
    return _go_float(packed, repr(packed), 1e-6)


def _go_float(value: float, shortest: str, small: float) -> str:
    """Go picks %e below 1e-6 and from 1e21, %f otherwise; exponents lose their leading zero."""
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"json: unsupported value: {value}")
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < small or magnitude >= 1e21):
        mantissa, _, exponent = f"{Decimal(shortest):e}".partition("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        sign = exponent[0] if exponent[0] in "+-" else "+"
        digits = exponent.lstrip("+-").lstrip("0") or "0"
        if len(digits) < 2 and sign == "+":
            digits = digits.rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    text = format(Decimal(shortest), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "-0" if text == "-0" else text


def rfc3339nano(epoch_ns: int, local: bool) -> str:
    """Go's RFC3339Nano: fraction with trailing zeros trimmed, `Z` for a zero offset."""
    seconds, nanos = divmod(epoch_ns, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    if local:
        moment = moment.astimezone()
    fraction = f".{nanos:09d}".rstrip("0").rstrip(".")
    offset = moment.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        zone = "Z"
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}{fraction}{zone}"


def utc_now() -> str:
    """`time.Now().UTC()`, as created_at is written."""
    return rfc3339nano(time.time_ns(), local=False)


def local_time(epoch_ns: int) -> str:
    """A local time with its offset, as modified_at and expires_at are written."""
    return rfc3339nano(epoch_ns, local=True)
