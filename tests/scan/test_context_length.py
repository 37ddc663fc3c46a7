"""Context-length settings beside an Ollama model (`num_ctx`, `contextLength`, ...): where the
scanner finds them, which model each goes with, how the value is read, and the findings."""

from __future__ import annotations

import pytest

from ollama_ls.findings import (
    CONTEXT_LENGTH_TOO_LARGE, INVALID_CONTEXT_LENGTH, check_context, check_document,
)  # fmt: skip
from ollama_ls.modelname import model_key
from ollama_ls.scan import FileKind, context_at, context_settings, scan
from ollama_ls.scan.context_length import read_tokens
from tests.scan.scanhelp import text_in


def found(text: str, kind: FileKind, path: str | None = None) -> list[tuple[str, str, str | None]]:
    settings = context_settings(text, kind, path=path)
    for setting in settings:
        assert text_in(text, setting.range) == setting.text
        if setting.model_range is not None:
            assert text_in(text, setting.model_range) == setting.model
    return [(s.key, s.text, s.model) for s in settings]


CONTINUE_YAML = """\
models:
  - name: Llama
    provider: ollama
    model: llama3.2
    defaultCompletionOptions:
      contextLength: 65536
      maxTokens: 2048
  - name: Claude
    provider: anthropic
    model: claude-sonnet-4
    defaultCompletionOptions:
      contextLength: 200000
"""


def test_continue_default_completion_options_go_with_the_entry_model():
    assert found(CONTINUE_YAML, FileKind.YAML) == [
        ("contextLength", "65536", "llama3.2"),
        # the anthropic entry's 200000 is not Ollama's: not taken
    ]


def test_continue_json_context_length_in_the_same_object():
    text = '{"models": [{"title": "Q", "provider": "ollama", "model": "qwen2.5-coder:1.5b", "contextLength": 8192}]}'
    assert found(text, FileKind.JSON) == [("contextLength", "8192", "qwen2.5-coder:1.5b")]


def test_litellm_params_num_ctx_goes_with_the_prefixed_model():
    text = (
        "model_list:\n"
        "  - model_name: local\n"
        "    litellm_params:\n"
        "      model: ollama_chat/llama3:8b\n"
        "      api_base: http://localhost:11434\n"
        "      num_ctx: 16384\n"
    )
    assert found(text, FileKind.YAML) == [("num_ctx", "16384", "llama3:8b")]


def test_aider_extra_params_belong_to_the_entry_name():
    text = "- name: ollama_chat/qwen2.5-coder:1.5b\n  extra_params:\n    num_ctx: 65536\n"
    assert found(text, FileKind.YAML) == [("num_ctx", "65536", "qwen2.5-coder:1.5b")]


def test_options_object_under_a_provider_section():
    text = "llm:\n  provider: ollama\n  model: llama3.2\n  options:\n    num_ctx: 32768\n"
    assert found(text, FileKind.YAML) == [("num_ctx", "32768", "llama3.2")]


def test_toml_codex_model_context_window_and_underscored_integers():
    text = 'model = "llama3.2"\nmodel_provider = "ollama"\nreview_model = "llama3:8b"\nmodel_context_window = 200_000\n'
    settings = context_settings(text, FileKind.TOML)
    assert [(s.key, s.tokens, s.model) for s in settings] == [
        ("model_context_window", 200_000, "llama3.2")  # `model`, not `review_model`
    ]


def test_zed_max_tokens_only_at_zeds_own_path():
    zed = (
        '{"language_models": {"ollama": {"api_url": "http://localhost:11434", "available_models": '
        '[{"name": "llava:7b", "display_name": "LLaVA", "max_tokens": 65536}]}}}'
    )
    assert found(zed, FileKind.JSON, "/home/me/.config/zed/settings.json") == [
        ("max_tokens", "65536", "llava:7b")
    ]
    # `max_tokens` elsewhere is the answer's length, not the context
    other = '{"llm": {"provider": "ollama", "model": "llava:7b", "max_tokens": 65536}}'
    assert found(other, FileKind.JSON) == []


def test_opencode_limit_context_goes_with_the_model_key():
    text = (
        '{"provider": {"ollama": {"npm": "@ai-sdk/openai-compatible", '
        '"options": {"baseURL": "http://localhost:11434/v1"}, '
        '"models": {"qwen2.5-coder:1.5b": {"limit": {"context": 131072, "output": 8192}}}}}}'
    )
    assert found(text, FileKind.JSON, "/w/opencode.json") == [
        ("context", "131072", "qwen2.5-coder:1.5b")
    ]


