"""Issue 13 item 8, server side: with the default 30 s health interval, a failed request marks
Ollama offline at once, and its return shows within a few seconds (probes back off from 1 s)."""

from __future__ import annotations

import time

from tests.reliability.rawlsp import RawServer


def _reachability(raw: RawServer) -> list[bool]:
    return [n["params"]["reachable"] for n in raw.notifications("ollama/status")]


def _wait_for(raw: RawServer, reachable: bool, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        states = _reachability(raw)
        if states and states[-1] is reachable:
            return time.monotonic() - started
        raw.drain(0.05)
    return None


def test_offline_at_once_and_back_within_seconds(emulator):
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": emulator.base_url}})  # healthCheckInterval 30 s
        assert _wait_for(raw, True, 10) is not None
        emulator.refuse_connections()
        raw.call("ollama/models", {"force": True})  # a request fails
        offline_after = _wait_for(raw, False, 5)
        emulator.accept_connections()
        back_after = _wait_for(raw, True, 10)
    print(f"\noffline noticed after {offline_after}, back after {back_after} s")
    assert offline_after is not None and offline_after < 2.0
    assert back_after is not None and back_after < 4.0
