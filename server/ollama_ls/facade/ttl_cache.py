"""A small time-to-live cache with an injectable clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

_ABSENT = object()


class TtlCache:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key, _ABSENT)
        if entry is _ABSENT:
            return default
        stored_at, value = entry
        if self._clock() - stored_at >= self.ttl_seconds:
            del self._entries[key]
            return default
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = (self._clock(), value)

    def invalidate(self, predicate: Callable[[Hashable], bool]) -> None:
        for key in [key for key in self._entries if predicate(key)]:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key, _ABSENT) is not _ABSENT