def test_modelfile_parameter_num_ctx_goes_with_from():
    text = "# comment\nFROM llama3:8b\nPARAMETER temperature 0.2\nPARAMETER num_ctx 65536\n"
    assert found(text, FileKind.MODELFILE) == [("num_ctx", "65536", "llama3:8b")]
    from_file = "FROM ./weights.gguf\nPARAMETER num_ctx 4096\n"
    assert found(from_file, FileKind.MODELFILE) == [("num_ctx", "4096", None)]


def test_a_context_key_far_from_any_ollama_model_is_someone_elses():
    text = (
        "server:\n  context_length: 999999\n  context_window: auto\n"
        "llm:\n  provider: ollama\n  model: llama3.2\n"
        "hosted:\n  provider: openai\n  model: gpt-4o\n  context_window: big\n"
    )
    assert found(text, FileKind.YAML) == []
    assert check_document(text, FileKind.YAML, ["llama3.2:latest"], {},
                          context_maxima={model_key("llama3.2"): 131072}) == []  # fmt: skip


def test_the_slots_are_unchanged_by_numbers_now_keeping_their_text():
    text = '{"llm": {"provider": "ollama", "model": "llama3.2", "num_ctx": 8192, "stream": true}}'
    assert [s.value for s in scan(text, FileKind.JSON)] == ["llama3.2"]


@pytest.mark.parametrize(
    ("text", "tokens", "problem"),
    [
        ("8192", 8192, None), ("+4096", 4096, None), ("32_768", 32768, None), ("8192.0", 8192, None),
        ("1e4", 10000, None), ("0", None, "not-positive"), ("-1", None, "not-positive"),
        ("8k", None, "not-a-number"), ("true", None, "not-a-number"), ("big", None, "not-a-number"),
        ("4096.5", None, "not-whole"), ("null", None, None), ("~", None, None), ("", None, None),
        ("${CTX}", None, None), ("${{ inputs.ctx }}", None, None), ("os.environ/CTX", None, None),
    ],
)  # fmt: skip
def test_values_are_read_as_ollama_would(text, tokens, problem):
    assert read_tokens(text) == (tokens, problem)


def test_context_at_the_cursor():
    lines = CONTINUE_YAML.splitlines()
    line = next(i for i, text in enumerate(lines) if "65536" in text)
    column = lines[line].index("65536")
    for character in (column, column + 3, column + 5):
        setting = context_at(CONTINUE_YAML, FileKind.YAML, line, character)
        assert setting is not None and setting.tokens == 65536 and setting.model == "llama3.2"
    assert context_at(CONTINUE_YAML, FileKind.YAML, line, 2) is None  # on the key


def test_findings_too_large_warns_with_the_maximum_and_the_fix():
    text = "llm:\n  provider: ollama\n  model: llama3:8b\n  options:\n    num_ctx: 32768\n"
    (setting,) = context_settings(text, FileKind.YAML)
    finding = check_context(setting, {model_key("llama3:8b"): 8192})
    assert finding is not None
    assert (finding.severity, finding.code, finding.model) == ("warning", CONTEXT_LENGTH_TOO_LARGE, "llama3:8b")
    assert "32,768" in finding.message and "8,192" in finding.message
    assert "Set `num_ctx` to 8192 or less" in finding.message
    assert finding.alternatives == ("8192",)
    assert check_context(setting, {model_key("llama3:8b"): 32768}) is None  # at the maximum
    assert check_context(setting, {}) is None  # maximum unknown (not installed, server down)


@pytest.mark.parametrize(
    ("value", "words"),
    [("0", "positive"), ("-2048", "positive"), ('"lots"', "number of tokens"), ("4096.5", "whole")],
)
def test_findings_invalid_values_are_errors_even_with_the_server_down(value, words):
    text = f"llm:\n  provider: ollama\n  model: llama3.2\n  num_ctx: {value}\n"
    (finding,) = check_document(text, FileKind.YAML, None)
    assert (finding.severity, finding.code) == ("error", INVALID_CONTEXT_LENGTH)
    assert words in finding.message and value.strip('"') in finding.message
    assert finding.range.start.line == 3


def test_modelfile_num_ctx_not_a_number_is_reported_once():
    text = "FROM llama3:8b\nPARAMETER num_ctx lots\nPARAMETER num_ctx 65536\n"
    findings = check_document(text, FileKind.MODELFILE, ["llama3:8b"], {},
                              context_maxima={model_key("llama3:8b"): 8192})  # fmt: skip
    assert [(f.range.start.line, f.code, f.severity) for f in findings] == [
        (1, INVALID_CONTEXT_LENGTH, "error"),
        (2, CONTEXT_LENGTH_TOO_LARGE, "warning"),
    ]
