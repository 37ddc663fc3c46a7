"""Completion with a shared team server's 1,000 models: the relevant items first, a capped list
marked incomplete, documentation by `completionItem/resolve`, one name per digest."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

from lsprotocol import types
from ollama_ls.facade import ModelSummary
from ollama_ls.lsp import completion
from ollama_ls.scan import FileKind, Slot
from ollama_ls.scan.positions import Position, Range
from pygls.protocol import default_converter
from pytest_lsp import client_capabilities


def _model(name: str, capabilities: tuple[str, ...], day: int, digest: str | None = None) -> ModelSummary:
    return ModelSummary(
        name, 2_000_000_000, digest or f"sha256:{name}", f"2026-11-{day:02d}T00:00:00Z",
        "llama", "3B", "Q4_K_M", capabilities, 8192,
    )  # fmt: skip


def _catalogue() -> list[ModelSummary]:
    models = [_model(f"chat{i}:latest", ("completion",), 1 + i % 28) for i in range(700)]
    models += [_model(f"embed{i}:latest", ("embedding",), 1 + i % 28) for i in range(200)]
    models += [_model(f"coder{i}:latest", ("completion", "insert"), 1 + i % 28) for i in range(97)]
    models += [
        _model("llama3.2:latest", ("completion",), 3, digest="sha256:same"),
        _model("llama3.2:3b", ("completion",), 3, digest="sha256:same"),
        _model("llama3.2:1b", ("completion",), 2),
    ]
    return models


class _Server:
    def __init__(self, client: str = "visual-studio-code") -> None:
        self.client_capabilities = client_capabilities(client)
        models = _catalogue()

        async def list_available_models():
            return models

        self.tools = SimpleNamespace(list_available_models=list_available_models)


def _slot(kind: str, value: str = "") -> Slot:
    at = Position(1, 9)
    end = Position(1, 9 + len(value))
    return Slot(value, Range(at, end), "model", kind, False, FileKind.YAML, "")  # type: ignore[arg-type]


def _complete(server, kind: str, value: str = "") -> types.CompletionList:
    cursor = types.Position(line=1, character=9 + len(value))
    return asyncio.run(completion.model_completion(server, _slot(kind, value), cursor))


def _wire_bytes(result: types.CompletionList) -> int:
    return len(json.dumps(default_converter().unstructure(result)).encode())


def test_the_list_is_capped_and_marked_incomplete():
    result = _complete(_Server(), "chat")
    assert len(result.items) == completion.MAX_ITEMS and result.is_incomplete
    assert _wire_bytes(result) < 64 * 1024


def test_a_typed_prefix_keeps_only_matches_when_the_list_is_cut():
    result = _complete(_Server(), "chat", "llama3.2:")
    labels = [item.label for item in result.items]
    assert labels[:2] == ["llama3.2:latest", "llama3.2:1b"]
    assert len(result.items) <= completion.INLINE_DOCUMENTATION_UP_TO
    assert all(item.documentation is not None for item in result.items)


def test_resolve_returns_the_documentation_left_out_of_a_long_list():
    server = _Server()
    result = _complete(server, "chat")
    first = result.items[0]
    assert first.documentation is None and first.data == {"installed": first.label}
    # The item goes through the wire and back, as a client sends it.
    converter = default_converter()
    sent = converter.structure(converter.unstructure(first), types.CompletionItem)
    resolved = asyncio.run(completion.resolve_item(server, sent))
    assert "capabilities: completion" in resolved.documentation.value
    assert "context length: 8,192" in resolved.documentation.value
    pullable = next(item for item in result.items if item.data and "pullable" in item.data) if any(
        item.data and "pullable" in item.data for item in result.items
    ) else None
    if pullable is not None:
        assert "ollama pull" in asyncio.run(completion.resolve_item(server, pullable)).documentation.value


def test_a_client_that_cannot_resolve_gets_documentation_inline():
    server = _Server("neovim")  # resolves additionalTextEdits and command, not documentation
    result = _complete(server, "chat")
    assert all(item.documentation is not None for item in result.items)
    assert len(result.items) == completion.MAX_ITEMS and result.is_incomplete


def test_the_slots_kind_comes_first():
    server = _Server()
    embedding = _complete(server, "embedding").items
    assert all(item.label.startswith("embed") for item in embedding[:100])
    autocomplete = _complete(server, "autocomplete").items
    assert all(item.label.startswith("coder") for item in autocomplete[:97])
    chat = _complete(server, "chat").items
    assert not any(item.label.startswith("embed") for item in chat)


def test_what_was_typed_comes_first():
    result = _complete(_Server(), "embedding", "chat12")
    labels = [item.label for item in result.items]
    # What was typed wins over the slot's kind; past the cap, only matches are sent.
    assert sorted(labels) == sorted(["chat12:latest", *(f"chat12{i}:latest" for i in range(10))])
    assert result.is_incomplete
    items = _complete(_Server(), "embedding", "1").items
    labels = [item.label for item in items]
    assert all("1" in label for label in labels)
    assert labels[0].startswith("embed")  # among equal matches, the slot's kind first


def test_installed_duplicates_by_digest_are_left_out():
    labels = [item.label for item in _complete(_Server(), "chat", "llama").items]
    assert "llama3.2:latest" in labels and "llama3.2:3b" not in labels and "llama3.2:1b" in labels
    # Typing the duplicate's own name offers it rather than its twin.
    typed = [item.label for item in _complete(_Server(), "chat", "llama3.2:3").items]
    assert typed[0] == "llama3.2:3b" and "llama3.2:latest" not in typed
