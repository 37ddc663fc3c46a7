"""Completion, diagnostics, hover and quick fixes on model names in config files."""

from __future__ import annotations

import pytest
from lsprotocol import types

YAML = "file:///work/app/config.yaml"


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def complete(session, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position(line, character)
        )
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


CASES = [
    ("config.yaml", "yaml", "llm:\n  provider: ollama\n  model: llama3.2\n", 2, 14),
    ("config.json", "json", '{"llm": {"provider": "ollama", "model": "llama3.2"}}\n', 0, 44),
    ("pyproject.toml", "toml", '[tool.ollama]\nmodel = "llama3.2"\n', 1, 12),
    (".env", "dotenv", "OLLAMA_HOST=127.0.0.1\nOLLAMA_MODEL=llama3.2\n", 1, 17),
    ("Modelfile", "modelfile", "FROM llama3.2\nPARAMETER temperature 0.2\n", 0, 8),
]


@pytest.mark.parametrize(("name", "language", "text", "line", "character"), CASES)
async def test_completion_offers_installed_models_first_in_every_file_type(
    session, emulator, name, language, text, line, character
):
    uri = f"file:///work/app/{name}"
    session.editor.open(uri, text, language)
    items = await complete(session, uri, line, character)
    labels = [item.label for item in items]
    newest_first = sorted(
        emulator.state.installed.values(), key=lambda model: model.modified_ns, reverse=True
    )
    installed = [model.name for model in newest_first]
    # Every installed model before the ones to pull; those matching what was typed (`lla`,
    # `llama`) first, newest first among them.
    assert sorted(labels[: len(installed)]) == sorted(installed)
    typed = text.splitlines()[line][text.splitlines()[line].index("llama3.2") : character]
    matching = [name for name in installed if name.startswith(typed)]
    assert labels[: len(matching)] == matching
    first = items[0]
    # The edit replaces the whole value, tag included.
    value_start = text.splitlines()[line].index("llama3.2")
    assert first.text_edit.range == types.Range(
        start=position(line, value_start), end=position(line, value_start + len("llama3.2"))
    )
    assert "·" in first.detail and "capabilities" in first.documentation.value
    assert any("not installed" in (item.detail or "") for item in items[len(installed):])


async def test_completion_in_half_typed_yaml(session, emulator):
    text = "services:\n  chat:\n    provider: ollama\n    model: lla"
    session.editor.open(YAML, text, "yaml")
    items = await complete(session, YAML, 3, 14)
    assert "llama3.2:latest" in [item.label for item in items]
    edit = items[0].text_edit
    assert edit.range == types.Range(start=position(3, 11), end=position(3, 14))


async def test_no_completion_outside_ollama_contexts(session):
    text = "openai:\n  model: gpt-4o\n"
    session.editor.open(YAML, text, "yaml")
    assert await complete(session, YAML, 1, 12) == []


async def test_modelfile_parameter_names_complete(session):
    uri = "file:///work/app/Modelfile"
    session.editor.open(uri, "FROM llama3.2\nPARAMETER \n", "modelfile")
    labels = {item.label for item in await complete(session, uri, 1, 10)}
    assert {"temperature", "num_ctx", "stop", "top_k"} <= labels
    assert "mirostat" not in labels


async def test_diagnostics_appear_then_disappear_after_a_pull(session, emulator):
    text = "llm:\n  provider: ollama\n  model: phi3:mini\n"
    session.editor.open(YAML, text, "yaml")
    diagnostics = await session.until(lambda: session.diagnostics(YAML))
    (warning,) = diagnostics
    assert warning.code == "model-not-installed"
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert "ollama pull phi3:mini" in warning.message
    assert warning.range == types.Range(start=position(2, 9), end=position(2, 18))

    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=YAML),
            range=warning.range,
            context=types.CodeActionContext(diagnostics=[warning]),
        )
    )
    pull = next(action for action in actions if action.title == "Pull phi3:mini")
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=pull.command.command, arguments=pull.command.arguments)
    )
    assert result["status"] == "success"
    await session.until(lambda: len(session.diagnostics(YAML)) == 0)
    assert "phi3:mini" in {m.name for m in emulator.state.installed.values()}


