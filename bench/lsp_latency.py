"""End to end over a real LSP connection: `python -m ollama_ls serve` on stdio, driven by pygls'
LanguageClient, talking to the emulator (its own process) over 127.0.0.1.

    .venv/bin/python bench/lsp_latency.py [--quick]

Measured from this client (send -> answer):
  * didOpen -> first publishDiagnostics for that document (each a new URI);
  * completion and hover on a model value, median and p95 over N requests;
  * ollama.generate (workspace/executeCommand) -> first workspace/applyEdit, and -> the result;
    this client applies each edit, sends didChange, then answers {applied: true}, as VS Code does.
Side by side, the floor for each: the same work called directly in this process (`slot_at` on the
same text; the first chunk of `OllamaClient.generate` on the same prompt and emulator).
Documents: the small (~30 lines) and large (~8,000 lines) YAML of bench/scanner.py.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import httpx
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.workspace import TextDocument

from _util import emulator_process, median, p95, parse_args, print_machine, table
from ollama_ls.client import ClientConfig, OllamaClient
from ollama_ls.scan import FileKind, slot_at
from scanner import LARGE_ENTRIES, SMALL_ENTRIES, yaml_doc

CAPABILITIES = types.ClientCapabilities(
    workspace=types.WorkspaceClientCapabilities(
        apply_edit=True,
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
    ),
)
CURSOR = (7, 14)  # inside `    model: llama3.2:3b` (llm.config; not installed on the emulator)
INSTALLED = (yaml_doc(1).splitlines().index("    model: llama3.2"), 14)  # the first agent's model
MARKDOWN_PROMPT = "# Notes\n\nThe sky is blue because"


class BenchClient:
    """A language client that keeps its documents, applies the server's edits and notes when
    diagnostics and edits arrive."""

    def __init__(self) -> None:
        self.lsp = LanguageClient("ollama-ls-bench", "1")
        self.documents: dict[str, TextDocument] = {}
        self.diagnostics_at: dict[str, float] = {}
        self.edit_times: list[float] = []
        self.statuses = 0
        # pygls wants plain functions as handlers (it sets attributes on them).
        lsp = self.lsp

        @lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self._on_diagnostics(params)

        @lsp.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            return self._apply_edit(params)

        @lsp.feature("ollama/status")
        def on_status(params: Any) -> None:
            self.statuses += 1

        for method in ("ollama/progress", types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            lsp.feature(method)(lambda params: None)

    def _on_diagnostics(self, params: types.PublishDiagnosticsParams) -> None:
        self.diagnostics_at.setdefault(params.uri, time.perf_counter())

    def _apply_edit(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        self.edit_times.append(time.perf_counter())
        for change in params.edit.document_changes or []:
            uri = change.text_document.uri
            document = self.documents[uri]
            if change.text_document.version not in (None, document.version):
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="stale")
            partials = [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                        for e in change.edits]
            for partial in partials:
                document.apply_change(partial)
            document.version += 1
            self.lsp.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=document.version),
                content_changes=partials,
            ))
        return types.ApplyWorkspaceEditResult(applied=True)

    async def start(self, base_url: str) -> None:
        await self.lsp.start_io(sys.executable, "-m", "ollama_ls", "serve")
        await self.lsp.initialize_async(types.InitializeParams(
            capabilities=CAPABILITIES, initialization_options={"ollama": {"baseUrl": base_url}},
        ))
        self.lsp.initialized(types.InitializedParams())
        while not self.statuses:  # the first status probe has answered
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        await self.lsp.shutdown_async(None)
        self.lsp.exit(None)
        await self.lsp.stop()

    def open(self, uri: str, text: str, language_id: str) -> None:
        self.documents[uri] = TextDocument(uri, source=text, version=1, language_id=language_id)
        self.lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
        ))


def ms(seconds: list[float]) -> list[str]:
    return [f"{median(seconds) * 1000:.1f}", f"{p95(seconds) * 1000:.1f}"]


async def timed(call) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


def ollama_requests(base_url: str) -> int:
    """How many API requests the emulator has served so far (control routes excluded)."""
    return len(httpx.get(f"{base_url}/_emulator/requests").json()["requests"])


async def config_file_latency(
    client: BenchClient, base_url: str, opens: int, requests: int, quick: bool
) -> None:
    rows = []
    position = types.Position(line=CURSOR[0], character=CURSOR[1])
    for label, entries in (("small", SMALL_ENTRIES), ("large", LARGE_ENTRIES)):
        text = yaml_doc(entries)
        lines = text.count("\n")
        n = requests if label == "small" else max(5, requests // 10)

        diagnostics = []
        for i in range(opens):
            uri = f"file:///bench/{label}-{i}/config.yaml"
            started = time.perf_counter()
            client.open(uri, text, "yaml")
            while uri not in client.diagnostics_at:
                await asyncio.sleep(0.0005)
            diagnostics.append(client.diagnostics_at[uri] - started)
        rows.append([f"didOpen -> publishDiagnostics ({label}, {lines} lines)", opens,
                     f"{diagnostics[0] * 1000:.1f}", *ms(diagnostics[1:] or diagnostics), "—"])

        uri = f"file:///bench/{label}-0/config.yaml"
        document = types.TextDocumentIdentifier(uri=uri)
        completion = types.CompletionParams(text_document=document, position=position)
        hover = types.HoverParams(text_document=document, position=position)
        hover_installed = types.HoverParams(
            text_document=document, position=types.Position(line=INSTALLED[0], character=INSTALLED[1])
        )
        for name, call in (
            ("completion", lambda: client.lsp.text_document_completion_async(completion)),
            ("hover, installed model", lambda: client.lsp.text_document_hover_async(hover_installed)),
            ("hover, model not installed", lambda: client.lsp.text_document_hover_async(hover)),
        ):
            answer = await call()
            assert answer, (name, label)
            before = ollama_requests(base_url)
            samples = [await timed(call) for _ in range(n)]
            sent = (ollama_requests(base_url) - before) / n
            rows.append([f"{name} ({label}, {lines} lines)", n, f"{samples[0] * 1000:.1f}",
                         *ms(samples), f"{sent:.1f}"])
        # The floor: finding the slot under the cursor, in this process.
        local = []
        for _ in range(n):
            started = time.perf_counter()
            slot_at(text, FileKind.YAML, *CURSOR)
            local.append(time.perf_counter() - started)
        rows.append([f"  floor: slot_at in-process ({label})", n, f"{local[0] * 1000:.1f}",
                     *ms(local), "—"])
    print(f"## Config files ({'quick' if quick else 'full'} run)\n")
    table(["what", "n", "first ms", "median ms", "p95 ms", "Ollama requests each"], rows)


async def generate_latency(client: BenchClient, base_url: str, runs: int) -> None:
    rows = []
    async with httpx.AsyncClient() as control, OllamaClient(ClientConfig(base_url=base_url)) as direct:
        await control.post(f"{base_url}/_emulator/response",
                           json={"tokens": [f" w{i}" for i in range(40)]})
        for rate in (50.0, 1e6):
            await control.post(f"{base_url}/_emulator/rate", json={"token_rate": rate})
            first_edit, total, server_ttft, floor = [], [], [], []
            for i in range(runs):
                uri = f"file:///bench/notes-{rate:g}-{i}.md"
                client.open(uri, MARKDOWN_PROMPT, "markdown")
                client.edit_times.clear()
                line = MARKDOWN_PROMPT.count("\n")
                params = types.ExecuteCommandParams(command="ollama.generate", arguments=[{
                    "uri": uri, "model": "llama3.2",
                    "position": {"line": line, "character": len(MARKDOWN_PROMPT.splitlines()[-1])},
                }])
                started = time.perf_counter()
                result = await client.lsp.workspace_execute_command_async(params)
                total.append(time.perf_counter() - started)
                first_edit.append(client.edit_times[0] - started)
                server_ttft.append(_field(result, "timeToFirstTokenMs") / 1000)
                assert client.documents[uri].source.endswith(" w39")
                # The floor: our client alone, the same prompt, to its first chunk with text.
                started = time.perf_counter()
                first = None
                async with direct.generate("llama3.2", MARKDOWN_PROMPT, stream=True, raw=True) as s:
                    async for chunk in s:  # read to the end: closing early is another test
                        if chunk.response and first is None:
                            first = time.perf_counter() - started
                floor.append(first)
            label = f"{rate:g} tokens/s"
            rows.append([f"ollama.generate -> first applyEdit ({label})", runs, *ms(first_edit)])
            rows.append([f"ollama.generate -> result, 40 tokens ({label})", runs, *ms(total)])
            rows.append([f"  server's own time to first token ({label})", runs, *ms(server_ttft)])
            rows.append([f"  floor: OllamaClient first chunk, no LSP ({label})", runs, *ms(floor)])
    print("## ollama.generate into a Markdown document\n")
    table(["what", "n", "median ms", "p95 ms"], rows)


def _field(result: Any, name: str) -> Any:
    return result[name] if isinstance(result, dict) else getattr(result, name)


async def run(quick: bool) -> None:
    with emulator_process(rate=1e6) as base_url:
        client = BenchClient()
        started = time.perf_counter()
        await client.start(base_url)
        print(f"server start -> initialized -> first ollama/status: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms\n")
        try:
            await config_file_latency(client, base_url, opens=5 if quick else 20,
                                      requests=30 if quick else 200, quick=quick)
            await generate_latency(client, base_url, runs=3 if quick else 20)
        finally:
            await client.stop()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    print_machine()
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
