"""The server object: pygls' LanguageServer plus the state every feature shares."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ollama_ls import __version__
from ollama_ls.lsp.events import DocumentEvents
from ollama_ls.lsp.operations import OperationRegistry
from ollama_ls.lsp.protocol import OllamaProtocol
from ollama_ls.lsp.settings import Settings, parse_settings
from ollama_ls.facade import OllamaEditorTools

log = logging.getLogger(__name__)


class OllamaLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ollama-ls", __version__, protocol_cls=OllamaProtocol)
        self.settings = Settings()
        self.tools = OllamaEditorTools(self.settings.tools_config())
        self._reported_problems: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        # Coroutines run for every tools object once the client is initialized, and again each
        # time settings move the server elsewhere: features subscribe to it there.
        self.tools_listeners: list[Callable[[OllamaEditorTools], Awaitable[None]]] = []
        self.started = False
        self.operations = OperationRegistry()  # running pulls and generations
        self.document_events = DocumentEvents()

    # -- background work --------------------------------------------------------------------

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task:
        """Run in the background; keep a reference so the task is not collected; log failures."""
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def request_cancelled(self, request_id: Any) -> None:
        """`$/cancelRequest` arrived: cancel the operations that request started."""
        self.operations.cancel_request(request_id)

    # -- user-facing messages ---------------------------------------------------------------

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def show_error(self, error: Exception) -> None:
        self.show(str(error), types.MessageType.Error)

    # -- settings ---------------------------------------------------------------------------

    async def apply_settings(self, raw: Any) -> None:
        settings, problems = parse_settings(raw)
        for problem in problems:
            if problem not in self._reported_problems:
                self._reported_problems.add(problem)
                self.show(problem, types.MessageType.Warning)
        previous, self.settings = self.settings, settings
        if previous.tools_config() != settings.tools_config():
            old_tools, self.tools = self.tools, OllamaEditorTools(settings.tools_config())
            if self.started:
                await self.attach_tools()
            # A pull or generation running on the old server finishes there.
            self.spawn(self._close_when_idle(old_tools), name="close old tools")

    async def _close_when_idle(self, tools: OllamaEditorTools) -> None:
        while self.operations:
            await asyncio.sleep(0.5)
        await tools.aclose()

    async def attach_tools(self) -> None:
        for listener in list(self.tools_listeners):
            await listener(self.tools)
