"""The LSP features' pure parts, in process: payloads, client capabilities, arguments, events
and the operation registry. The end-to-end tests in tests/lsp drive the same code through a real
client; these run in milliseconds."""

from __future__ import annotations

import asyncio
import logging

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import client_capabilities

from ollama_ls.facade import ModelSummary, RunningModelInfo, Status
from ollama_ls.listeners import Listeners
from ollama_ls.lsp import client_capabilities as capabilities
from ollama_ls.lsp.command_helpers import first_argument
from ollama_ls.lsp.custom_requests import model_payload
from ollama_ls.lsp.events import DocumentEvents
from ollama_ls.lsp.generate import parse_request
from ollama_ls.lsp.markup import markup, plain
from ollama_ls.lsp.operations import OperationRegistry
from ollama_ls.lsp.status import status_payload


@pytest.mark.parametrize(
    ("client", "completion_markdown", "versioned_edits"),
    [("visual-studio-code", True, True), ("neovim", True, False), ("emacs", False, True)],
)
def test_what_each_client_gets(client, completion_markdown, versioned_edits):
    caps = client_capabilities(client)
    assert capabilities.completion_takes_markdown(caps) is completion_markdown
    assert capabilities.hover_takes_markdown(caps)
    assert capabilities.supports_document_changes(caps) is versioned_edits


def test_a_client_without_markdown_gets_plain_text():
    bare = types.ClientCapabilities()
    assert not capabilities.completion_takes_markdown(bare)
    assert not capabilities.hover_takes_markdown(bare)
    assert not capabilities.supports_document_changes(bare)
    assert not capabilities.supports_work_done_progress(bare)
    assert not capabilities.can_pull_configuration(bare)
    text = markup("### llama3.2\n\n| | |\n|---|---|\n| size | **2 GB** |\n`x`", as_markdown=False)
    assert text == plain("### llama3.2\n\n| | |\n|---|---|\n| size | **2 GB** |\n`x`")
    assert "llama3.2" in text and "size: 2 GB" in text and "|" not in text and "`" not in text


def test_vscode_gets_versioned_edits_and_progress():
    caps = client_capabilities("visual-studio-code")
    assert capabilities.supports_document_changes(caps)
    assert capabilities.supports_work_done_progress(caps)
    assert capabilities.can_pull_configuration(caps)


def test_status_payload_has_every_key_in_camel_case():
    status = Status(
        reachable=True, base_url="http://127.0.0.1:11434", version="0.12.0", model_count=2,
        running_models=(RunningModelInfo("llama3.2:latest", 10, 5, "2026-11-30T20:00:00Z"),),
        latency_ms=3.5,
    )  # fmt: skip
    assert status_payload(status) == {
        "reachable": True, "baseUrl": "http://127.0.0.1:11434", "version": "0.12.0",
        "modelCount": 2, "latencyMs": 3.5, "error": None, "suggestion": None,
        "runningModels": [{"name": "llama3.2:latest", "size": 10, "sizeVram": 5,
                           "expiresAt": "2026-11-30T20:00:00Z"}],
    }  # fmt: skip
    summary = ModelSummary("m:1b", 1, "sha256:x", "2026", "llama", "1B", "Q4", ("completion",))
    assert model_payload(summary)["contextLength"] is None
    assert model_payload(summary)["capabilities"] == ["completion"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "needs {uri, position}"),
        (({"uri": "file:///a"},), "needs {uri, position}"),
        (({"uri": "file:///a", "position": {"line": -1, "character": 0}},), "must not be negative"),
        (({"uri": "file:///a", "position": {"line": "x"}},), "must be {line, character}"),
        (({"uri": "file:///a", "position": {"line": 0, "character": 0}, "mode": "x"},), "mode must be"),
    ],
)
def test_generate_arguments_are_checked(args, message):
    with pytest.raises(JsonRpcInvalidParams, match=message):
        parse_request(args)


