"""What one emulator knows: installed models, registry, running models, settings, request log."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from ollama_ls.modelname import model_key

from . import catalogue
from .catalogue import CatalogueModel
from .gojson import MAX_DURATION_NS

DEFAULT_KEEP_ALIVE_NS = 5 * 60 * 1_000_000_000
DEFAULT_NUM_CTX = 4096


class ModelTable(dict):
    """Models keyed by their case-insensitive full name (`registry.ollama.ai/library/m:tag`)."""

    def __init__(self, models: Iterable[CatalogueModel] = ()) -> None:
        super().__init__()
        for model in models:
            self.add(model)

    def add(self, model: CatalogueModel) -> CatalogueModel:
        self[model.key] = model
        return model

    def find(self, name: str) -> CatalogueModel | None:
        return self.get(model_key(name))

    def remove(self, name: str) -> CatalogueModel | None:
        return self.pop(model_key(name), None)


@dataclass
class RunningModel:
    model: CatalogueModel
    expires_ns: int
    context_length: int
    active_requests: int = 0

    @property
    def size(self) -> int:
        return self.model.size + self.context_length * 16_384  # weights plus a KV cache


@dataclass
class RecordedRequest:
    """One request the emulator served, as tests see it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None when the body is empty or not JSON
    raw_body: bytes
    started_at: float = field(default_factory=time.monotonic)
    status: int | None = None
    chunks: int = 0  # NDJSON lines written
    fault: str | None = None
    closed_early: bool = False  # the client went away before the response was complete
    finished: bool = False
    finished_at: float | None = None  # time.monotonic(), as started_at

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method, "path": self.path, "query": self.query,
            "headers": self.headers, "body": self.body, "status": self.status,
            "chunks": self.chunks, "fault": self.fault, "closed_early": self.closed_early,
            "finished": self.finished,
        }


class EmulatorState:
    """Mutable state shared by the HTTP handlers (emulator thread) and the test (its thread)."""

    def __init__(self, token_rate: float = 200.0, version: str = "0.33.0") -> None:
        self.version = version
        self.token_rate = token_rate
        self.pull_bytes_per_s = 16 * 1024**3
        self.pull_interval_s = 0.06
        self.load_seconds = 0.0  # extra time to "load" a model that is not running
        self.response_tokens: list[str] | None = None
        self.thinking_tokens: list[str] | None = None
        self.api_key: str | None = None
        self.extra_origins: list[str] = []  # OLLAMA_ORIGINS
        self.check_host = True  # Ollama checks the Host header when it listens on loopback
        # Cloud models (`x:cloud`): "disabled" (OLLAMA_NO_CLOUD: 403) or "signed_out" (401).
        self.cloud = "disabled"
        self.stopping = False
        self._log_lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self.reset_catalogue()

    def reset_catalogue(self) -> None:
        installed = catalogue.installed_models()
        self.installed = ModelTable(installed)
        self.registry = ModelTable(catalogue.registry_models())
        for model in installed:
            self.registry.add(model.renamed(model.name, model.modified_ns))
        self.running: dict[str, RunningModel] = {}
        self.downloaded_blobs: set[str] = set()  # blobs of pulls that did not finish
        self.mark_loaded(self.installed.find("llama3.2:latest"), DEFAULT_KEEP_ALIVE_NS)

    # ---- running models ----

    def mark_loaded(self, model: CatalogueModel | None, keep_alive_ns: int,
                    num_ctx: int | None = None) -> RunningModel | None:
        if model is None:
            return None
        now = time.time_ns()
        expires = now + keep_alive_ns if keep_alive_ns < MAX_DURATION_NS else now + MAX_DURATION_NS
        context = min(num_ctx or DEFAULT_NUM_CTX, model.context_length)
        running = self.running.get(model.key)
        if running is None or running.model is not model:
            running = RunningModel(model, expires, context)
            self.running[model.key] = running
        else:
            running.expires_ns, running.context_length = expires, context
        return running

    def unload(self, model: CatalogueModel) -> None:
        self.running.pop(model.key, None)

    def running_models(self) -> list[RunningModel]:
        now = time.time_ns()
        for key, running in list(self.running.items()):
            expired = running.expires_ns <= now and running.active_requests == 0
            if expired or self.installed.get(key) is not running.model:
                self.running.pop(key, None)
        return sorted(self.running.values(), key=lambda r: r.expires_ns, reverse=True)

    def is_loaded(self, model: CatalogueModel) -> bool:
        return any(r.model is model for r in self.running_models())

    # ---- blobs ----

    def blobs_on_disk(self) -> set[str]:
        installed = {layer.digest for model in self.installed.values() for layer in model.layers}
        return installed | self.downloaded_blobs

    # ---- request log ----

    def record(self, request: RecordedRequest) -> None:
        with self._log_lock:
            self._requests.append(request)

    def requests(self) -> list[RecordedRequest]:
        with self._log_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._log_lock:
            self._requests.clear()
