"""Soak: concurrent generations, pulls, completions, hovers and edits against one server
subprocess while faults come and go. Reports RSS growth and unanswered requests.

OLLAMA_LS_SOAK_SECONDS sets the length (default 30 s; the issue's CI figure is 300)."""

from __future__ import annotations

import os
import random
import threading
import time

import pytest

from tests.reliability.rawlsp import RawServer

SECONDS = float(os.environ.get("OLLAMA_LS_SOAK_SECONDS", "30"))
GENERATORS = int(os.environ.get("OLLAMA_LS_SOAK_GENERATIONS", "10"))


@pytest.mark.timeout(SECONDS + 180)
def test_soak(emulator):
    emulator.set_rate(token_rate=400.0)
    capabilities = {"textDocument": {"inlineCompletion": {}},
                    "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}},
                    "window": {"workDoneProgress": True}}
    raw = RawServer()
    raw.initialize({"ollama": {"baseUrl": emulator.base_url, "healthCheckInterval": 1,
                               "timeout": 2, "firstTokenTimeout": 2,
                               "diagnostics": {"debounceMs": 20},
                               "inlineCompletion": {"enable": True, "debounceMs": 0}}},
                   capabilities)
    uris = [f"file:///tmp/soak/{i}/config.yaml" for i in range(GENERATORS)]
    for uri in uris:
        raw.open(uri, "model: llama3.2\nnotes: \n")
    raw.drain(1.0)
    stop = threading.Event()
    lock = threading.Lock()
    sent: list[int] = []
    versions = {uri: 1 for uri in uris}
    rng = random.Random(13)

    def request(method, params):
        with lock:
            msg_id = raw.request(method, params)
            sent.append(msg_id)

    def load() -> None:
        while not stop.is_set():
            uri = rng.choice(uris)
            kind = rng.random()
            if kind < 0.15:
                request("workspace/executeCommand", {"command": "ollama.generate", "arguments": [
                    {"uri": uri, "position": {"line": 1, "character": 7}, "model": "llama3.2",
                     "prompt": "write"}]})
            elif kind < 0.2:
                request("workspace/executeCommand",
                        {"command": "ollama.pull", "arguments": [{"model": "qwen2.5:0.5b"}]})
            elif kind < 0.45:
                request("textDocument/completion", {"textDocument": {"uri": uri},
                                                    "position": {"line": 0, "character": 9}})
            elif kind < 0.7:
                request("textDocument/hover", {"textDocument": {"uri": uri},
                                               "position": {"line": 0, "character": 9}})
            elif kind < 0.8:
                request("ollama/status", {"force": rng.random() < 0.2})
            else:
                with lock:
                    versions[uri] += 1
                    raw.notify("textDocument/didChange", {
                        "textDocument": {"uri": uri, "version": versions[uri]},
                        "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                      "end": {"line": 0, "character": 0}},
                                            "text": "#\n"}]})
            time.sleep(0.02)

    def faults() -> None:
        kinds = [lambda: emulator.faults.die(times=3), lambda: emulator.faults.busy(times=3),
                 lambda: emulator.faults.proxy_502(times=3), lambda: emulator.faults.hang(times=2),
                 lambda: emulator.faults.malformed_line(times=2),
                 lambda: emulator.faults.unauthorized(times=2)]
        while not stop.wait(2.0):
            rng.choice(kinds)()
            if stop.wait(1.0):
                break
            emulator.faults.clear()

    def reader() -> None:
        while not stop.is_set():
            with lock:
                raw._pump(0.0)
            time.sleep(0.001)

    workers = [threading.Thread(target=load), threading.Thread(target=faults),
               threading.Thread(target=reader)]
    rss_start = None
    started = time.monotonic()
    for worker in workers:
        worker.start()
    rss = []
    while time.monotonic() - started < SECONDS:
        time.sleep(1.0)
        rss.append(raw.rss_kb())
        if rss_start is None and time.monotonic() - started > min(10.0, SECONDS / 3):
            rss_start = rss[-1]  # after warm-up (imports, parsers, caches)
    stop.set()
    for worker in workers:
        worker.join(10)
    emulator.faults.clear()
    # Cancel whatever still runs (hung streams wait for their timeout), then collect answers.
    answered_ids = {f.get("id") for f in raw.seen if "method" not in f}
    for msg_id in sent:
        if msg_id not in answered_ids:
            raw.notify("$/cancelRequest", {"id": msg_id})
    unanswered = [msg_id for msg_id in sent if raw.response(msg_id, timeout=0.5) is None]
    deadline = time.monotonic() + 20
    while unanswered and time.monotonic() < deadline:
        unanswered = [msg_id for msg_id in unanswered if raw.response(msg_id, timeout=0.5) is None]
    errors = [f for f in raw.seen if "method" not in f and f.get("error", {}).get("code") == -32603]
    alive = raw.alive()
    raw.close()
    growth = (rss[-1] - rss_start) / rss_start * 100 if rss_start else 0.0
    print(f"\nsoak {SECONDS:.0f} s: {len(sent)} requests, {len(unanswered)} unanswered, "
          f"{len(errors)} internal errors, RSS {rss_start} -> {rss[-1]} kB ({growth:+.1f} %)")
    assert alive
    assert unanswered == []
    assert errors == []
    assert growth < 10.0 or SECONDS < 60  # a short run's RSS is still settling
