"""Starting and stopping: Python API, pytest fixtures, the standalone command."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from ollama_ls.emulator import Emulator


def test_context_manager_starts_and_stops():
    with Emulator() as emu:
        url = emu.base_url
        assert httpx.get(url).text == "Ollama is running"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)


async def test_usable_from_async_tests():
    async with Emulator() as emu:
        async with httpx.AsyncClient(base_url=emu.base_url) as client:
            assert (await client.get("/api/version")).json() == {"version": "0.33.0"}


def test_start_and_stop_take_milliseconds():
    started = time.perf_counter()
    for _ in range(10):
        Emulator().start().stop()
    assert (time.perf_counter() - started) / 10 < 0.05


def test_fixed_port_and_restart(emulator):
    port = emulator.port
    with Emulator(port=0) as other:
        assert other.port != port
    emulator.restart()
    assert emulator.port == port
    assert httpx.get(f"{emulator.base_url}/").status_code == 200


def test_make_emulator_gives_independent_instances(make_emulator):
    slow, fast = make_emulator(token_rate=10.0), make_emulator(token_rate=1000.0)
    assert slow.port != fast.port
    slow.remove_model("llama3.2")
    assert "llama3.2" not in httpx.get(f"{slow.base_url}/api/tags").text
    assert "llama3.2" in httpx.get(f"{fast.base_url}/api/tags").text
    assert (slow.token_rate, fast.token_rate) == (10.0, 1000.0)


def test_each_test_gets_a_fresh_catalogue(emulator):
    assert emulator.state.installed.find("llama3.2") is not None
    emulator.remove_model("llama3.2")


def test_standalone_prints_url_and_exits_cleanly_on_sigterm():
    process = subprocess.Popen(
        [sys.executable, "-m", "ollama_ls.emulator", "--port", "0", "--rate", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{url}/api/version").json() == {"version": "0.33.0"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
