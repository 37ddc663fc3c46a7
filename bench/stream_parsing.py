"""How fast can a client consume a generate stream? ollama-ls's client against the official
`ollama.AsyncClient`, on the same bytes, with a raw httpx line reader as the ceiling.

    .venv/bin/python bench/stream_parsing.py [--quick]

Three sources of the same NDJSON stream (raw generate, one word per token):
  * the emulator in its own process at 1e6 tokens/s;
  * the emulator in this process (as the tests run it: it shares the GIL with the client);
  * a replay of the emulator's recorded bytes, written 16 KiB at a time (never the bottleneck).
Each round runs every consumer once, in a rotating order; the tables give medians over rounds.
"client CPU" is this process's CPU time per chunk (for the in-process emulator it includes the
emulator's own work). Then the cost of parsing one chunk line, in isolation.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import ollama

from _util import (
    Stopwatch,
    emulator_process,
    median,
    parse_args,
    per_call_us,
    print_machine,
    table,
)
from ollama_ls.client import ClientConfig, GenerateChunk, OllamaClient
from ollama_ls.emulator import Emulator

MODEL, PROMPT = "llama3.2", "Why is the sky blue?"


# --- the consumers: each reads the whole stream and returns (chunks, text) --------------------


async def raw_httpx_lines(url: str) -> tuple[int, str]:
    """The ceiling: httpx's line iterator, no JSON at all."""
    body = {"model": MODEL, "prompt": PROMPT, "stream": True, "raw": True}
    chunks = 0
    async with httpx.AsyncClient(timeout=60) as http:
        async with http.stream("POST", f"{url}/api/generate", json=body) as response:
            async for line in response.aiter_lines():
                chunks += bool(line)
    return chunks, ""


async def ollama_ls_client(url: str) -> tuple[int, str]:
    chunks, text = 0, []
    async with OllamaClient(ClientConfig(base_url=url)) as client:
        async with client.generate(MODEL, PROMPT, stream=True, raw=True) as stream:
            async for chunk in stream:
                chunks += 1
                text.append(chunk.response)
    return chunks, "".join(text)


async def official_client(url: str) -> tuple[int, str]:
    chunks, text = 0, []
    client = ollama.AsyncClient(host=url, timeout=60)
    async for chunk in await client.generate(MODEL, PROMPT, stream=True, raw=True):
        chunks += 1
        text.append(chunk.response)
    await client._client.aclose()
    return chunks, "".join(text)


CONSUMERS = {
    "raw httpx aiter_lines (ceiling)": raw_httpx_lines,
    "ollama-ls OllamaClient.generate": ollama_ls_client,
    "ollama.AsyncClient.generate": official_client,
}


async def measure(url: str, rounds: int, tokens: int, expected_text: str) -> list[list[object]]:
    walls: dict[str, list[float]] = {name: [] for name in CONSUMERS}
    cpus: dict[str, list[float]] = {name: [] for name in CONSUMERS}
    names = list(CONSUMERS)
    await ollama_ls_client(url)  # warm up imports and the emulator's model load
    await official_client(url)
    for round_ in range(rounds):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in order:
            with Stopwatch() as watch:
                chunks, text = await CONSUMERS[name](url)
            assert chunks == tokens + 1, (name, chunks)
            assert not text or text == expected_text, name
            walls[name].append(watch.wall)
            cpus[name].append(watch.cpu / chunks)
    ceiling = median(walls[names[0]])
    return [
        [name, f"{tokens / median(walls[name]):,.0f}", f"{median(cpus[name]) * 1e6:.1f}",
         f"{median(walls[name]) / ceiling:.2f}x"]
        for name in names
    ]


def stream_throughput(tokens: int, rounds: int) -> None:
    words = [f" w{i}" for i in range(tokens)]
    expected = "".join(words)
    header = ["consumer", "tokens/s (median)", "client CPU µs/chunk", "wall vs raw reader"]

    with emulator_process(rate=1e6) as url:
        httpx.post(f"{url}/_emulator/response", json={"tokens": words}).raise_for_status()
        body = httpx.post(f"{url}/api/generate", timeout=60, json={
            "model": MODEL, "prompt": PROMPT, "stream": True, "raw": True}).content
        print(f"## Source: emulator in its own process, rate 1e6 tokens/s "
              f"({tokens:,} tokens, {rounds} rounds)\n")
        table(header, asyncio.run(measure(url, rounds, tokens, expected)))

    with Emulator(token_rate=1e6) as emu:
        emu.set_response(words)
        print(f"## Source: emulator in this process (shares the GIL), rate 1e6 tokens/s "
              f"({tokens:,} tokens, {rounds} rounds)\n")
        table(header, asyncio.run(measure(emu.base_url, rounds, tokens, expected)))

    with tempfile.NamedTemporaryFile(suffix=".ndjson") as recorded:
        recorded.write(body)
        recorded.flush()
        replay = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("_replay.py")), recorded.name],
            stdout=subprocess.PIPE, text=True,
        )
        try:
            url = replay.stdout.readline().strip()
            print(f"## Source: replay of the emulator's bytes ({len(body):,} bytes, "
                  f"16 KiB writes, own process; {rounds} rounds)\n")
            table(header, asyncio.run(measure(url, rounds, tokens, expected)))
        finally:
            replay.terminate()
            replay.wait(timeout=10)


# --- one chunk line, parsed in isolation ------------------------------------------------------


def parse_cost(number: int) -> None:
    with Emulator() as emu:
        lines = httpx.post(f"{emu.base_url}/api/generate", json={
            "model": MODEL, "prompt": PROMPT, "stream": True}).content.splitlines()
    token_line, final_line = lines[1], lines[-1]
    rows = []
    for label, line in (("token chunk", token_line), ("final chunk (counters, context)", final_line)):
        text = line.decode()
        contenders = {
            "json.loads (no model)": lambda: json.loads(line),
            "ollama-ls GenerateChunk.model_validate_json": lambda: GenerateChunk.model_validate_json(line),
            "ollama GenerateResponse(**json.loads(str)) (its stream path)":
                lambda: ollama.GenerateResponse(**json.loads(text)),
            "ollama GenerateResponse.model_validate_json": lambda: ollama.GenerateResponse.model_validate_json(line),
        }
        costs = {name: per_call_us(call, number) for name, call in contenders.items()}
        base = costs["json.loads (no model)"]
        for name, cost in costs.items():
            rows.append([label, len(line), name, f"{cost:.2f}", f"{cost / base:.2f}x"])
    print(f"## Parsing one generate line ({number:,} calls, best of 5)\n")
    print(f"token chunk: `{token_line.decode()}`\n")
    table(["line", "bytes", "parser", "µs/line", "vs json.loads"], rows)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    print_machine()
    stream_throughput(tokens=5_000 if args.quick else 20_000, rounds=2 if args.quick else 7)
    parse_cost(number=20_000 if args.quick else 200_000)


if __name__ == "__main__":
    main()
