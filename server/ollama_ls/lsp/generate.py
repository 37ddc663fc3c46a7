"""`ollama.generate`: stream a model's answer into the document while the user keeps working.

Edits go through `workspace/applyEdit`, coalesced (one edit in flight; the next carries what
arrived meanwhile, at most every ~30 ms or when enough text waits). Each edit names the document
version it was computed for, so an editor refuses it if the user typed in between; we then
re-place it after the user's change. A user edit inside the generated text stops the generation.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ollama_ls.modelname import model_key
from ollama_ls.lsp.edit_tracking import EditConflict, GeneratedRegion, end_after_insert
from ollama_ls.lsp.errors import request_failed
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.client_capabilities import supports_document_changes
from ollama_ls.lsp.command_helpers import (
    first_argument,
    models_named_in_workspace,
    pull_with_progress,
)
from ollama_ls.lsp.operations import Cancelled, Operation
from ollama_ls.lsp.payloads import GenerateResult, PullResult, to_wire
from ollama_ls.lsp.prompting import context_around, instruction_prompt

log = logging.getLogger(__name__)

GENERATE = "ollama.generate"
FLUSH_INTERVAL = 0.03
FLUSH_SIZE = 200
MAX_EDIT_RETRIES = 5
# How long to wait for the editor's didChange of our own edit after it said the edit applied.
OWN_EDIT_GRACE = 2.0


@dataclass(frozen=True)
class GenerateRequest:
    uri: str
    start: types.Position
    end: types.Position
    mode: str  # "insert" or "replace"
    instruction: str | None
    model: str | None


class GenerationStopped(Exception):
    """The document moved under us in a way we must not write into."""


def _position(value: Any, what: str) -> types.Position:
    try:
        line, character = int(value["line"]), int(value["character"])
    except (TypeError, KeyError, ValueError) as error:
        raise JsonRpcInvalidParams(f"{what} must be {{line, character}}") from error
    if line < 0 or character < 0:
        raise JsonRpcInvalidParams(f"{what} must not be negative")
    return types.Position(line=line, character=character)


def parse_request(args: tuple[Any, ...]) -> GenerateRequest:
    arguments = first_argument(args)
    uri = arguments.get("uri")
    if not isinstance(uri, str) or not uri:
        raise JsonRpcInvalidParams("ollama.generate needs {uri, position} or {uri, range}")
    if arguments.get("range"):
        selection = arguments["range"]
        if not isinstance(selection, dict):
            raise JsonRpcInvalidParams("range must be {start, end}")
        start = _position(selection.get("start"), "range.start")
        end = _position(selection.get("end"), "range.end")
        if (end.line, end.character) < (start.line, start.character):
            start, end = end, start
    elif arguments.get("position"):
        start = end = _position(arguments["position"], "position")
    else:
        raise JsonRpcInvalidParams("ollama.generate needs {uri, position} or {uri, range}")
    mode = arguments.get("mode") or "insert"
    if mode not in ("insert", "replace"):
        raise JsonRpcInvalidParams('mode must be "insert" or "replace"')
    instruction = arguments.get("prompt")
    model = arguments.get("model")
    return GenerateRequest(
        uri=uri,
        start=start,
        end=end,
        mode=mode,
        instruction=instruction if isinstance(instruction, str) and instruction.strip() else None,
        model=model.strip() if isinstance(model, str) and model.strip() else None,
    )


class Generation:
    def __init__(self, server: OllamaLanguageServer, request: GenerateRequest, model: str) -> None:
        self.server = server
        self.request = request
        self.model = model
        replace = request.mode == "replace"
        anchor = request.start if replace else request.end
        self.region = GeneratedRegion(start=anchor, end=anchor)
        # Replace mode removes the selection with the first chunk, so a failure before any
        # text arrives leaves the selection untouched.
        self.pending_replace: types.Range | None = (
            types.Range(start=request.start, end=request.end) if replace else None
        )
        self.inserted: list[str] = []
        self.buffer: list[str] = []
        self.own_edit: tuple[types.Position, str] | None = None
        # The whole document as our pending edit leaves it: an editor may report the edit as
        # several smaller changes (VS Code diffs a replacement), which still add up to this.
        self.own_edit_result: str | None = None
        self.own_edit_seen = asyncio.Event()
        self.stop_reason: str | None = None
        self._flush_task: asyncio.Future[None] | None = None
        self.operation: Operation | None = None

    # -- following the document ---------------------------------------------------------------

    def on_change(self, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri != self.request.uri or self.stop_reason:
            return
        if self.own_edit is not None and self._document_text() == self.own_edit_result:
            self._own_edit_landed()
            return
        for change in params.content_changes:
            if not isinstance(change, types.TextDocumentContentChangePartial):
                self._stop("the whole document was replaced")
                return
            if self.own_edit is not None and (
                change.range.start == self.own_edit[0] and change.text == self.own_edit[1]
            ):
                self._own_edit_landed()
                continue
            try:
                self.region.apply_user_change(change.range, change.text)
            except EditConflict:
                self._stop("you edited the text being generated")
                return

    def _document_text(self) -> str:
        return self.server.workspace.get_text_document(self.request.uri).source

    def _own_edit_landed(self) -> None:
        assert self.own_edit is not None
        start, text = self.own_edit
        self.region.end = end_after_insert(start, text)
        self.own_edit = None
        self.own_edit_seen.set()

    def on_close(self, params: types.DidCloseTextDocumentParams) -> None:
        if params.text_document.uri == self.request.uri:
            self._stop("the document was closed")

    def _stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
            if self.operation is not None:
                self.operation.cancel()

    # -- writing ------------------------------------------------------------------------------

    async def flush(self) -> None:
        """Write what waits. Shielded: an edit once sent is always accounted for, even when
        the generation is cancelled meanwhile."""
        await self._settle()
        if not self.buffer or self.stop_reason:
            return
        self._flush_task = asyncio.ensure_future(self._write_buffer())
        await asyncio.shield(self._flush_task)

    async def _settle(self) -> None:
        """Wait for an edit still in flight (one at a time keeps positions right)."""
        if self._flush_task is not None and not self._flush_task.done():
            try:
                await asyncio.shield(self._flush_task)
            except GenerationStopped:
                pass

    async def _write_buffer(self) -> None:
        text = "".join(self.buffer)
        self.buffer.clear()
        for _ in range(MAX_EDIT_RETRIES):
            target = self.pending_replace or types.Range(start=self.region.end, end=self.region.end)
            if await self._apply(target, text):
                if self.pending_replace is not None:
                    self.region.start = target.start
                    self.pending_replace = None
                self.inserted.append(text)
                return
            if self.stop_reason:
                break
        self._stop(self.stop_reason or "the editor refused the edit")
        raise GenerationStopped(self.stop_reason)

    async def _apply(self, target: types.Range, text: str) -> bool:
        document = self.server.workspace.get_text_document(self.request.uri)
        self.own_edit = (target.start, text)
        source = document.source
        self.own_edit_result = (
            source[: document.offset_at_position(target.start)]
            + text
            + source[document.offset_at_position(target.end) :]
        )
        self.own_edit_seen.clear()
        edit = types.TextEdit(range=target, new_text=text)
        if supports_document_changes(self.server.client_capabilities):
            workspace_edit = types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=self.request.uri, version=document.version
                        ),
                        edits=[edit],
                    )
                ]
            )
        else:
            workspace_edit = types.WorkspaceEdit(changes={self.request.uri: [edit]})
        # Shielded: once sent, the edit's outcome must be recorded even if we are cancelled.
        result = await asyncio.shield(
            self.server.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=workspace_edit, label="Ollama: generate")
            )
        )
        if not result.applied:
            self.own_edit = None
            return False
        if self.own_edit is not None and not await self._own_edit_reported():
            self.region.end = end_after_insert(target.start, text)
            self.own_edit = None
        return True

    async def _own_edit_reported(self) -> bool:
        """The editor's didChange normally arrives before its reply; allow OWN_EDIT_GRACE for
        a late one, but not once the user has cancelled: then the generation ends at once."""
        operation = self.operation
        if operation is not None and operation.cancelled:
            return self.own_edit_seen.is_set()
        waits = [asyncio.ensure_future(self.own_edit_seen.wait())]
        if operation is not None:
            waits.append(asyncio.ensure_future(operation.cancel_event.wait()))
        try:
            await asyncio.wait(waits, timeout=OWN_EDIT_GRACE, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return self.own_edit_seen.is_set()

    # -- the run ------------------------------------------------------------------------------

    def _prompt(self) -> dict[str, Any]:
        document = self.server.workspace.get_text_document(self.request.uri)
        context = context_around(document, self.request.start, self.request.end)
        if self.request.instruction:
            return {"prompt": instruction_prompt(self.request.instruction, context.selection, context.prefix)}
        if context.selection.strip():
            return {"prompt": context.selection}
        return {"prompt": context.prefix[-8000:] or " ", "raw": True}

    async def run(self) -> dict[str, Any]:
        from ollama_ls.client import OllamaError

        title = f"Generating with {self.model}"
        async with Operation(self.server, "generate", title, self.model) as operation:
            self.operation = operation
            events = self.server.document_events
            stop_following = [events.changed.add(self.on_change), events.closed.add(self.on_close)]
            stream = None
            started = time.monotonic()
            try:
                stream = self.server.tools.generate(
                    self.model, self.server.preferences_for(self.request.uri), **self._prompt()
                )
                await operation.run(self._consume(stream, operation, started))
                cancelled = False
            except Cancelled:
                cancelled = self.stop_reason is None
            except GenerationStopped:
                cancelled = False
            except OllamaError as error:
                await self._keep_what_arrived()
                operation.finish(f"Generation failed: {error.message}")
                kept = " The text generated so far is kept." if self.inserted else ""
                self.server.show(f"{error}{kept}", types.MessageType.Error)
                return self._result(stream, cancelled=False, error=str(error))
            finally:
                for stop in stop_following:
                    stop()
                if stream is not None:
                    await stream.aclose()
            await self._keep_what_arrived()
            if self.stop_reason:
                operation.finish(f"Generation stopped: {self.stop_reason}")
                self.server.show(
                    f"Generation stopped: {self.stop_reason}. The text generated so far is kept.",
                    types.MessageType.Warning,
                )
            else:
                operation.finish("Generation cancelled" if cancelled else "Generation done")
            return self._result(stream, cancelled=cancelled)

    async def _keep_what_arrived(self) -> None:
        try:
            await self.flush()
        except GenerationStopped:
            pass

    async def _is_loaded(self) -> bool:
        from ollama_ls.client import OllamaError

        try:
            running = await self.server.tools.running_models()
        except OllamaError:
            return True  # unknown: say nothing rather than something wrong
        return any(model_key(model.name) == model_key(self.model) for model in running)

    async def _report_loading(self, operation: Operation) -> None:
        """Until the first chunk: a cold model takes seconds to load, show that it is moving."""
        started = time.monotonic()
        while True:
            elapsed = time.monotonic() - started
            suffix = f" {elapsed:.0f} s" if elapsed >= 1 else ""
            operation.report(f"loading {self.model} into memory…{suffix}", force=True)
            await asyncio.sleep(1.0)

    async def _consume(self, stream: Any, operation: Operation, started: float) -> None:
        last_flush = 0.0  # the first text goes out at once: it is what the user waits for
        first_token_at: float | None = None
        chunks = 0
        said_thinking = False
        loading = None if await self._is_loaded() else asyncio.ensure_future(self._report_loading(operation))
        try:
            await stream.__aenter__()
        finally:
            if loading is not None:
                loading.cancel()
        async with stream:
            async for chunk in stream:
                if chunk.thinking and first_token_at is None:
                    # A thinking model writes nothing for a while: say why (once for sure).
                    operation.report(f"{self.model} is thinking…", force=not said_thinking)
                    said_thinking = True
                if chunk.text:
                    chunks += 1
                    first_token_at = first_token_at or time.monotonic()
                    self.buffer.append(chunk.text)
                now = time.monotonic()
                waiting = sum(len(part) for part in self.buffer)
                if now - last_flush >= FLUSH_INTERVAL or waiting >= FLUSH_SIZE:
                    await self.flush()
                    last_flush = time.monotonic()
                # Tokens after the first, over the time since it came: a rate needs a span.
                if first_token_at is not None and chunks > 1 and now - first_token_at >= 0.2:
                    rate = (chunks - 1) / (now - first_token_at)
                    operation.report(f"{rate:.0f} tok/s", tokens_per_second=rate)
        await self.flush()

    def _result(self, stream: Any, cancelled: bool, error: str | None = None) -> dict[str, Any]:
        metrics = getattr(stream, "metrics", None)
        return to_wire(
            GenerateResult(
                model=self.model,
                text="".join(self.inserted),
                eval_count=getattr(metrics, "completion_tokens", None),
                tokens_per_second=getattr(metrics, "tokens_per_second", None),
                time_to_first_token_ms=_ms(getattr(metrics, "time_to_first_token_s", None)),
                cancelled=cancelled,
                stopped=self.stop_reason,
                error=error,
            )
        )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


async def _model_ready(
    server: OllamaLanguageServer, model: str, uri: str
) -> PullResult | None:
    """With auto-pull on (for the document's folder), pull a missing model first (with
    progress). None when generation can go ahead, else the pull's result (cancelled or failed)."""
    from ollama_ls.client import OllamaError

    if not server.settings_for(uri).auto_pull:
        return None
    try:
        installed = await server.tools.find_installed(model)
    except OllamaError:
        return None  # let the generation report the server's state
    if installed is not None:
        return None
    result = await pull_with_progress(server, model)
    return None if result.status == "success" else result


def register(server: OllamaLanguageServer) -> None:
    @server.command(GENERATE)
    async def generate(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        from ollama_ls.client import OllamaError

        request = parse_request(args)
        if ls.workspace.text_documents.get(request.uri) is None:
            message = f"{request.uri} is not open; open it before generating into it."
            ls.show(message, types.MessageType.Error)
            raise JsonRpcInvalidParams(message)
        try:
            named = models_named_in_workspace(ls, ("chat", "any"))
            model = request.model or await ls.tools.resolve_default_model_name(
                named, ls.preferences_for(request.uri)
            )
        except OllamaError as error:
            ls.show_error(error)
            raise request_failed(error) from error
        pulled = await _model_ready(ls, model, request.uri)
        if pulled is not None:
            return to_wire(
                GenerateResult(model, "", None, None, None, pulled.cancelled, error=pulled.error)
            )
        return await Generation(ls, request, model).run()
