"""Streamed generation into the document: exact final text, user edits while streaming, the
three ways to cancel (each closing the HTTP stream), a server that dies mid-stream."""

from __future__ import annotations

import asyncio
import uuid

from lsprotocol import types

DOC = "file:///work/notes.md"


def pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def execute(session, arguments: dict, msg_id: str | None = None):
    """Send ollama.generate (or another command); returns the response future."""
    params = types.ExecuteCommandParams(command=arguments.pop("command", "ollama.generate"),
                                        arguments=[arguments])
    future = session.client.protocol.send_request("workspace/executeCommand", params, msg_id=msg_id)
    return asyncio.wrap_future(future)


def generate_requests(emulator):
    return emulator.requests_to("/api/generate")


async def test_insert_at_cursor_streams_the_exact_text(session, emulator):
    session.editor.open(DOC, "Hello\nbye\n", "markdown")
    emulator.set_response(["!", " How", " are", " you", "?"])
    result = await execute(session, {"uri": DOC, "position": pos(0, 5), "model": "llama3.2"})
    assert session.editor.text(DOC) == "Hello! How are you?\nbye\n"
    assert result["text"] == "! How are you?"
    assert result["model"] == "llama3.2" and result["cancelled"] is False
    assert result["evalCount"] == 5
    assert result["tokensPerSecond"] > 0 and result["timeToFirstTokenMs"] >= 0
    # Ollama got the text before the cursor as a raw continuation prompt.
    body = generate_requests(emulator)[-1].body
    assert body["prompt"] == "Hello" and body["raw"] is True and body["stream"] is True


async def test_replace_selection_with_an_instruction(session, emulator):
    session.editor.open(DOC, "keep\nteh cat sat\nend\n", "markdown")
    emulator.set_response(["the", " cat", " sat"])
    result = await execute(session, {
        "uri": DOC, "range": {"start": pos(1, 0), "end": pos(1, 11)},
        "prompt": "Fix the spelling", "mode": "replace", "model": "llama3.2",
    })
    assert session.editor.text(DOC) == "keep\nthe cat sat\nend\n"
    assert result["text"] == "the cat sat"
    prompt = generate_requests(emulator)[-1].body["prompt"]
    assert prompt.startswith("Fix the spelling") and "teh cat sat" in prompt


async def test_edits_are_coalesced(session, emulator):
    session.editor.open(DOC, "", "markdown")
    tokens = [f" w{i}" for i in range(200)]
    emulator.set_response(tokens)
    emulator.token_rate = 2000
    result = await execute(session, {"uri": DOC, "position": pos(0, 0), "model": "llama3.2"})
    assert session.editor.text(DOC) == "".join(tokens) == result["text"]
    assert len(session.editor.applied_edits) < len(tokens) / 4


async def test_user_edit_above_the_insertion_point_is_followed(session, emulator):
    session.editor.open(DOC, "title\nbody: \n", "markdown")
    tokens = [f" t{i}" for i in range(12)]
    emulator.set_response(tokens)
    emulator.token_rate = 25
    running = execute(session, {"uri": DOC, "position": pos(1, 6), "model": "llama3.2"})
    await session.until(lambda: " t2" in session.editor.text(DOC))
    session.editor.edit(DOC, types.Range(start=types.Position(line=0, character=0),
                                         end=types.Position(line=0, character=0)), "# new line\n")
    result = await running
    assert session.editor.text(DOC) == "# new line\ntitle\nbody: " + "".join(tokens) + "\n"
    assert result["text"] == "".join(tokens) and result["cancelled"] is False


async def test_user_edit_inside_the_generated_text_stops_generation(session, emulator):
    session.editor.open(DOC, "x\n", "markdown")
    tokens = [f" t{i}" for i in range(40)]
    emulator.set_response(tokens)
    emulator.token_rate = 25
    running = execute(session, {"uri": DOC, "position": pos(0, 1), "model": "llama3.2"})
    await session.until(lambda: " t3" in session.editor.text(DOC))
    inserted = session.editor.text(DOC)[1:-1]
    # The user types inside what was generated.
    session.editor.edit(DOC, types.Range(start=types.Position(line=0, character=3),
                                         end=types.Position(line=0, character=3)), "USER")
    result = await running
    assert result["stopped"] == "you edited the text being generated"
    text = session.editor.text(DOC)
    # Nothing lost or duplicated: the user's text plus exactly what was generated.
    assert text.replace("USER", "", 1) == "x" + result["text"] + "\n"
    assert result["text"].startswith(inserted) and len(result["text"]) < len("".join(tokens))
    assert any("Generation stopped" in m for m in session.messages)
    await emulator_sees_closed_stream(emulator)


async def emulator_sees_closed_stream(emulator) -> None:
    await asyncio.to_thread(
        emulator.wait_for, lambda: generate_requests(emulator)[-1].closed_early, 5.0
    )


async def slow_generation(session, emulator, msg_id=None):
    session.editor.open(DOC, "start\n", "markdown")
    emulator.set_response([f" t{i}" for i in range(100)])
    emulator.token_rate = 20
    running = execute(session, {"uri": DOC, "position": pos(0, 5), "model": "llama3.2"}, msg_id)
    await session.until(lambda: " t1" in session.editor.text(DOC))
    return running


