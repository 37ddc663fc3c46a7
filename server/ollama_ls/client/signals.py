"""A process-wide signal: "a request to this server could not be sent or answered".

The language server listens to mark the server offline at once instead of at its next health
check (docs/reliability.md, recovery speed). Listeners get the base URL, without credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger("ollama_ls.client")

_listeners: list[Callable[[str], None]] = []


def on_server_failure(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(base_url)` after each failed connection; returns the unsubscribe."""
    _listeners.append(listener)

    def remove() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return remove


def report_server_failure(base_url: str) -> None:
    for listener in list(_listeners):
        try:
            listener(base_url)
        except Exception:  # a broken listener must not fail the request that failed
            logger.exception("server failure listener failed")