async def test_tag_mismatch_and_replace_quick_fix(session):
    text = "ollama:\n  model: llama3\n"
    session.editor.open(YAML, text, "yaml")
    (info,) = await session.until(lambda: session.diagnostics(YAML))
    assert info.code == "tag-mismatch"
    assert info.severity == types.DiagnosticSeverity.Information
    assert "`llama3` means `llama3:latest`" in info.message and "`llama3:8b`" in info.message
    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=YAML),
            range=info.range,
            context=types.CodeActionContext(diagnostics=[info]),
        )
    )
    titles = [action.title for action in actions]
    assert titles == ["Pull llama3", "Replace with llama3:8b"]
    replace = actions[1]
    (edit,) = replace.edit.changes[YAML]
    assert edit.new_text == "llama3:8b" and edit.range == info.range


async def test_invalid_name_and_capability_mismatch(session):
    text = (
        "chat:\n  provider: ollama\n  model: 'mo del'\n"
        "embeddings:\n  provider: ollama\n  model: llama3.2\n"
        "rag:\n  provider: ollama\n  model: nomic-embed-text\n"
    )
    session.editor.open(YAML, text, "yaml")
    diagnostics = await session.until(lambda: len(session.diagnostics(YAML)) == 3 and session.diagnostics(YAML))
    by_line = {d.range.start.line: d for d in diagnostics}
    assert by_line[2].code == "invalid-model-name"
    assert by_line[2].severity == types.DiagnosticSeverity.Error
    assert by_line[5].code == "capability-mismatch" and "expects an embedding model" in by_line[5].message
    assert by_line[8].code == "capability-mismatch" and "embedding-only" in by_line[8].message


async def test_no_false_alarm_while_the_server_is_down(session, emulator):
    emulator.stop()
    await session.until(lambda: session.statuses and not session.statuses[-1]["reachable"])
    session.editor.open(YAML, "ollama:\n  model: phi3:mini\n  other_model: 'bad name'\n", "yaml")
    diagnostics = await session.until(lambda: session.diagnostics(YAML))
    assert [d.code for d in diagnostics] == ["invalid-model-name"]
    emulator.start()
    await session.until(lambda: "model-not-installed" in session.codes(YAML))


async def test_hover_shows_the_model(session, emulator):
    session.editor.open(YAML, "ollama:\n  model: llama3.2\n", "yaml")
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=YAML), position=position(1, 12))
    )
    value = hover.contents.value
    for expected in ("llama3.2:latest", "parameters", "Q4_K_M", "context length", "capabilities",
                     "size on disk", "modified", "loaded now", "License"):
        assert expected in value, expected


async def test_unknown_modelfile_parameter_is_flagged(session):
    uri = "file:///work/app/Modelfile"
    session.editor.open(uri, "FROM llama3.2\nPARAMETER mirostat 1\nPARAMETER temperature 0.3\n", "modelfile")
    (diagnostic,) = await session.until(lambda: session.diagnostics(uri))
    assert diagnostic.code == "unknown-parameter" and diagnostic.range.start.line == 1


@pytest.mark.parametrize(
    ("name", "language", "text", "line", "character"),
    [
        ("config.json", "json", '{"ollama": {"model": }}\n', 0, 21),
        ("pyproject.toml", "toml", "[ollama]\nmodel = \n", 1, 8),
    ],
)
async def test_completion_adds_quotes_where_the_format_needs_them(
    session, name, language, text, line, character
):
    uri = f"file:///work/app/{name}"
    session.editor.open(uri, text, language)
    items = await complete(session, uri, line, character)
    assert items and items[0].text_edit.new_text == f'"{items[0].label}"'