def test_generate_arguments_are_normalised():
    request = parse_request(({"uri": "file:///a", "range": {"start": {"line": 2, "character": 0},
                                                             "end": {"line": 1, "character": 4}},
                              "prompt": "  ", "model": " llama3.2 "},))  # fmt: skip
    assert (request.start.line, request.end.line) == (1, 2)  # a backwards selection is turned
    assert request.instruction is None and request.model == "llama3.2"
    assert first_argument(("llama3.2",)) == {"model": "llama3.2"}
    assert first_argument((42,)) == {} and first_argument(()) == {}


def test_one_failing_listener_does_not_stop_the_others(caplog):
    events = DocumentEvents()
    heard: list[str] = []

    def broken(params):
        raise RuntimeError("boom")

    events.changed.add(broken)
    stop = events.changed.add(lambda params: heard.append(params.text_document.uri))
    params = types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri="file:///a", version=2), content_changes=[]
    )
    with caplog.at_level(logging.ERROR):
        events.changed.emit(params)
    assert heard == ["file:///a"] and "didChange listener failed" in caplog.text
    stop()
    events.changed.emit(params)
    assert heard == ["file:///a"]


async def test_async_listeners_are_awaited_and_isolated():
    listeners: Listeners[[int]] = Listeners("numbers")
    seen: list[int] = []

    async def slow(value: int) -> None:
        await asyncio.sleep(0)
        seen.append(value)

    listeners.add(lambda value: 1 / 0)
    listeners.add(slow)
    await listeners.emit_async(7)
    assert seen == [7]


class FakeOperation:
    def __init__(self, id: str, kind: str, request_id=None) -> None:
        self.id, self.kind, self.request_id, self.cancelled = id, kind, request_id, False

    def cancel(self) -> None:
        self.cancelled = True


def test_operation_registry_cancels_by_id_kind_request_or_all():
    registry = OperationRegistry()
    pull, gen1, gen2 = FakeOperation("p", "pull", 1), FakeOperation("g1", "generate", 2), FakeOperation("g2", "generate")
    for operation in (pull, gen1, gen2):
        registry.add(operation)  # type: ignore[arg-type]
    assert len(registry) == 3 and registry
    assert registry.cancel("p") == 1 and pull.cancelled and not gen1.cancelled
    registry.cancel_request(2)
    assert gen1.cancelled and not gen2.cancelled
    assert registry.cancel("generate") == 2
    registry.remove(pull)  # type: ignore[arg-type]
    assert registry.cancel() == 2


class _EditorThatNeverReports:
    """Applies every edit and never sends the didChange for it (a slow or odd client)."""

    client_capabilities = types.ClientCapabilities()

    def __init__(self, uri: str, text: str) -> None:
        from pygls.workspace import Workspace

        self.workspace = Workspace(None)
        self.workspace.put_text_document(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )

    async def workspace_apply_edit_async(self, params):
        return types.ApplyWorkspaceEditResult(applied=True)


class _Operation:
    def __init__(self) -> None:
        self.cancel_event = asyncio.Event()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        self.cancel_event.set()


async def test_a_cancel_ends_the_wait_for_the_editors_report_of_our_edit(monkeypatch):
    from ollama_ls.lsp import generate

    monkeypatch.setattr(generate, "OWN_EDIT_GRACE", 3600.0)  # only a cancel can end the wait
    uri = "file:///notes.md"
    request = parse_request([{"uri": uri, "position": {"line": 0, "character": 5}}])
    generation = generate.Generation(_EditorThatNeverReports(uri, "Hello\n"), request, "m")
    generation.operation = _Operation()
    at = types.Position(line=0, character=5)
    writing = asyncio.ensure_future(generation._apply(types.Range(start=at, end=at), " there"))
    await asyncio.sleep(0.05)
    assert not writing.done()  # waiting for the editor's didChange
    generation.operation.cancel()
    assert await asyncio.wait_for(writing, 5.0) is True
    assert generation.region.end == types.Position(line=0, character=11)
    # Once cancelled, a further edit does not wait at all.
    assert await asyncio.wait_for(generation._apply(types.Range(start=at, end=at), "!"), 5.0)
