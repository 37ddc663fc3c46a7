"""pygls' protocol, taught to tell commands that their request was cancelled.

In pygls 2.1 a `$/cancelRequest` for `workspace/executeCommand` answers the client with -32800
but leaves the command running. We remember which request each handler task serves (a context
variable is copied into the task when pygls creates it) and pass cancellations on to the server.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from pygls.protocol import LanguageServerProtocol

current_request_id: ContextVar[Any] = ContextVar("current_request_id", default=None)


class OllamaProtocol(LanguageServerProtocol):
    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        token = current_request_id.set(msg_id)
        try:
            super()._handle_request(msg_id, method_name, params)
        finally:
            current_request_id.reset(token)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        super()._handle_cancel_notification(msg_id)
        on_cancel = getattr(self._server, "request_cancelled", None)
        if on_cancel is not None:
            on_cancel(msg_id)
