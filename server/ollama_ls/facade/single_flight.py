"""Coalesce concurrent identical requests into one call."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class SingleFlight:
    """While a call for a key is in flight, later callers await the same result.

    The first caller's task does the work; a caller that is cancelled does not cancel the
    shared call for the others.
    """

    def __init__(self) -> None:
        self._in_flight: dict[Hashable, asyncio.Future[Any]] = {}

    async def do(self, key: Hashable, call: Callable[[], Awaitable[Any]]) -> Any:
        existing = self._in_flight.get(key)
        if existing is not None:
            return await asyncio.shield(existing)
        task = asyncio.ensure_future(call())
        self._in_flight[key] = task

        def done(finished: asyncio.Future[Any]) -> None:
            self._in_flight.pop(key, None)
            # Every caller may have been cancelled meanwhile: the failure is then nobody's to
            # read, and asyncio would log "Task exception was never retrieved".
            if not finished.cancelled():
                finished.exception()

        task.add_done_callback(done)
        return await asyncio.shield(task)

    def in_flight(self, key: Hashable) -> bool:
        return key in self._in_flight
