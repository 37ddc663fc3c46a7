"""Ollama Cloud models over the language server: completion marks a pulled cloud model, a cloud
name the server does not list is a warning with the sign-in fix, and hover says the same."""

from __future__ import annotations

from lsprotocol import types

from ollama_ls.modelname import CLOUD_SIGN_IN

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


async def test_a_cloud_name_not_listed_warns_and_hover_says_the_same_fix(session, emulator):
    session.editor.open(URI, TEXT, "yaml")
    (diagnostic,) = await session.until(lambda: session.diagnostics(URI))
    assert diagnostic.code == "cloud-model-not-pulled"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert CLOUD_SIGN_IN in diagnostic.message
    assert "ollama pull kimi-k2:1t-cloud" in diagnostic.message
    hover = await session.client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(URI), at(2, 12))
    )
    # Hover asked the server, which has cloud off (the emulator's default, as a fresh Ollama
    # with OLLAMA_NO_CLOUD): it says so, with the same last step.
    assert hover is not None and "`ollama signin`" in hover.contents.value
    assert "Ollama Cloud models are disabled on this Ollama server" in hover.contents.value


async def test_hover_on_a_signed_out_server_says_to_sign_in_as_the_warning_does(session, emulator):
    emulator.set_cloud("signed_out")
    session.editor.open(URI, TEXT, "yaml")
    hover = await session.client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(URI), at(2, 12))
    )
    assert hover is not None and CLOUD_SIGN_IN in hover.contents.value