async def test_cancel_with_work_done_progress_closes_the_stream(session, emulator):
    running = await slow_generation(session, emulator)
    token = next(iter(session.client.progress_reports))
    session.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await running
    assert result["cancelled"] is True
    await emulator_sees_closed_stream(emulator)
    assert session.editor.text(DOC) == "start" + result["text"] + "\n"
    end = session.client.progress_reports[token][-1]
    assert isinstance(end, types.WorkDoneProgressEnd) and "cancelled" in end.message


async def test_cancel_request_closes_the_stream(session, emulator):
    msg_id = str(uuid.uuid4())
    running = await slow_generation(session, emulator, msg_id)
    session.client.protocol.notify("$/cancelRequest", types.CancelParams(id=msg_id))
    await emulator_sees_closed_stream(emulator)
    try:
        await running  # pygls answers -32800 to the request itself
    except Exception as error:
        assert "cancel" in str(error).lower()
    text_after = session.editor.text(DOC)
    await asyncio.sleep(0.3)
    assert session.editor.text(DOC) == text_after  # nothing more is written


async def test_cancel_command_closes_the_stream(session, emulator):
    running = await slow_generation(session, emulator)
    cancelled = await execute(session, {"command": "ollama.cancel"})
    assert cancelled == {"cancelled": 1}
    result = await running
    assert result["cancelled"] is True
    await emulator_sees_closed_stream(emulator)
    assert session.editor.text(DOC) == "start" + result["text"] + "\n"


async def test_server_killed_mid_stream_keeps_the_text_so_far(session, emulator):
    session.editor.open(DOC, "a\n", "markdown")
    emulator.set_response([" one", " two", " three", " four", " five", " six"])
    emulator.faults.die(after_chunks=3, paths=["/api/generate"])
    result = await execute(session, {"uri": DOC, "position": pos(0, 1), "model": "llama3.2"})
    assert result["text"] == " one two three"
    assert session.editor.text(DOC) == "a one two three\n"
    assert "error" in result
    message = next(m for m in session.messages if "connection" in m.lower())
    assert "The text generated so far is kept." in message


async def test_missing_model_is_a_clear_message(session, emulator):
    session.editor.open(DOC, "a\n", "markdown")
    result = await execute(session, {"uri": DOC, "position": pos(0, 1), "model": "phi3:mini"})
    assert result["text"] == "" and "error" in result
    assert session.editor.text(DOC) == "a\n"
    assert any("ollama pull phi3:mini" in m for m in session.messages)


async def test_bad_arguments_are_refused_clearly(session):
    import pytest
    from pygls.exceptions import JsonRpcException

    with pytest.raises(JsonRpcException) as raised:
        await execute(session, {"uri": DOC})
    assert "needs {uri, position} or {uri, range}" in str(raised.value)
    with pytest.raises(JsonRpcException):
        await execute(session, {"uri": DOC, "position": pos(0, 0), "mode": "sideways"})


async def test_pull_progress_is_monotone_rate_limited_and_completes(session, emulator):
    emulator.set_rate(pull_bytes_per_s=400_000_000)
    result = await execute(session, {"command": "ollama.pull", "model": "mistral:7b"})
    assert result["status"] == "success"
    reports = [p for p in session.progress if p["kind"] == "pull" and "percentage" in p]
    percentages = [p["percentage"] for p in reports]
    assert percentages == sorted(percentages) and percentages[-1] == 100
    assert len(reports) >= 3
    # At most ~10 updates a second whatever Ollama sends (every 60 ms per layer here); arrival
    # times jitter, so judge the rate over the whole pull, the final forced report aside.
    span = reports[-2]["_at"] - reports[0]["_at"]
    assert len(reports) - 2 <= span / 0.1 + 1
    assert any(" / " in p["message"] and "/s" in p["message"] for p in reports[:-1])
    token = next(t for t, values in session.client.progress_reports.items()
                 if isinstance(values[0], types.WorkDoneProgressBegin) and "mistral" in values[0].title)
    assert isinstance(session.client.progress_reports[token][-1], types.WorkDoneProgressEnd)
    # The model appears in completions at once.
    uri = "file:///work/app/config.yaml"
    session.editor.open(uri, "ollama:\n  model: mis\n", "yaml")
    items = await session.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=12)))
    installed = [i.label for i in items.items if "not installed" not in (i.detail or "")]
    assert "mistral:7b" in installed


async def test_pull_of_an_unknown_model(session):
    result = await execute(session, {"command": "ollama.pull", "model": "no-such-model"})
    assert result["status"] == "error"
    assert "pull model manifest: file does not exist" in result["error"]
    message = next(m for m in session.messages if "file does not exist" in m)
    assert "Traceback" not in message and "ollama.com" in message


