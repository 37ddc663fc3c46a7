"""Issue 13 item 5: a huge document never stalls requests about other documents.

A 20 MB YAML and a 2.5 MB one-line JSON are opened and edited (full and incremental changes)
while hover on a small document is timed; the figures go to docs/reliability.md.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from tests.reliability.rawlsp import RawServer

SMALL = "file:///tmp/big/small.yaml"


def _yaml(size: int) -> str:
    line = "  - name: entry-{i:08d}\n    model: llama3.2\n"
    count = size // len(line.format(i=0)) + 1
    return "models:\n" + "".join(line.format(i=i) for i in range(count))


def _one_line_json(size: int) -> str:
    items = ",".join(json.dumps({"model": "llama3.2", "n": i}) for i in range(size // 30))
    return '{"items":[' + items + "]}"


def _timed_hovers(raw: RawServer, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        answer = raw.call("textDocument/hover", {"textDocument": {"uri": SMALL},
                                                 "position": {"line": 0, "character": 9}}, 30)
        out.append(time.monotonic() - started if answer is not None else float("inf"))
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("name", "language", "text"),
    [("huge.yaml", "yaml", _yaml(20 * 1024 * 1024)),
     ("one-line.json", "json", _one_line_json(int(2.5 * 1024 * 1024)))],
    ids=["yaml-20MB", "json-2.5MB-one-line"],
)
def test_a_big_document_never_stalls_other_requests(emulator, name, language, text):
    big = f"file:///tmp/big/{name}"
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": emulator.base_url, "healthCheckInterval": 5,
                                   "diagnostics": {"debounceMs": 10}}})
        raw.open(SMALL, "model: llama3.2\n")
        assert raw.call("textDocument/hover", {"textDocument": {"uri": SMALL},
                                               "position": {"line": 0, "character": 9}})
        latencies: list[float] = []
        stop = threading.Event()
        worker = threading.Thread(target=_timed_hovers, args=(raw, stop, latencies))
        started = time.monotonic()
        raw.open(big, text, language)
        worker.start()
        for version in range(2, 12):  # ten keystrokes at the end of the first line
            raw.notify("textDocument/didChange", {
                "textDocument": {"uri": big, "version": version},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                              "end": {"line": 0, "character": 0}},
                                    "text": " "}],
            })
            time.sleep(0.1)
        time.sleep(1.0)
        stop.set()
        worker.join(60)
        elapsed = time.monotonic() - started
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
            n["params"]["uri"] == big for n in raw.notifications("textDocument/publishDiagnostics")
        ):
            raw.drain(0.2)
        diagnostics = [n["params"] for n in raw.notifications("textDocument/publishDiagnostics")
                       if n["params"]["uri"] == big]
    worst = max(latencies)
    print(f"\n{name}: {len(text) / 1e6:.1f} MB, {len(latencies)} hovers in {elapsed:.1f} s, "
          f"worst {worst * 1000:.0f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms")
    assert worst < 1.5, f"hover on another document waited {worst:.1f} s"
    if len(text) > 4 * 1024 * 1024:
        codes = [d.get("code") for params in diagnostics for d in params["diagnostics"]]
        assert "not-checked" in codes
