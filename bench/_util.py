"""Small helpers shared by the benchmarks: arguments, the machine, statistics, a timer, and an
emulator in a process of its own."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Iterator
from importlib import metadata


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a short run (fewer, smaller rounds)")
    return parser.parse_args()


def print_machine() -> None:
    versions = []
    for package in ("httpx", "pydantic", "ollama", "pygls", "tree-sitter", "pyyaml", "aiohttp"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    print(f"# {platform.platform()}, {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}),"
          f" Python {platform.python_version()}")
    print(f"# {', '.join(versions)}")
    print(f"# command: {' '.join([os.path.relpath(sys.executable), *sys.argv])}")
    print()


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def per_call_us(call: Callable[[], object], number: int, repeat: int = 5) -> float:
    """Best of `repeat` runs of `number` calls, in microseconds per call (the least disturbed)."""
    runs = timeit.repeat(call, number=number, repeat=repeat)
    return min(runs) / number * 1e6


def table(header: list[str], rows: list[list[object]]) -> None:
    """A Markdown table, so the output can be pasted into docs/performance.md as it is."""
    cells = [header, *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in cells]
    print(f"| {lines[0]} |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for line in lines[1:]:
        print(f"| {line} |")
    print()


@contextlib.contextmanager
def emulator_process(rate: float) -> Iterator[str]:
    """`python -m ollama_ls.emulator` in its own process (its own GIL, its own core); yields the
    base URL. In-process, the emulator and the client under test share one GIL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ollama_ls.emulator", "--rate", str(rate)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the emulator did not start (printed {url!r})")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Stopwatch:
    """Wall and CPU time of this process for a block."""

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
