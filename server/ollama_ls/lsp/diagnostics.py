"""Diagnostics on model names in config files, debounced per document, refreshed when the model
list or the server's reachability changes."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from ollama_ls.findings import Finding
from ollama_ls.lsp.documents import config_document, open_config_uris, to_lsp_range
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.payloads import DIAGNOSTIC_SOURCE
from ollama_ls.facade import OllamaEditorTools, Status
from ollama_ls.facade.document_problems import find_problems

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


class DiagnosticsScheduler:
    """One pending run per document: a newer edit replaces the waiting run."""

    def __init__(self, server: OllamaLanguageServer) -> None:
        self.server = server
        self._pending: dict[str, asyncio.Task[None]] = {}

    def schedule(self, uri: str, delay: float | None = None) -> None:
        if delay is None:
            delay = self.server.settings.diagnostics.debounce_ms / 1000
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = self.server.spawn(self._run(uri, delay), name=f"diagnostics {uri}")

    def refresh_all(self) -> None:
        for uri in open_config_uris(self.server):
            self.schedule(uri, delay=0)

    async def _run(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        found = config_document(self.server, uri)
        if found is None:
            return
        document, kind = found
        diagnostics: list[types.Diagnostic] = []
        if self.server.settings.diagnostics.enable:
            settings = self.server.settings
            findings = await find_problems(
                self.server.tools, document.source, kind,
                settings.model_keys, uri, settings.scan.disable,
            )  # fmt: skip
            diagnostics = [to_diagnostic(finding) for finding in findings]
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=document.version, diagnostics=diagnostics
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

    def on_status(previous: Status | None, status: Status) -> None:
        if previous is None or previous.reachable != status.reachable:
            scheduler.refresh_all()

    async def watch(tools: OllamaEditorTools) -> None:
        tools.on_status_change(on_status)
        tools.on_models_change(lambda _models: scheduler.refresh_all())
        scheduler.refresh_all()

    server.tools_listeners.append(watch)
    events = server.document_events
    events.opened.add(lambda params: scheduler.schedule(params.text_document.uri, 0))
    events.changed.add(lambda params: scheduler.schedule(params.text_document.uri))
    events.saved.add(lambda params: scheduler.schedule(params.text_document.uri, 0))
    events.closed.add(lambda params: scheduler.clear(params.text_document.uri))
    return scheduler
