"""The status after a generation carries its speed (Ollama's counts, thinking apart); a cloud
model that is not signed in fails with the sign-in advice."""

from __future__ import annotations

from tests.lsp.test_generate import DOC, execute, pos


async def test_the_status_after_a_generation_carries_its_speed_and_thinking(session, emulator):
    session.editor.open(DOC, "Hello\n", "markdown")
    emulator.set_response(["!", " Hi"], thinking=["hm", "m", "."])
    result = await execute(session, {"uri": DOC, "position": pos(0, 5), "model": "deepseek-r1:8b"})
    assert result["text"] == "! Hi"
    with_last = await session.until(
        lambda: [s for s in session.statuses if s.get("lastGeneration")]
    )
    last = with_last[-1]["lastGeneration"]
    assert last["model"] == "deepseek-r1:8b"
    assert last["evalCount"] == 5 and last["thinkingTokens"] == 3
    assert last["estimated"] is False and last["tokensPerSecond"] > 0
    # and the status request answers with it too
    status = await session.client.protocol.send_request_async("ollama/status", {})
    assert status.lastGeneration.evalCount == 5


async def test_a_signed_out_cloud_model_fails_with_the_sign_in_advice(session, emulator):
    emulator.set_cloud("signed_out")
    session.editor.open(DOC, "Hello\n", "markdown")
    result = await execute(session, {"uri": DOC, "position": pos(0, 5),
                                      "model": "gpt-oss:120b-cloud"})
    assert "Not signed in to Ollama Cloud" in result["error"]
    assert "`ollama signin`" in result["error"]
    assert "the apiKey setting" in result["error"]
    shown = await session.until(lambda: [m for m in session.messages if "ollama signin" in m])
    assert shown
    assert session.editor.text(DOC) == "Hello\n"
