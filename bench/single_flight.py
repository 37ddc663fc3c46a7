"""What coalescing, caching and throttling save: requests sent to Ollama and wall time, when an
editor asks the same thing many times at once (or again and again).

    .venv/bin/python bench/single_flight.py [--quick]

Side by side, against one emulator in this process (requests are counted by the emulator):
  * 100 concurrent model lists: `OllamaEditorTools.list_available_models()` (single flight and a
    60 s cache) vs `OllamaClient.list_models()` (one request each);
  * 100 concurrent status checks: `tools.check_status()` (throttled and coalesced) vs
    `check_status(force=True)` (coalesced only) vs the naive probe (version + tags + ps each);
  * a status check every 5 ms for a while (what a status bar refreshed on every keystroke does).
Wall times are medians over rounds; each round uses a fresh tools object (a cold cache).
"""

from __future__ import annotations

import asyncio
import time

from _util import median, p95, parse_args, print_machine, table
from ollama_ls.client import ClientConfig, OllamaClient
from ollama_ls.emulator import Emulator
from ollama_ls.facade import OllamaEditorTools, ToolsConfig

CONCURRENT = 100
STATUS_PATHS = ("/api/version", "/api/tags", "/api/ps")


def request_count(emu: Emulator, paths: tuple[str, ...]) -> int:
    return sum(len(emu.requests_to(path)) for path in paths)


async def naive_status(client: OllamaClient) -> None:
    await asyncio.gather(client.version(), client.list_models(), client.running())


async def burst(emu: Emulator, rounds: int) -> None:
    """Many identical questions at the same moment."""
    contenders = {
        "model list: tools.list_available_models() (cold cache)":
            (("/api/tags",), lambda tools, client: tools.list_available_models()),
        "model list: tools.list_available_models() (warm cache)":
            (("/api/tags",), lambda tools, client: tools.list_available_models()),
        "model list: client.list_models() (naive)":
            (("/api/tags",), lambda tools, client: client.list_models()),
        "status: tools.check_status() (throttled)":
            (STATUS_PATHS, lambda tools, client: tools.check_status()),
        "status: tools.check_status(force=True) (no throttle)":
            (STATUS_PATHS, lambda tools, client: tools.check_status(force=True)),
        "status: version+tags+ps per call (naive)":
            (STATUS_PATHS, lambda tools, client: naive_status(client)),
    }
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    requests: dict[str, list[int]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, (paths, call) in contenders.items():
            tools = OllamaEditorTools(ToolsConfig(base_url=emu.base_url))
            client = OllamaClient(ClientConfig(base_url=emu.base_url))
            await client.version()  # both sides start with an open connection
            await tools.client.version()
            if "warm cache" in name:
                await tools.list_available_models()
            emu.clear_requests()
            started = time.perf_counter()
            await asyncio.gather(*(call(tools, client) for _ in range(CONCURRENT)))
            walls[name].append(time.perf_counter() - started)
            requests[name].append(request_count(emu, paths))
            await tools.aclose()
            await client.aclose()
    rows = [[name, max(requests[name]), f"{median(walls[name]) * 1000:.1f}"] for name in contenders]
    print(f"## {CONCURRENT} concurrent calls ({rounds} rounds)\n")
    table(["what", "requests to Ollama", "wall ms (median)"], rows)


async def sustained(emu: Emulator, seconds: float) -> None:
    """One status check every 5 ms, awaited one after the other."""
    rows = []
    for name in ("tools.check_status() (throttled, 30 s)", "tools.check_status(force=True)",
                 "version+tags+ps per call (naive)"):
        tools = OllamaEditorTools(ToolsConfig(base_url=emu.base_url))
        client = OllamaClient(ClientConfig(base_url=emu.base_url))
        emu.clear_requests()
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if name.startswith("version"):
                await naive_status(client)
            else:
                await tools.check_status(force="force" in name)
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.005)
        rows.append([name, len(latencies), request_count(emu, STATUS_PATHS),
                     f"{median(latencies) * 1000:.3f}", f"{p95(latencies) * 1000:.3f}"])
        await tools.aclose()
        await client.aclose()
    print(f"## A status check every 5 ms for {seconds:g} s\n")
    table(["what", "checks", "requests to Ollama", "ms per check (median)", "p95 ms"], rows)


async def run(quick: bool) -> None:
    with Emulator() as emu:
        await burst(emu, rounds=3 if quick else 15)
        await sustained(emu, seconds=1.0 if quick else 5.0)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    print_machine()
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
