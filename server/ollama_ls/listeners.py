"""Typed listener lists where one failing listener never stops the others."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Generic, ParamSpec

log = logging.getLogger(__name__)

P = ParamSpec("P")


class Listeners(Generic[P]):
    """`listeners.add(fn)`; `listeners.emit(*args)` calls each, logging (not raising) a failure;
    `await listeners.emit_async(*args)` also awaits listeners that are coroutines."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._listeners: list[Callable[P, Any]] = []

    def add(self, listener: Callable[P, Any]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self.remove(listener)

    def remove(self, listener: Callable[P, Any]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def __len__(self) -> int:
        return len(self._listeners)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for listener in list(self._listeners):
            try:
                listener(*args, **kwargs)
            except Exception:
                log.exception("a %s listener failed", self.name)

    async def emit_async(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for listener in list(self._listeners):
            try:
                result = listener(*args, **kwargs)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("a %s listener failed", self.name)
