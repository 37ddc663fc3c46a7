"""Helpers for the emulator's own tests: a plain httpx client bound to the `emulator` fixture."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from ollama_ls.emulator import Emulator


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    emulator.set_rate(token_rate=5000.0)
    with httpx.Client(base_url=emulator.base_url, timeout=10.0) as client:
        yield client
