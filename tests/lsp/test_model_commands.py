"""ollama.delete, ollama.warmup and ollama.unload change the server and refresh the status;
with autoPull on, generating with a missing model pulls it first, with progress."""

from __future__ import annotations

import pytest

from tests.lsp.conftest import settings_for, start_session
from tests.lsp.test_generate import DOC, execute, pos


def running_names(status: dict) -> list[str]:
    return [model["name"] for model in status["runningModels"]]


async def test_warm_up_and_unload_refresh_the_status(session):
    result = await execute(session, {"command": "ollama.warmup", "model": "qwen2.5-coder:1.5b"})
    assert result == {"model": "qwen2.5-coder:1.5b", "status": "loaded"}
    await session.until(lambda: "qwen2.5-coder:1.5b" in running_names(session.statuses[-1]))
    await execute(session, {"command": "ollama.unload", "model": "qwen2.5-coder:1.5b"})
    await session.until(lambda: "qwen2.5-coder:1.5b" not in running_names(session.statuses[-1]))


async def test_delete_refreshes_status_and_diagnostics(session, emulator):
    uri = "file:///work/app/config.yaml"
    session.editor.open(uri, "ollama:\n  model: llava:7b\n", "yaml")
    count = session.statuses[-1]["modelCount"]
    result = await execute(session, {"command": "ollama.delete", "model": "llava:7b"})
    assert result == {"model": "llava:7b", "status": "deleted"}
    await session.until(lambda: session.statuses[-1]["modelCount"] == count - 1)
    await session.until(lambda: session.codes(uri) == ["model-not-installed"])
    assert "llava:7b" not in {m.name for m in emulator.state.installed.values()}


async def test_commands_refuse_a_bad_model_name(session):
    from pygls.exceptions import JsonRpcException

    with pytest.raises(JsonRpcException):
        await execute(session, {"command": "ollama.delete", "model": "bad name"})
    assert any("bad name" in message for message in session.messages)


@pytest.fixture
async def auto_pull(lsp, emulator):
    session = await start_session(lsp, {"ollama": settings_for(emulator, autoPull=True)})
    await session.until(lambda: session.statuses)
    yield session
    await lsp.shutdown_session()


async def test_auto_pull_pulls_before_generating(auto_pull, emulator):
    auto_pull.editor.open(DOC, "x\n", "markdown")
    emulator.set_response([" done"])
    result = await execute(auto_pull, {"uri": DOC, "position": pos(0, 1), "model": "phi3:mini"})
    assert result["text"] == " done" and auto_pull.editor.text(DOC) == "x done\n"
    assert "phi3:mini" in {m.name for m in emulator.state.installed.values()}
    pull_reports = [p for p in auto_pull.progress if p["kind"] == "pull"]
    assert pull_reports and pull_reports[-1]["done"] is True
    paths = [r.path for r in emulator.requests if r.path in ("/api/pull", "/api/generate")]
    assert paths[:2] == ["/api/pull", "/api/generate"]
