"""Ghost text: fill-in-the-middle for `insert` models, plain continuation otherwise; a newer
request cancels the older one and closes its stream."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from tests.lsp.conftest import settings_for, start_session

CODE = "file:///work/app/main.py"
SOURCE = "def add(a, b):\n    return \n\nprint(add(1, 2))\n"


def inline_params(line: int, character: int) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=CODE),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
    )


async def configured(lsp, emulator, model: str):
    session = await start_session(
        lsp, {"ollama": settings_for(emulator, inlineCompletion={"enable": True, "model": model,
                                                                  "debounceMs": 10, "maxTokens": 16})}
    )
    await session.until(lambda: session.statuses)
    session.editor.open(CODE, SOURCE, "python")
    return session


@pytest.fixture
async def coder(lsp, emulator):
    session = await configured(lsp, emulator, "qwen2.5-coder:1.5b")
    yield session
    await lsp.shutdown_session()


@pytest.fixture
async def plain(lsp, emulator):
    session = await configured(lsp, emulator, "llama3.2")
    yield session
    await lsp.shutdown_session()


async def test_fill_in_the_middle_with_an_insert_model(coder, emulator):
    emulator.set_response(["a", " +", " b"])
    result = await coder.client.text_document_inline_completion_async(inline_params(1, 11))
    (item,) = result.items
    assert item.insert_text == "a + b"
    assert item.range == types.Range(start=types.Position(line=1, character=11),
                                     end=types.Position(line=1, character=11))
    body = emulator.requests_to("/api/generate")[-1].body
    assert body["model"] == "qwen2.5-coder:1.5b"
    assert body["prompt"] == "def add(a, b):\n    return "
    assert body["suffix"] == "\n\nprint(add(1, 2))\n"
    assert body["options"]["num_predict"] == 16


async def test_plain_continuation_without_insert(plain, emulator):
    emulator.set_response(["a", " + b"])
    result = await plain.client.text_document_inline_completion_async(inline_params(1, 11))
    assert result.items[0].insert_text == "a + b"
    body = emulator.requests_to("/api/generate")[-1].body
    assert "suffix" not in body and body["raw"] is True
    assert body["prompt"] == "def add(a, b):\n    return "
    # Said once, naming the installed models that can fill in the middle.
    await plain.until(lambda: any("cannot fill in the middle" in m for m in plain.messages))
    await plain.client.text_document_inline_completion_async(inline_params(1, 11))
    notices = [m for m in plain.messages if "cannot fill in the middle" in m]
    assert len(notices) == 1 and "qwen2.5-coder:1.5b" in notices[0]


async def test_a_superseded_request_is_cancelled_and_its_stream_closed(coder, emulator):
    emulator.set_response([f" t{i}" for i in range(200)])
    emulator.token_rate = 20
    first = asyncio.ensure_future(
        coder.client.text_document_inline_completion_async(inline_params(1, 11))
    )
    await asyncio.to_thread(emulator.wait_for, lambda: emulator.requests_to("/api/generate"), 5.0)
    emulator.set_response(["b"])
    emulator.token_rate = 1000
    second = await coder.client.text_document_inline_completion_async(inline_params(1, 11))
    assert second.items[0].insert_text == "b"
    with pytest.raises(Exception, match="(?i)cancel"):
        await first
    first_stream = emulator.requests_to("/api/generate")[0]
    await asyncio.to_thread(emulator.wait_for, lambda: first_stream.closed_early, 5.0)


async def test_no_ghost_text_inside_a_model_name_slot(coder, emulator):
    uri = "file:///work/app/config.yaml"
    coder.editor.open(uri, "ollama:\n  model: lla\n", "yaml")
    result = await coder.client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=12),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
        )
    )
    assert result is None
    assert emulator.requests_to("/api/generate") == []


@pytest.fixture
async def thinker(lsp, emulator):
    session = await configured(lsp, emulator, "deepseek-r1:8b")
    yield session
    await lsp.shutdown_session()


async def test_thinking_models_do_not_think_for_ghost_text(thinker, emulator):
    emulator.set_response(["a + b"])
    result = await thinker.client.text_document_inline_completion_async(inline_params(1, 11))
    assert result.items[0].insert_text == "a + b"
    assert emulator.requests_to("/api/generate")[-1].body["think"] is False
