"""Faults injected on demand: each one matches some requests and breaks their answer.

A fault applies to every request unless `paths` or `models` narrow it, and forever unless
`times` limits how many requests it breaks. Kinds:

- before any byte: `hang`, `die`, `proxy_502`, `unauthorized`, `busy`, `status`, `delay`;
- in an NDJSON stream, after `after_chunks` lines: `hang`, `die`, `malformed`, `error_line`;
- `refuse`: the whole server stops listening (see `Faults.refuse_connections`).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ollama_ls.modelname import model_key

if TYPE_CHECKING:
    from .server import Emulator

KINDS = ("hang", "die", "malformed", "error_line", "proxy_502", "unauthorized", "busy",
         "status", "delay")
STREAM_KINDS = ("malformed", "error_line")  # only make sense once a stream has started

BUSY_MESSAGE = "server busy, please try again.  maximum pending requests exceeded"
DEFAULT_STREAM_ERROR = "an error was encountered while running the model: unexpected EOF"
PROXY_502_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)

_ids = itertools.count(1)


@dataclass
class Fault:
    kind: str
    paths: list[str] | None = None
    models: list[str] | None = None
    after_chunks: int | None = None  # stream faults: how many lines go out first
    times: int | None = None  # None: every matching request
    status: int = 500  # for `status` and an `error_line` sent before any line
    message: str = ""
    seconds: float = 0.0  # for `delay`
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")
        self._model_keys = {model_key(m) for m in self.models or ()}

    @property
    def mid_stream(self) -> bool:
        """True when the fault waits for the stream to start instead of acting at once."""
        return self.kind in STREAM_KINDS or (
            self.kind in ("hang", "die") and (self.after_chunks or 0) > 0)

    def matches(self, path: str, model: str | None) -> bool:
        if self.paths and path not in self.paths:
            return False
        if self._model_keys:
            return bool(model) and model_key(model) in self._model_keys
        return True

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


class Faults:
    """The active faults of one emulator; usable from any thread."""

    def __init__(self, emulator: "Emulator | None" = None) -> None:
        self._emulator = emulator
        self._lock = threading.Lock()
        self._active: list[Fault] = []

    def add(self, kind: str, **settings: Any) -> Fault:
        fault = Fault(kind, **settings)
        with self._lock:
            self._active.append(fault)
        return fault

    def take(self, path: str, model: str | None, streaming: bool) -> Fault | None:
        """The first fault matching a request, counting one use of it. Mid-stream faults
        only match the endpoints that stream (generate, chat, pull)."""
        with self._lock:
            for fault in self._active:
                if fault.matches(path, model) and (streaming or not fault.mid_stream):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._active.remove(fault)
                    return fault
        return None

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._active)

    def remove(self, fault: Fault) -> None:
        with self._lock:
            if fault in self._active:
                self._active.remove(fault)

    def clear(self) -> None:
        with self._lock:
            self._active.clear()

    # ---- one helper per kind ----

    def hang(self, after_chunks: int | None = None, **scope: Any) -> Fault:
        """Accept the request and never answer (or stop writing after `after_chunks` lines)."""
        return self.add("hang", after_chunks=after_chunks, **scope)

    def die(self, after_chunks: int = 0, **scope: Any) -> Fault:
        """Abort the TCP connection (RST) before answering or after `after_chunks` lines."""
        return self.add("die", after_chunks=after_chunks, **scope)

    def malformed_line(self, after_chunks: int = 1, **scope: Any) -> Fault:
        """Write a line that is not JSON after `after_chunks` lines, then go on."""
        return self.add("malformed", after_chunks=after_chunks, **scope)

    def error_line(self, after_chunks: int = 1, message: str = DEFAULT_STREAM_ERROR,
                   status: int = 500, **scope: Any) -> Fault:
        """End the stream with `{"error": message}`; with after_chunks=0, answer `status` instead."""
        return self.add("error_line", after_chunks=after_chunks, message=message, status=status,
                        **scope)

    def proxy_502(self, **scope: Any) -> Fault:
        """Answer as a reverse proxy whose upstream is down: an HTML 502 page."""
        return self.add("proxy_502", **scope)

    def unauthorized(self, **scope: Any) -> Fault:
        return self.add("unauthorized", **scope)

    def busy(self, **scope: Any) -> Fault:
        """503 with Ollama's queue-full message."""
        return self.add("busy", **scope)

    def status(self, status: int, message: str, **scope: Any) -> Fault:
        """Any status with `{"error": message}`."""
        return self.add("status", status=status, message=message, **scope)

    def delay(self, seconds: float, **scope: Any) -> Fault:
        """Wait before handling the request normally."""
        return self.add("delay", seconds=seconds, **scope)

    def refuse_connections(self, seconds: float | None = None) -> None:
        """Stop listening: connections are refused (the port stays reserved) until
        `accept_connections()`, or for `seconds`."""
        self._require_emulator().refuse_connections(seconds)

    def accept_connections(self) -> None:
        self._require_emulator().accept_connections()

    def _require_emulator(self) -> "Emulator":
        if self._emulator is None:
            raise RuntimeError("these faults are not attached to an emulator")
        return self._emulator