async def test_cancel_a_pull_closes_its_stream(session, emulator):
    emulator.set_rate(pull_bytes_per_s=50_000_000)
    running = execute(session, {"command": "ollama.pull", "model": "llama3:latest"})
    await session.until(lambda: any(p["kind"] == "pull" and p.get("percentage") for p in session.progress))
    await execute(session, {"command": "ollama.cancel"})
    result = await running
    assert result["status"] == "cancelled"
    await asyncio.to_thread(
        emulator.wait_for, lambda: emulator.requests_to("/api/pull")[-1].closed_early, 5.0
    )
    assert "llama3:latest" not in {m.name for m in emulator.state.installed.values()}


async def test_a_thinking_model_says_it_is_thinking_and_writes_only_the_answer(session, emulator):
    session.editor.open(DOC, "Q:\n", "markdown")
    emulator.set_response([" forty", "-two"], thinking=["Let", " me", " think"])
    result = await execute(session, {"uri": DOC, "position": pos(0, 2), "model": "deepseek-r1:8b"})
    assert session.editor.text(DOC) == "Q: forty-two\n" and result["text"] == " forty-two"
    messages = [p["message"] for p in session.progress if p["kind"] == "generate"]
    assert "deepseek-r1:8b is thinking…" in messages


async def test_replace_reported_as_a_minimal_diff_is_recognised(session, emulator):
    # VS Code reports the server's replacement as a smaller diff; it must not read as user typing.
    session.editor.minimal_diffs = True
    session.editor.open(DOC, "keep\nteh cat sat\nend\n", "markdown")
    # "teh cat sat" -> "The cat sat" is reported as "teh" -> "The" at the start of the selection.
    emulator.set_response(["The cat sat", " on", " the mat"])
    result = await execute(session, {
        "uri": DOC, "range": {"start": pos(1, 0), "end": pos(1, 11)},
        "prompt": "Fix and finish", "mode": "replace", "model": "llama3.2",
    })
    assert "stopped" not in result
    assert session.editor.text(DOC) == "keep\nThe cat sat on the mat\nend\n"
    assert result["text"] == "The cat sat on the mat"


async def test_a_cold_model_shows_that_it_is_loading_until_the_first_token(session, emulator):
    session.editor.open(DOC, "def f():\n", "python")
    emulator.set_rate(load_seconds=1.6)
    emulator.set_response(["    return 1"])
    assert "qwen2.5-coder:1.5b" not in {r.model.name for r in emulator.state.running.values()}
    result = await execute(session, {"uri": DOC, "position": pos(1, 0), "model": "qwen2.5-coder:1.5b"})
    assert result["text"] == "    return 1"
    loading = [p for p in session.progress if p["kind"] == "generate" and "into memory" in (p.get("message") or "")]
    assert loading and loading[0]["message"].startswith("loading qwen2.5-coder:1.5b into memory…")
    assert any(p["message"].endswith(" s") for p in loading)  # it counts, not a frozen spinner
    # Once loaded, no loading message.
    session.progress.clear()
    await execute(session, {"uri": DOC, "position": pos(1, 0), "model": "qwen2.5-coder:1.5b"})
    assert not [p for p in session.progress if "into memory" in (p.get("message") or "")]


async def test_thinking_inside_the_response_text_is_never_written(session, emulator):
    session.editor.open(DOC, "Q:\n", "markdown")
    emulator.set_response(["<thi", "nk>hmm, the answer", " is 42</think>", "\n\n forty", "-two"])
    result = await execute(session, {"uri": DOC, "position": pos(0, 2), "model": "llama3.2"})
    assert session.editor.text(DOC) == "Q: forty-two\n" and result["text"] == " forty-two"
    messages = [p["message"] for p in session.progress if p["kind"] == "generate"]
    assert "llama3.2 is thinking…" in messages


async def test_think_and_context_length_settings_reach_ollama(lsp, emulator):
    from tests.lsp.conftest import settings_for, start_session

    session = await start_session(lsp, {"ollama": settings_for(emulator, think="low", contextLength=8192)})
    await session.until(lambda: session.statuses)
    session.editor.open(DOC, "Q:\n", "markdown")
    emulator.set_response([" a"])
    await execute(session, {"uri": DOC, "position": pos(0, 2), "model": "deepseek-r1:8b"})
    await execute(session, {"uri": DOC, "position": pos(0, 2), "model": "llama3.2"})
    thinking, plain = generate_requests(emulator)[-2].body, generate_requests(emulator)[-1].body
    assert thinking["think"] == "low" and thinking["options"]["num_ctx"] == 8192
    assert "think" not in plain and plain["options"]["num_ctx"] == 8192  # llama3.2 cannot think
    await lsp.shutdown_session()


async def test_without_a_model_generation_uses_the_one_the_workspace_names(session, emulator):
    session.editor.open("file:///work/.continue/config.yaml",
                        "models:\n  - name: Coder\n    provider: ollama\n    model: qwen2.5-coder:1.5b\n", "yaml")
    session.editor.open(DOC, "x = ", "python")
    emulator.set_response(["1"])
    result = await execute(session, {"uri": DOC, "position": pos(0, 4)})
    assert result["model"] == "qwen2.5-coder:1.5b"
    assert generate_requests(emulator)[-1].body["model"] == "qwen2.5-coder:1.5b"