def deeply_nested_yaml(depth: int) -> str:
    lines = ["ollama:"] + ["  " * (i + 1) + f"level{i}:" for i in range(depth)]
    return "\n".join(lines) + "\n" + "  " * (depth + 1) + "model: llama3.2\n"


@pytest.mark.parametrize("depth", [254, 400])
async def test_a_yaml_nested_past_the_parsers_limit_is_reported_and_the_server_lives(
    session, lsp, depth
):
    # tree-sitter-yaml dies of SIGSEGV at 253 block levels; the server must never let it see one.
    deep = "file:///work/app/deep.yaml"
    session.editor.open(deep, deeply_nested_yaml(depth), "yaml")
    (info,) = await session.until(lambda: session.diagnostics(deep))
    assert info.code == "not-checked" and info.severity == types.DiagnosticSeverity.Information
    assert "too deeply nested" in info.message
    items = await complete(session, deep, depth + 1, len("  " * (depth + 1) + "model: "))
    assert items == []
    # Still serving other documents.
    session.editor.open(YAML, "llm:\n  provider: ollama\n  model: phi3:mini\n", "yaml")
    await session.until(lambda: "model-not-installed" in session.codes(YAML))
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=YAML), position=position(2, 10))
    )
    assert hover is not None and "phi3:mini" in hover.contents.value


async def test_hover_says_why_a_value_is_taken_for_an_ollama_name(session):
    uri = "file:///work/app/litellm_config.yaml"
    text = "model_list:\n  - model_name: local\n    litellm_params:\n      model: ollama_chat/llama3.2\n"
    session.editor.open(uri, text, "yaml")
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(3, 25))
    )
    assert "llama3.2" in hover.contents.value
    assert "found by: provider prefix (LiteLLM file)" in hover.contents.value
    start = text.splitlines()[3].index("llama3.2")
    assert hover.range == types.Range(start=position(3, start), end=position(3, start + len("llama3.2")))
    items = await complete(session, uri, 3, start + 3)
    assert items and items[0].text_edit.range.start == position(3, start)  # the prefix stays


async def test_scan_settings_switch_a_rule_off_and_exclude_files(lsp, emulator):
    from tests.lsp.conftest import settings_for, start_session

    settings = settings_for(emulator, scan={"disable": ["provider-prefix", "nosuchrule"], "excludeFiles": ["**/fixtures/**"]})
    session = await start_session(lsp, {"ollama": settings})
    await session.until(lambda: session.statuses)
    # The unknown rule is reported once; the setting falls back to its default.
    await session.until(lambda: any("nosuchrule" in m for m in session.messages))
    prefixed = "file:///work/app/agents.yaml"
    session.editor.open(prefixed, "researcher:\n  llm: ollama/phi3:mini\n", "yaml")
    await session.until(lambda: "model-not-installed" in session.codes(prefixed))
    excluded = "file:///work/app/fixtures/config.yaml"
    session.editor.open(excluded, "llm:\n  provider: ollama\n  model: phi3:mini\n", "yaml")
    ok = "file:///work/app/config.yaml"
    session.editor.open(ok, "llm:\n  provider: ollama\n  model: phi3:mini\n", "yaml")
    await session.until(lambda: "model-not-installed" in session.codes(ok))
    assert session.diagnostics(excluded) == []
    await lsp.shutdown_session()


async def test_hover_shows_the_context_a_loaded_model_runs_with_and_when_it_unloads(session, emulator):
    uri = "file:///work/app/ctx.yaml"
    session.editor.open(uri, "llm:\n  provider: ollama\n  model: llama3.2\n  embed_model: qwen2.5-coder:1.5b\n", "yaml")
    loaded = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(2, 12))
    )
    running = next(iter(emulator.state.running.values()))
    assert running.model.name == "llama3.2:latest"
    assert f"131,072 max, running with {running.context_length:,}" in loaded.contents.value
    assert "unloads at" in loaded.contents.value
    cold = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(3, 18))
    )
    assert "32,768 max, Ollama's default when loaded" in cold.contents.value
    assert "not loaded" in cold.contents.value
