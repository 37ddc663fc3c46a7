"""Context lengths over the LSP: the warning above the model's maximum (read from the server's
/api/show model_info), the error for a value that is no size, the hover on the number, and the
quick fix that sets the maximum."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.lsp.conftest import settings_for, start_session

CONFIG = "file:///work/app/.continue/config.yaml"
TEXT = """\
models:
  - name: Small context
    provider: ollama
    model: short-ctx:1b
    defaultCompletionOptions:
      contextLength: 16384
  - name: Llama 3.2
    provider: ollama
    model: llama3.2
    defaultCompletionOptions:
      contextLength: 32768
  - name: Broken
    provider: ollama
    model: llama3.2
    defaultCompletionOptions:
      contextLength: lots
"""


@pytest.fixture
async def short(lsp, emulator):
    """A session whose server lists a model whose model_info says 8,192 tokens at most."""
    emulator.add_model("short-ctx:1b", context_length=8192)
    session = await start_session(lsp, {"ollama": settings_for(emulator)})
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def value_range(line: int, value: str) -> types.Range:
    start = TEXT.splitlines()[line].index(value)
    return types.Range(start=position(line, start), end=position(line, start + len(value)))


async def hover(session, uri: str, line: int, character: int) -> str:
    result = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(line, character))
    )
    assert result is not None
    return result.contents.value


async def test_too_large_warns_hover_explains_and_the_fix_sets_the_maximum(short):
    session = short
    session.editor.open(CONFIG, TEXT, "yaml")
    diagnostics = await session.until(lambda: len(session.diagnostics(CONFIG)) == 2 and session.diagnostics(CONFIG))
    by_line = {d.range.start.line: d for d in diagnostics}

    warning = by_line[5]
    assert warning.code == "context-length-too-large"
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert warning.range == value_range(5, "16384")
    assert "16,384 tokens" in warning.message and "`short-ctx:1b` (8,192 tokens)" in warning.message
    assert "Set `contextLength` to 8192 or less" in warning.message

    error = by_line[15]
    assert error.code == "invalid-context-length"
    assert error.severity == types.DiagnosticSeverity.Error
    assert "not `lots`" in error.message
    # 32,768 for llama3.2 (131,072 max) is fine: no diagnostic on line 10.

    text = await hover(session, CONFIG, 5, warning.range.start.character + 2)
    assert "`contextLength`: 16,384 tokens" in text
    assert "`short-ctx:1b` takes at most **8,192 tokens**" in text
    assert "above it" in text
    assert "KV cache" in text and "memory" in text
    assert "4,096 below 23 GiB of VRAM, 32,768 from 23 GiB, 262,144 from 47 GiB" in text
    assert "`OLLAMA_CONTEXT_LENGTH`" in text

    fine = await hover(session, CONFIG, 10, value_range(10, "32768").start.character)
    assert "`llama3.2:latest` takes at most **131,072 tokens**" in fine and "above it" not in fine

    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=CONFIG),
            range=warning.range,
            context=types.CodeActionContext(diagnostics=[warning]),
        )
    )
    (fix,) = actions
    assert fix.title == "Set to 8,192, the model's maximum"
    (edit,) = fix.edit.changes[CONFIG]
    assert edit.range == warning.range and edit.new_text == "8192"
    session.editor.edit(CONFIG, edit.range, edit.new_text)
    await session.until(lambda: [str(d.code) for d in session.diagnostics(CONFIG)] == ["invalid-context-length"])


async def test_modelfile_num_ctx_above_the_from_models_maximum(session):
    uri = "file:///work/app/Modelfile"
    text = "FROM llama3:8b\nPARAMETER temperature 0.3\nPARAMETER num_ctx 65536\n"
    session.editor.open(uri, text, "modelfile")
    (warning,) = await session.until(lambda: session.diagnostics(uri))
    assert warning.code == "context-length-too-large"
    assert warning.range == types.Range(start=position(2, 18), end=position(2, 23))
    assert "`llama3:8b` (8,192 tokens)" in warning.message
    text = await hover(session, uri, 2, 20)
    assert "`num_ctx`: 65,536 tokens" in text and "`llama3:8b` takes at most **8,192 tokens**" in text
