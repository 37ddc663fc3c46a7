"""The same server for editors other than VS Code: each client's real capabilities (as pytest-lsp
records them) through status, completion, diagnostics, generation and a pull."""

from __future__ import annotations

import pytest
from lsprotocol import types

from pytest_lsp import client_capabilities

from tests.lsp.conftest import settings_for, start_session
from tests.lsp.test_generate import DOC, execute, pos

YAML = "file:///work/app/config.yaml"


@pytest.fixture(params=["neovim", "neovim@v0.6.1", "emacs"])
async def other_client(request, lsp, emulator):
    session = await start_session(lsp, {"ollama": settings_for(emulator)}, spec=request.param)
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()


async def test_config_features_and_generation_work_in_other_editors(other_client, emulator):
    session = other_client
    assert session.statuses[0]["reachable"]

    session.editor.open(YAML, "ollama:\n  model: phi3:mini\n", "yaml")
    (diagnostic,) = await session.until(lambda: session.diagnostics(YAML))
    assert diagnostic.code == "model-not-installed"
    result = await session.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=YAML), position=types.Position(line=1, character=12)))
    items = result.items if isinstance(result, types.CompletionList) else result
    assert "llama3.2:latest" in [item.label for item in items]

    pulled = await execute(session, {"command": "ollama.pull", "model": "phi3:mini"})
    assert pulled["status"] == "success"
    await session.until(lambda: len(session.diagnostics(YAML)) == 0)
    assert [p for p in session.progress if p["kind"] == "pull"][-1]["done"] is True

    session.editor.open(DOC, "Hello\n", "markdown")
    emulator.set_response([",", " world"])
    generated = await execute(session, {"uri": DOC, "position": pos(0, 5), "model": "llama3.2"})
    assert session.editor.text(DOC) == "Hello, world\n" and generated["text"] == ", world"


@pytest.fixture
async def plain_text_client(lsp, emulator):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.text_document.hover.content_format = [types.MarkupKind.PlainText]
    capabilities.text_document.completion.completion_item.documentation_format = None
    session = await start_session(lsp, {"ollama": settings_for(emulator)}, capabilities=capabilities)
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()


async def test_plain_text_for_a_client_without_markdown(plain_text_client):
    session = plain_text_client
    session.editor.open(YAML, "ollama:\n  model: llama3.2\n", "yaml")
    position = types.Position(line=1, character=12)
    document = types.TextDocumentIdentifier(uri=YAML)
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position))
    assert isinstance(hover.contents, str)
    assert "parameters: " in hover.contents and "loaded now" in hover.contents
    assert "|" not in hover.contents and "**" not in hover.contents and "#" not in hover.contents
    completion = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=document, position=position))
    assert all(isinstance(item.documentation, str) for item in completion.items)
