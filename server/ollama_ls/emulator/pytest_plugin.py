"""pytest fixtures: `emulator` (one started emulator per test) and `make_emulator` (several)."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from .server import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A started emulator with the default catalogue; stopped after the test."""
    emu = Emulator().start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """A factory: `make_emulator(token_rate=50.0)` starts one more emulator, stopped after."""
    made: list[Emulator] = []

    def make(**settings: Any) -> Emulator:
        emu = Emulator(**settings).start()
        made.append(emu)
        return emu

    try:
        yield make
    finally:
        for emu in made:
            emu.stop()
