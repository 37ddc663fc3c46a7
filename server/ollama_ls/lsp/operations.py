"""Long-running work (pull, generate) that a user watches and can cancel three ways:
`window/workDoneProgress/cancel`, `$/cancelRequest` of its executeCommand, or `ollama.cancel`.

Each operation shows LSP work-done progress (when the client supports it) and mirrors it as an
`ollama/progress` notification for status bars; reports are limited to 10 a second.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

from lsprotocol import types

from ollama_ls.lsp.client_capabilities import supports_work_done_progress
from ollama_ls.lsp.payloads import PROGRESS_METHOD, OllamaProgress, to_wire
from ollama_ls.lsp.protocol import current_request_id

T = TypeVar("T")
MIN_REPORT_INTERVAL = 0.1


class Cancelled(Exception):
    """The user cancelled the operation."""


class Operation:
    def __init__(self, server: Any, kind: str, title: str, model: str) -> None:
        self.server = server
        self.kind = kind
        self.title = title
        self.model = model
        self.id = f"ollama-{kind}-{uuid.uuid4().hex[:12]}"
        self.request_id = current_request_id.get()
        self.cancel_event = asyncio.Event()
        self.token: str | None = None
        self._last_report = 0.0
        self._last_percentage = 0

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        self.cancel_event.set()

    async def __aenter__(self) -> Operation:
        self.server.operations.add(self)
        if supports_work_done_progress(self.server.client_capabilities):
            self.token = self.id
            try:
                await self.server.work_done_progress.create_async(self.token)
            except Exception:
                self.token = None
        if self.token is not None:
            self.server.work_done_progress.begin(
                self.token,
                types.WorkDoneProgressBegin(title=self.title, cancellable=True, percentage=0),
            )
            loop = asyncio.get_running_loop()
            future = self.server.work_done_progress.tokens.get(self.token)
            if future is not None:
                future.add_done_callback(lambda _: loop.call_soon_threadsafe(self.cancel))
        self._notify(self.title)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.server.operations.remove(self)
        if self.token is not None:
            self.server.work_done_progress.tokens.pop(self.token, None)

    def report(
        self,
        message: str,
        percentage: int | None = None,
        tokens_per_second: float | None = None,
        force: bool = False,
    ) -> bool:
        """Send a progress update unless one went out less than 100 ms ago. Percentages never
        go down. Returns whether it was sent."""
        now = time.monotonic()
        if not force and now - self._last_report < MIN_REPORT_INTERVAL:
            return False
        self._last_report = now
        if percentage is not None:
            percentage = max(self._last_percentage, min(100, percentage))
            self._last_percentage = percentage
        if self.token is not None:
            self.server.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )
        self._notify(message, percentage=percentage, tokens_per_second=tokens_per_second)
        return True

    def finish(self, message: str) -> None:
        if self.token is not None:
            self.server.work_done_progress.end(
                self.token, types.WorkDoneProgressEnd(message=message)
            )
        self._notify(message, done=True)

    def _notify(
        self,
        message: str,
        done: bool = False,
        percentage: int | None = None,
        tokens_per_second: float | None = None,
    ) -> None:
        rate = None if tokens_per_second is None else round(tokens_per_second, 1)
        payload = OllamaProgress(
            kind=self.kind, model=self.model, done=done, id=self.id, percentage=percentage,
            tokens_per_second=rate, message=message,
        )  # fmt: skip
        self.server.protocol.notify(PROGRESS_METHOD, to_wire(payload))

    async def run(self, work: Awaitable[T]) -> T:
        """Run `work` until it finishes or the user cancels; cancelling it closes its streams.

        Raises Cancelled when the user cancelled first.
        """
        task = asyncio.ensure_future(work)
        cancel_wait = asyncio.ensure_future(self.cancel_event.wait())
        try:
            await asyncio.wait({task, cancel_wait}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            cancel_wait.cancel()
        if task.done():
            return task.result()
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        raise Cancelled()


class OperationRegistry:
    """The pulls and generations running now, by id."""

    def __init__(self) -> None:
        self._running: dict[str, Operation] = {}

    def add(self, operation: Operation) -> None:
        self._running[operation.id] = operation

    def remove(self, operation: Operation) -> None:
        self._running.pop(operation.id, None)

    def __bool__(self) -> bool:
        return bool(self._running)

    def __len__(self) -> int:
        return len(self._running)

    def cancel(self, target: str | None = None) -> int:
        """Cancel one operation (by id or kind), or all of them; returns how many."""
        chosen = [
            operation
            for operation in list(self._running.values())
            if target is None or target in (operation.id, operation.kind)
        ]
        for operation in chosen:
            operation.cancel()
        return len(chosen)

    def cancel_request(self, request_id: Any) -> None:
        """`$/cancelRequest` arrived: cancel the operations that request started."""
        for operation in list(self._running.values()):
            if operation.request_id == request_id:
                operation.cancel()
