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

from ollama_ls.lsp.protocol import current_request_id

T = TypeVar("T")
PROGRESS_METHOD = "ollama/progress"
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
        self.server.operations[self.id] = self
        if _supports_progress(self.server):
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
        self._notify({"message": self.title})
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.server.operations.pop(self.id, None)
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
        extra: dict[str, Any] = {"message": message}
        if percentage is not None:
            extra["percentage"] = percentage
        if tokens_per_second is not None:
            extra["tokensPerSecond"] = round(tokens_per_second, 1)
        self._notify(extra)
        return True

    def finish(self, message: str) -> None:
        if self.token is not None:
            self.server.work_done_progress.end(
                self.token, types.WorkDoneProgressEnd(message=message)
            )
        self._notify({"message": message, "done": True})

    def _notify(self, extra: dict[str, Any]) -> None:
        payload = {"id": self.id, "kind": self.kind, "model": self.model, "done": False, **extra}
        self.server.protocol.notify(PROGRESS_METHOD, payload)

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


def _supports_progress(server: Any) -> bool:
    window = server.client_capabilities.window
    return bool(window and window.work_done_progress)


def cancel_operations(server: Any, operation_id: str | None = None) -> int:
    """Cancel one operation, or all of them; returns how many were cancelled."""
    targets = [
        operation
        for operation in list(server.operations.values())
        if operation_id is None or operation.id == operation_id or operation.kind == operation_id
    ]
    for operation in targets:
        operation.cancel()
    return len(targets)
