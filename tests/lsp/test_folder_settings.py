"""Multi-root workspaces: each folder's settings, pulled with `workspace/configuration` (one item
per folder's scopeUri), decide how that folder's documents are checked and generated with."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from tests.lsp.conftest import Session, settings_for
from tests.lsp.test_generate import execute, generate_requests, pos

API = "file:///home/dev/api"
WEB = "file:///home/dev/web"
DOCS = "file:///home/dev/docs"
# A Continue config: `model` is an Ollama model here; `brain` only where modelKeys says so.
CONFIG = """models:
  - name: local
    provider: ollama
    model: nosuchmodel:7b
    brain: othermissing:1b
"""


def folder(uri: str) -> types.WorkspaceFolder:
    return types.WorkspaceFolder(uri=uri, name=uri.rsplit("/", 1)[-1])


def configuration_scopes(client) -> list[str | None]:
    """The scopeUri of every item of every workspace/configuration request, in order."""
    return list(client.configuration_scopes)


@pytest.fixture
async def multi_root(lsp, emulator):
    lsp.configuration_scopes = []
    answer_item = lsp.get_configuration

    def recording(*, section=None, scope_uri=None):
        lsp.configuration_scopes.append(scope_uri)
        return answer_item(section=section, scope_uri=scope_uri)

    lsp.get_configuration = recording  # what the client's workspace/configuration handler calls
    user = settings_for(emulator)
    lsp.set_configuration(user, section="ollama")
    # The api folder names its models under a key of its own and runs a large context;
    # the web folder turns diagnostics off and generates with another model.
    lsp.set_configuration(
        {**user, "modelKeys": ["brain"], "contextLength": 16384, "model": "llama3.2"},
        section="ollama", scope_uri=API,
    )  # fmt: skip
    lsp.set_configuration(
        {**user, "diagnostics": {"enable": False}, "model": "qwen2.5-coder:7b", "keepAlive": "1h"},
        section="ollama", scope_uri=WEB,
    )  # fmt: skip
    session = Session(lsp)
    await lsp.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options={"ollama": user},
            workspace_folders=[folder(API), folder(WEB)],
        )
    )
    await session.until(lambda: session.statuses)
    await session.until(lambda: API in configuration_scopes(lsp))
    yield session
    await lsp.shutdown_session()


async def codes_after_open(session: Session, uri: str, text: str = CONFIG) -> list[str]:
    session.editor.open(uri, text, "yaml")
    # Diagnostics are published for every open config, empty ones included.
    await session.until(lambda: uri in session.client.diagnostics, timeout=10)
    return session.codes(uri)


async def test_each_folder_is_asked_for_by_its_scope_uri(multi_root):
    scopes = configuration_scopes(multi_root.client)
    assert API in scopes and WEB in scopes


async def test_a_document_is_checked_with_its_own_folders_settings(multi_root):
    api = await codes_after_open(multi_root, f"{API}/config.yaml")
    web = await codes_after_open(multi_root, f"{WEB}/config.yaml")
    outside = await codes_after_open(multi_root, "file:///tmp/elsewhere/config.yaml")
    assert api == ["model-not-installed", "model-not-installed"]  # `brain` is a model key here
    assert web == []  # diagnostics are off in this folder
    assert outside == ["model-not-installed"]  # the user's settings: only `model`


async def test_completion_follows_the_folders_model_keys(multi_root):
    text = "models:\n  - provider: ollama\n    brain: \n"
    multi_root.editor.open(f"{API}/a.yaml", text, "yaml")
    multi_root.editor.open(f"{WEB}/a.yaml", text, "yaml")
    at_brain = types.Position(line=2, character=11)
    api = await multi_root.client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(f"{API}/a.yaml"), at_brain)
    )
    web = await multi_root.client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(f"{WEB}/a.yaml"), at_brain)
    )
    assert api is not None and len(api.items) > 0
    assert web is None or len(web.items) == 0


async def test_generation_uses_the_folders_model_context_and_keep_alive(multi_root, emulator):
    emulator.set_response(["ok"])
    for uri in (f"{API}/notes.md", f"{WEB}/notes.md"):
        multi_root.editor.open(uri, "Hello\n", "markdown")
        await execute(multi_root, {"uri": uri, "position": pos(0, 5)})
    api, web = (request.body for request in generate_requests(emulator)[-2:])
    assert api["model"] == "llama3.2" and api["options"]["num_ctx"] == 16384
    assert "keep_alive" not in api
    assert web["model"] == "qwen2.5-coder:7b" and web["keep_alive"] == "1h"
    assert "num_ctx" not in (web.get("options") or {})


async def test_an_added_folder_is_asked_for_and_its_settings_used(multi_root, emulator):
    client = multi_root.client
    client.set_configuration(
        {**settings_for(emulator), "diagnostics": {"enable": False}}, section="ollama", scope_uri=DOCS
    )
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(added=[folder(DOCS)], removed=[folder(WEB)])
        )
    )
    await multi_root.until(lambda: DOCS in configuration_scopes(client))
    assert await codes_after_open(multi_root, f"{DOCS}/config.yaml") == []
    # The removed folder's documents fall back to the user's settings.
    assert await codes_after_open(multi_root, f"{WEB}/config.yaml") == ["model-not-installed"]


async def test_a_settings_change_pulls_the_folders_again_and_rechecks(multi_root, emulator):
    client = multi_root.client
    uri = f"{WEB}/config.yaml"
    assert await codes_after_open(multi_root, uri) == []
    client.set_configuration({**settings_for(emulator)}, section="ollama", scope_uri=WEB)
    asked = len(client.configuration_scopes)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ollama": settings_for(emulator)})
    )
    await multi_root.until(lambda: configuration_scopes(client)[asked:].count(WEB) == 1)
    await multi_root.until(lambda: multi_root.codes(uri) == ["model-not-installed"])


async def test_a_folder_with_its_own_server_address_is_told_that_one_server_serves_all(
    multi_root, emulator
):
    client = multi_root.client
    client.set_configuration(
        {**settings_for(emulator), "baseUrl": "http://127.0.0.1:1"}, section="ollama", scope_uri=WEB
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    message = await multi_root.until(
        lambda: next((m for m in multi_root.messages if "one server serves every folder" in m), None)
    )
    assert "ollama.baseUrl" in message and WEB in message
    await asyncio.sleep(0.5)
    status = await client.protocol.send_request_async("ollama/status", {"force": True})
    assert status.reachable is True  # still the workspace's server
