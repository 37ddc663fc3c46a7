"""Quick fixes and completion keep to the kind of model a setting expects: an embedding setting
is only offered embedding models, a chat or autocomplete setting never an embedding-only one;
completion lists one name per installed model (same digest) and the setting's kind first."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.lsp.conftest import settings_for, start_session

URI = "file:///work/app/rag.yaml"
TEXT = """\
embedder:
  provider: ollama
  embed_model: llama3.2:1b
chat:
  provider: ollama
  model: nomic-embed-text:v1.5
retriever:
  provider: ollama
  embedding_model: llama3
"""
CHAT_MODELS = {"llama3.2", "llama3", "qwen2.5-coder", "deepseek-r1", "llava", "mistral", "phi3"}


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def actions_on(session, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return list(result or [])


def models_offered(actions: list[types.CodeAction]) -> set[str]:
    """Every model a quick fix would pull or write into the document."""
    offered = set()
    for action in actions:
        if action.command is not None:
            offered |= {argument["model"] for argument in action.command.arguments}
        if action.edit is not None:
            offered |= {edit.new_text for edits in action.edit.changes.values() for edit in edits}
    return offered


def family(name: str) -> str:
    return name.split(":", 1)[0]


async def test_quick_fixes_offer_only_models_of_the_settings_kind(session):
    session.editor.open(URI, TEXT, "yaml")
    diagnostics = await session.until(lambda: len(session.diagnostics(URI)) == 3 and session.diagnostics(URI))
    by_line = {d.range.start.line: d for d in diagnostics}

    # An embedding setting naming a chat model that is not installed (llama3.2:latest is, and
    # it chats): not pulled, not replaced by a chat model; the installed embedding model instead.
    embedding = by_line[2]
    assert embedding.code == "model-not-installed"
    assert "pulling it would not help" in embedding.message and "expects an embedding model" in embedding.message
    offered = models_offered(await actions_on(session, embedding))
    assert offered == {"nomic-embed-text:latest"}

    # A chat setting naming an embedding model: never offered an embedding-only model.
    chat = by_line[5]
    assert chat.code == "model-not-installed" and "embedding-only" in chat.message
    offered = models_offered(await actions_on(session, chat))
    assert offered and all(family(name) in CHAT_MODELS for name in offered), offered
    assert not any(name.startswith("nomic-embed-text") for name in offered)

    # `llama3` in an embedding setting: once a tag-mismatch with `Replace with llama3:8b`; the
    # installed tag is a chat model, so neither it nor a pull of llama3 is offered.
    untagged = by_line[8]
    assert untagged.code == "model-not-installed"
    offered = models_offered(await actions_on(session, untagged))
    assert offered == {"nomic-embed-text:latest"}


async def test_with_no_embedding_model_installed_an_embedding_model_is_pulled_and_used(session, emulator):
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ollama.delete", arguments=[{"model": "nomic-embed-text"}])
    )
    assert result == {"model": "nomic-embed-text", "status": "deleted"}
    session.editor.open(URI, TEXT, "yaml")
    diagnostics = await session.until(lambda: len(session.diagnostics(URI)) == 3 and session.diagnostics(URI))
    embedding = next(d for d in diagnostics if d.range.start.line == 2)
    (action,) = await actions_on(session, embedding)
    assert action.title == "Pull nomic-embed-text and use it"
    assert list(action.command.arguments) == [{"model": "nomic-embed-text"}]
    (edit,) = action.edit.changes[URI]
    assert edit.range == embedding.range and edit.new_text == "nomic-embed-text"


@pytest.fixture
async def same_model_twice(lsp, emulator):
    """`llama3.2:3b` copied from `llama3.2:latest` (same blobs, same digest), as `ollama cp` does."""
    installed = emulator.state.installed
    installed.add(installed.find("llama3.2:latest").renamed("llama3.2:3b"))
    session = await start_session(lsp, {"ollama": settings_for(emulator)})
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()


async def labels_at(session, uri: str, line: int, character: int) -> list[str]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(line, character))
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    return [item.label for item in items if item.sort_text.startswith("0")]  # installed ones


async def test_completion_ranks_the_settings_kind_first_and_lists_a_model_once(same_model_twice):
    session = same_model_twice
    uri = "file:///work/app/kinds.yaml"
    session.editor.open(uri, "embeddings:\n  provider: ollama\n  model: \nllm:\n  provider: ollama\n  model: \n", "yaml")
    embedding = await labels_at(session, uri, 2, 9)
    assert embedding[0] == "nomic-embed-text:latest"
    chat = await labels_at(session, uri, 5, 9)
    assert chat[-1] == "nomic-embed-text:latest"  # the embedding-only model last
    for labels in (embedding, chat):
        # one of the two names of the same model: the `latest` tag
        assert "llama3.2:latest" in labels and "llama3.2:3b" not in labels
        assert len(labels) == len(set(labels))
