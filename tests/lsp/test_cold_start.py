"""A model that is not loaded yet: the first-token timeout (not the read timeout between chunks)
bounds the wait for the first chunk, for a generation and for ghost text."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.lsp.conftest import settings_for, start_session
from tests.lsp.test_generate import DOC, execute, pos
from tests.lsp.test_inline_completion import CODE, SOURCE, inline_params

LOAD_SECONDS = 2.0
CODER = "qwen2.5-coder:1.5b"  # installed, not loaded when the emulator starts


async def started(lsp, emulator, **settings):
    emulator.set_rate(load_seconds=LOAD_SECONDS)
    assert CODER not in {r.model.name for r in emulator.state.running.values()}
    session = await start_session(lsp, {"ollama": settings_for(emulator, **settings)})
    await session.until(lambda: session.statuses)
    return session


@pytest.fixture
async def patient(lsp, emulator):
    """Read timeout 1 s (shorter than the load), first-token timeout 30 s (longer)."""
    session = await started(lsp, emulator, timeout=1, firstTokenTimeout=30,
                            inlineCompletion={"enable": True, "model": CODER, "debounceMs": 0})
    yield session
    await lsp.shutdown_session()


@pytest.fixture
async def impatient(lsp, emulator):
    """First-token timeout 1 s, shorter than the load; read timeout 120 s."""
    session = await started(lsp, emulator, timeout=120, firstTokenTimeout=1)
    yield session
    await lsp.shutdown_session()


async def test_a_generation_waits_for_the_load_within_the_first_token_timeout(patient, emulator):
    emulator.set_response(["    return 1"])
    patient.editor.open(DOC, "def f():\n", "python")
    result = await execute(patient, {"uri": DOC, "position": pos(1, 0), "model": CODER})
    assert "error" not in result, result
    assert result["text"] == "    return 1"


async def test_ghost_text_waits_for_the_load_within_the_first_token_timeout(patient, emulator):
    emulator.set_response(["a + b"])
    patient.editor.open(CODE, SOURCE, "python")
    answer = await patient.client.text_document_inline_completion_async(inline_params(1, 11))
    items = answer.items if isinstance(answer, types.InlineCompletionList) else answer
    assert [item.insert_text for item in items] == ["a + b"]


async def test_a_first_token_timeout_shorter_than_the_load_names_the_setting(impatient, emulator):
    impatient.editor.open(DOC, "def f():\n", "python")
    result = await execute(impatient, {"uri": DOC, "position": pos(1, 0), "model": CODER})
    assert f"No answer from {CODER} within 1 s" in result["error"]
    assert "the firstTokenTimeout setting" in result["error"]
    shown = await impatient.until(lambda: [m for m in impatient.messages if "firstTokenTimeout" in m])
    assert shown and impatient.editor.text(DOC) == "def f():\n"
