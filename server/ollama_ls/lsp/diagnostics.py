"""Diagnostics on model names in config files, debounced per document, refreshed when the model
list or the server's reachability changes."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types

from ollama_ls.lsp.documents import config_document, open_config_uris, parse_states, to_lsp_range
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.payloads import DIAGNOSTIC_SOURCE

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
    from ollama_ls.facade import OllamaEditorTools, Status
    from ollama_ls.findings import Finding

log = logging.getLogger(__name__)

SOURCE = DIAGNOSTIC_SOURCE
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
}


def to_diagnostic(finding: Finding) -> types.Diagnostic:
    return types.Diagnostic(
        range=to_lsp_range(finding.range),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        source=SOURCE,
        data={"model": finding.model, "alternatives": list(finding.alternatives)},
    )


def find_problems(*args: Any, **kwargs: Any) -> Any:
    """`facade.document_problems.find_problems`, imported on first use (issue 12)."""
    from ollama_ls.facade.document_problems import find_problems

    return find_problems(*args, **kwargs)


T = TypeVar("T")
SWITCH_INTERVAL = 0.0005


class Recheck:
    """One diagnostics run of one document. Its CPU-bound steps (scan, check) run in the
    scheduler's worker thread, so the event loop keeps answering hover, completion and the other
    documents meanwhile. `cancel()` (a newer edit arrived) skips the steps not started yet and
    makes the waiting step raise `CancelledError` at once; nothing is published."""

    def __init__(self, uri: str, executor: ThreadPoolExecutor) -> None:
        self.uri = uri
        self._executor = executor
        self._cancelled = threading.Event()
        self.task: asyncio.Task[None] | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        if self.task is not None:
            self.task.cancel()

    async def run(self, work: Callable[[], T]) -> T:
        if self.cancelled:
            raise asyncio.CancelledError
        loop = asyncio.get_running_loop()

        def step() -> T:
            if self.cancelled:  # queued behind an older step and cancelled meanwhile
                raise asyncio.CancelledError
            return work()

        result = await loop.run_in_executor(self._executor, step)
        if self.cancelled:
            raise asyncio.CancelledError
        return result


class DiagnosticsScheduler:
    """One run per document: a newer edit cancels the waiting or running one."""

    def __init__(self, server: OllamaLanguageServer) -> None:
        self.server = server
        self._pending: dict[str, Recheck] = {}
        # One worker: rechecks never compete with each other for the GIL, and a cancelled one
        # gives the worker back after its current step.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ollama-ls-check")
        # While the worker holds the GIL, the event loop gets it back after the switch interval:
        # 5 ms by default, several times per request. With only one thread runnable (no
        # recheck) the interval costs nothing.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))

    def running(self, uri: str) -> Recheck | None:
        return self._pending.get(uri)

    def schedule(self, uri: str, delay: float | None = None) -> Recheck:
        if delay is None:
            delay = self.server.settings_for(uri).diagnostics.debounce_ms / 1000
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        recheck = Recheck(uri, self._executor)
        self._pending[uri] = recheck
        recheck.task = self.server.spawn(self._run(recheck, delay), name=f"diagnostics {uri}")
        return recheck

    def refresh_all(self) -> None:
        for uri in open_config_uris(self.server):
            self.schedule(uri, delay=0)

    async def _run(self, recheck: Recheck, delay: float) -> None:
        from ollama_ls.scan import scan

        uri = recheck.uri
        await asyncio.sleep(delay)
        found = config_document(self.server, uri)
        if found is None:
            return
        document, kind = found
        source, version = document.source, document.version
        diagnostics: list[types.Diagnostic] = []
        settings = self.server.settings_for(uri)
        if settings.diagnostics.enable:
            model_keys, disabled = settings.model_keys, settings.scan.disable
            state = parse_states(self.server).get(uri)
            findings = await find_problems(
                self.server.tools, source, kind, model_keys, uri, disabled,
                spelling=False, run=recheck.run,
                scanner=lambda: scan(source, kind, model_keys, uri, disabled, incremental=state),
            )  # fmt: skip
            diagnostics = await recheck.run(lambda: [to_diagnostic(f) for f in findings])
        if recheck.cancelled:
            return
        if self._pending.get(uri) is recheck:
            del self._pending[uri]
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=diagnostics
            )
        )

    def clear(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )


def register(server: OllamaLanguageServer) -> DiagnosticsScheduler:
    scheduler = DiagnosticsScheduler(server)
    # Everything imported so far (lsprotocol's types above all) lives as long as the process:
    # kept out of the collector's full passes, which otherwise added ~50 ms to every other scan
    # of a 10,000-line file (measured in process; bench/lsp_scale.py for the whole server).
    gc.freeze()

    def on_status(previous: Status | None, status: Status) -> None:
        if previous is None or previous.reachable != status.reachable:
            scheduler.refresh_all()

    async def watch(tools: OllamaEditorTools) -> None:
        tools.on_status_change(on_status)
        tools.on_models_change(lambda _models: scheduler.refresh_all())
        scheduler.refresh_all()

    server.tools_listeners.append(watch)
    server.settings_changed.add(lambda: scheduler.refresh_all() if server.started else None)
    events = server.document_events
    events.opened.add(lambda params: scheduler.schedule(params.text_document.uri, 0))
    events.changed.add(lambda params: scheduler.schedule(params.text_document.uri))
    events.saved.add(lambda params: scheduler.schedule(params.text_document.uri, 0))
    events.closed.add(lambda params: scheduler.clear(params.text_document.uri))
    return scheduler
