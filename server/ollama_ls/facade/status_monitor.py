"""Whether Ollama answers: one probe at a time, at most one per interval, backing off while the
server is down, and telling listeners when the state changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ollama_ls.facade.config import ToolsConfig
from ollama_ls.facade.models import Status
from ollama_ls.facade.single_flight import SingleFlight
from ollama_ls.listeners import Listeners


class StatusMonitor:
    def __init__(
        self,
        config: ToolsConfig,
        clock: Callable[[], float],
        probe: Callable[[], Awaitable[Status]],
        after_probe: Callable[[Status | None, Status], Awaitable[None]],
    ) -> None:
        self._config = config
        self._clock = clock
        self._probe = probe
        self._after_probe = after_probe
        self._flight = SingleFlight()
        self.last: Status | None = None
        self._next_check_at = 0.0
        self.consecutive_failures = 0
        # (previous, new) on every change of reachability, server, version, count or running.
        self.changes: Listeners[[Status | None, Status]] = Listeners("status")

    async def check(self, force: bool = False) -> Status:
        if not force and self.last is not None and self._clock() < self._next_check_at:
            return self.last
        return await self._flight.do("status", self._run)

    async def _run(self) -> Status:
        status = await self._probe()
        self.consecutive_failures = 0 if status.reachable else self.consecutive_failures + 1
        self._next_check_at = self._clock() + self.interval()
        previous, self.last = self.last, status
        if previous is None or previous.state_key() != status.state_key():
            await self.changes.emit_async(previous, status)
        await self._after_probe(previous, status)
        return status

    def interval(self) -> float:
        """The health interval, doubled per failure in a row up to `max_health_backoff`."""
        interval = self._config.health_check_interval
        if self.consecutive_failures <= 1:
            return interval
        backoff = interval * 2 ** (self.consecutive_failures - 1)
        return min(backoff, max(interval, self._config.max_health_backoff))
