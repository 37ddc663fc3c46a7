"""`Emulator`: an Ollama look-alike on a real socket, run by its own event loop in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any, Callable, Coroutine, TypeVar

from aiohttp import web

from .app import build_app
from .catalogue import CatalogueModel
from .faults import Faults
from .generation import split_tokens
from .state import EmulatorState, RecordedRequest

T = TypeVar("T")

_MODEL_DEFAULTS: dict[str, Any] = {
    "family": "llama", "parameter_size": "1B", "quantization_level": "Q4_0",
    "capabilities": ["completion"], "parameter_count": 1_000_000_000, "context_length": 4096,
    "embedding_length": 64, "weights_size": 700_000_000,
}


class Emulator:
    """Start with `start()` (or `with Emulator() as emu:`); `base_url` is where it listens."""

    def __init__(self, port: int = 0, token_rate: float = 200.0, version: str = "0.33.0",
                 host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._initial = {"token_rate": token_rate}
        self.state = EmulatorState(token_rate=token_rate, version=version)
        self.state.check_host = host in ("127.0.0.1", "localhost", "::1")
        self.faults = Faults(self)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._placeholder: socket.socket | None = None
        self._accept_timer: asyncio.TimerHandle | None = None

    # ---- lifecycle ----

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    def start(self) -> "Emulator":
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                            name="ollama-emulator")
            self._thread.start()
        if self._runner is None:
            self._call(self._serve())
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        assert self._thread is not None
        self._thread.join(timeout=5)
        self._loop.close()
        self._loop = self._thread = None

    def restart(self) -> None:
        """Stop and listen again on the same port; open connections are cut."""
        self._call(self._restart())

    def refuse_connections(self, seconds: float | None = None) -> None:
        """Stop listening but keep the port bound, so connecting fails with ECONNREFUSED."""
        self._call(self._refuse(seconds))

    def accept_connections(self) -> None:
        self._call(self._accept())

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> "Emulator":
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    # Called by control routes, from inside the loop: act after the answer has gone out.

    def refuse_connections_soon(self, seconds: float) -> None:
        self._soon(lambda: self._refuse(seconds))

    def restart_soon(self) -> None:
        self._soon(self._restart)

    def _soon(self, make: Callable[[], Coroutine[Any, Any, None]]) -> None:
        assert self._loop is not None
        self._loop.call_later(0.05, lambda: self._loop.create_task(make()))  # type: ignore

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None, "the emulator is not started"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _serve(self) -> None:
        self._release_placeholder()
        app = build_app(self.state, self.faults, self)
        # shutdown_timeout: in-flight streams are cut at once (aiohttp reads 0 as "wait forever").
        runner = web.AppRunner(app, handle_signals=False, access_log=None,
                               handler_cancellation=True, shutdown_timeout=0.001)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.port = runner.addresses[0][1]
        self._runner = runner

    async def _close(self) -> None:
        if self._accept_timer is not None:
            self._accept_timer.cancel()
            self._accept_timer = None
        self._release_placeholder()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            self.state.stopping = True
            try:
                await runner.cleanup()
            finally:
                self.state.stopping = False

    async def _restart(self) -> None:
        await self._close()
        await self._serve()

    async def _refuse(self, seconds: float | None) -> None:
        await self._close()
        placeholder = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        placeholder.bind((self.host, self.port))  # bound, never listening: connects are refused
        self._placeholder = placeholder
        if seconds is not None:
            loop = asyncio.get_running_loop()
            self._accept_timer = loop.call_later(seconds, lambda: loop.create_task(self._accept()))

    async def _accept(self) -> None:
        self._accept_timer = None
        if self._runner is None:
            await self._serve()

    def _release_placeholder(self) -> None:
        if self._placeholder is not None:
            self._placeholder.close()
            self._placeholder = None

    # ---- behaviour ----

    @property
    def token_rate(self) -> float:
        return self.state.token_rate

    @token_rate.setter
    def token_rate(self, value: float) -> None:
        self.state.token_rate = float(value)

    def set_rate(self, token_rate: float | None = None, pull_bytes_per_s: float | None = None,
                 pull_interval_s: float | None = None, load_seconds: float | None = None) -> None:
        """Change speeds at runtime; None leaves a setting as it is."""
        if token_rate is not None:
            self.state.token_rate = float(token_rate)
        if pull_bytes_per_s is not None:
            self.state.pull_bytes_per_s = float(pull_bytes_per_s)
        if pull_interval_s is not None:
            self.state.pull_interval_s = float(pull_interval_s)
        if load_seconds is not None:
            self.state.load_seconds = float(load_seconds)

    def set_response(self, response: str | list[str] | None,
                     thinking: str | list[str] | None = None) -> None:
        """Exact answer text (split into word tokens) or exact tokens; None: the default text."""
        self.state.response_tokens = _tokens(response)
        self.state.thinking_tokens = _tokens(thinking)

    def set_cloud(self, mode: str) -> None:
        """How `x:cloud` names are answered: "disabled" (403 `ollama cloud is disabled`, the
        default) or "signed_out" (401 `unauthorized` with a `signin_url`, as Ollama does until
        `ollama signin`)."""
        if mode not in ("disabled", "signed_out"):
            raise ValueError('cloud mode is "disabled" or "signed_out"')
        self.state.cloud = mode

    def require_auth(self, api_key: str | None) -> None:
        """Answer 401 `unauthorized` unless `Authorization: Bearer <api_key>`; None: no auth."""
        self.state.api_key = api_key

    def add_model(self, model: str | CatalogueModel, **fields: Any) -> CatalogueModel:
        """Install a model; fields are those of CatalogueModel (defaults: a 1B llama)."""
        entry = model if isinstance(model, CatalogueModel) else \
            CatalogueModel(name=model, **{**_MODEL_DEFAULTS, **fields})
        return self.state.installed.add(entry)

    def add_registry_model(self, model: str | CatalogueModel, **fields: Any) -> CatalogueModel:
        entry = model if isinstance(model, CatalogueModel) else \
            CatalogueModel(name=model, **{**_MODEL_DEFAULTS, **fields})
        return self.state.registry.add(entry)

    def remove_model(self, name: str) -> bool:
        model = self.state.installed.remove(name)
        if model is not None:
            self.state.unload(model)
        return model is not None

    def load_model(self, name: str, keep_alive_s: float = 300.0) -> None:
        """Put an installed model in /api/ps, as if a request had loaded it."""
        model = self.state.installed.find(name)
        if model is None:
            raise KeyError(name)
        self.state.mark_loaded(model, int(keep_alive_s * 1e9) if keep_alive_s >= 0 else 2**63 - 1)

    def reset(self) -> None:
        """Fresh catalogue, no faults, default answers and speeds, no auth, empty request log."""
        fresh = EmulatorState(token_rate=self._initial["token_rate"], version=self.state.version)
        self.faults.clear()
        state = self.state
        state.reset_catalogue()
        for name in ("token_rate", "pull_bytes_per_s", "pull_interval_s", "load_seconds",
                     "response_tokens", "thinking_tokens", "api_key", "extra_origins", "cloud"):
            setattr(state, name, getattr(fresh, name))
        state.clear_requests()

    # ---- what was asked ----

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests()

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.state.requests() if r.path == path]

    def last_request(self, path: str | None = None) -> RecordedRequest | None:
        records = self.requests_to(path) if path else self.state.requests()
        return records[-1] if records else None

    def clear_requests(self) -> None:
        self.state.clear_requests()

    def wait_for(self, predicate: Callable[[], T], timeout: float = 2.0,
                 interval: float = 0.005) -> T:
        """Poll until predicate() is truthy and return its value; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(interval)

    async def wait_for_async(self, predicate: Callable[[], T], timeout: float = 2.0,
                             interval: float = 0.005) -> T:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)


def _tokens(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    return list(value) if isinstance(value, list) else split_tokens(value)
