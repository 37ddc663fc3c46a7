"""One overall, never-decreasing progress figure for a pull made of several layers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PullTracker:
    """Feed it every progress line of a pull; read one percentage across all layers.

    Ollama reports each layer separately, and the total grows as layers are announced, so a
    naive completed/total ratio can go backwards: `percentage` never does.
    """

    clock: Callable[[], float] = time.monotonic
    status: str = ""
    _layers: dict[str, tuple[int, int]] = field(default_factory=dict)
    _best_fraction: float = 0.0
    _started_at: float | None = None
    _finished: bool = False

    def update(self, status: str, digest: str | None, total: int | None, completed: int | None) -> None:
        if self._started_at is None:
            self._started_at = self.clock()
        self.status = status
        if digest and total:
            done = min(completed or 0, total)
            previous_done = self._layers.get(digest, (0, 0))[1]
            self._layers[digest] = (total, max(done, previous_done))
        if status == "success":
            self._finished = True
        if self.total:
            self._best_fraction = max(self._best_fraction, self.completed / self.total)

    @property
    def total(self) -> int:
        return sum(total for total, _ in self._layers.values())

    @property
    def completed(self) -> int:
        return sum(done for _, done in self._layers.values())

    @property
    def fraction(self) -> float:
        return 1.0 if self._finished else self._best_fraction

    @property
    def percentage(self) -> int:
        return int(self.fraction * 100)

    @property
    def bytes_per_second(self) -> float:
        if self._started_at is None:
            return 0.0
        elapsed = self.clock() - self._started_at
        return self.completed / elapsed if elapsed > 0 else 0.0

    def message(self) -> str:
        """`pulling 3f2a91c4d1e0 · 1.2 GB / 2.0 GB · 35.1 MB/s`, or the bare status."""
        if not self.total or self._finished:
            return self.status
        return (
            f"{self.status} · {format_bytes(self.completed)} / {format_bytes(self.total)}"
            f" · {format_bytes(self.bytes_per_second)}/s"
        )


def format_bytes(count: float) -> str:
    """Decimal units, as Ollama's own CLI prints sizes."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(count) < 1000 or unit == "TB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"
