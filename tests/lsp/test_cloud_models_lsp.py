"""Ollama Cloud models over the language server: completion marks a pulled cloud model, a cloud
name the server does not list is a warning with the fix that server needs (sign in and pull, or
cloud is turned off there), and hover says the same."""

from __future__ import annotations

from lsprotocol import types

from ollama_ls.modelname import CLOUD_DISABLED, CLOUD_SIGN_IN

URI = "file:///work/app/config.yaml"
TEXT = "llm:\n  provider: ollama\n  model: kimi-k2:1t-cloud\n"


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def test_completion_marks_a_pulled_cloud_model(session, emulator):
    emulator.add_model(
        "gpt-oss:20b-cloud", remote_model="gpt-oss:20b", remote_host="https://ollama.com:443"
    )
    await session.client.protocol.send_request_async("ollama/models", {"force": True})
    session.editor.open(URI, "llm:\n  provider: ollama\n  model: gpt\n", "yaml")
    result = await session.client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(URI), at(2, 12))
    )
    items = {item.label: item for item in result.items}
    cloud = items["gpt-oss:20b-cloud"]
    assert "Ollama Cloud" in cloud.detail
    assert CLOUD_SIGN_IN in str(cloud.documentation)
    local = items["llama3.2:latest"]
    assert "Ollama Cloud" not in local.detail and local.detail.endswith("B")  # its size


async def test_a_cloud_name_not_listed_on_a_signed_out_server_says_sign_in_then_pull(session, emulator):
    emulator.set_cloud("signed_out")
    session.editor.open(URI, TEXT, "yaml")
    (diagnostic,) = await session.until(lambda: session.diagnostics(URI))
    assert diagnostic.code == "cloud-model-not-pulled"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert CLOUD_SIGN_IN in diagnostic.message
    assert "ollama pull kimi-k2:1t-cloud" in diagnostic.message
    hover = await session.client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(URI), at(2, 12))
    )
    assert hover is not None and CLOUD_SIGN_IN in hover.contents.value


async def test_on_a_server_with_cloud_off_the_warning_and_hover_say_so_alike(session, emulator):
    """The emulator's default, as an Ollama with OLLAMA_NO_CLOUD: /api/status says cloud is
    disabled, and signing in then pulling would not help."""
    session.editor.open(URI, TEXT, "yaml")
    (diagnostic,) = await session.until(lambda: session.diagnostics(URI))
    assert diagnostic.code == "cloud-model-not-pulled"
    assert diagnostic.message == (
        f"`kimi-k2:1t-cloud` is an Ollama Cloud model. {CLOUD_DISABLED}, then run: "
        "ollama pull kimi-k2:1t-cloud"
    )
    hover = await session.client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(URI), at(2, 12))
    )
    assert hover is not None and CLOUD_DISABLED in " ".join(hover.contents.value.split())
    asked = emulator.requests_to("/api/status")
    assert len(asked) == 1  # cached: not asked again by hover or a later recheck
    session.editor.replace_all(URI, TEXT.replace("kimi-k2:1t-cloud", "glm-4.6:cloud"))
    await session.until(lambda: "glm-4.6:cloud" in str(session.diagnostics(URI)))
    assert CLOUD_DISABLED in session.diagnostics(URI)[0].message
    assert len(emulator.requests_to("/api/status")) == 1


async def test_a_document_without_cloud_names_never_asks_for_the_cloud_policy(session, emulator):
    session.editor.open(URI, "llm:\n  provider: ollama\n  model: not-here:7b\n", "yaml")
    await session.until(lambda: session.diagnostics(URI))
    assert not emulator.requests_to("/api/status")
