"""The firstTokenTimeout setting (parsed, clamped, handed to the facade) and ghost text being
restricted where a project's settings are not trusted."""

from __future__ import annotations

from ollama_ls.lsp.settings import parse_settings, restrict_to_project_safe


def test_first_token_timeout_defaults_to_five_minutes_and_reaches_the_facade():
    settings, problems = parse_settings({})
    assert problems == []
    assert settings.first_token_timeout == 300.0
    assert settings.tools_config().first_token_timeout == 300.0
    custom, _ = parse_settings({"ollama": {"firstTokenTimeout": 900, "timeout": 30}})
    config = custom.tools_config()
    assert (config.first_token_timeout, config.timeout) == (900.0, 30.0)


def test_first_token_timeout_is_clamped_with_a_warning():
    settings, problems = parse_settings({"firstTokenTimeout": 0.01})
    assert settings.first_token_timeout == 1.0
    assert problems == [
        "Setting ollama.firstTokenTimeout: 0.01 is past the minimum (1–3600 s); using 1.0."
    ]
    settings, problems = parse_settings({"firstTokenTimeout": 1e9})
    assert settings.first_token_timeout == 3600.0 and len(problems) == 1


def test_a_bad_first_token_timeout_falls_back_to_the_default():
    settings, problems = parse_settings({"firstTokenTimeout": "soon"})
    assert settings.first_token_timeout == 300.0
    assert len(problems) == 1 and "firstTokenTimeout" in problems[0]


def test_a_project_cannot_turn_ghost_text_on_or_make_it_fire_faster():
    merged, ignored = restrict_to_project_safe(
        {"inlineCompletion": {"enable": True, "debounceMs": 0}, "firstTokenTimeout": 3600,
         "diagnostics": {"debounceMs": 50}},
        {"inlineCompletion": {"enable": False}},
    )
    assert merged == {"inlineCompletion": {"enable": False}, "diagnostics": {"debounceMs": 50}}
    assert sorted(ignored) == [
        "ollama.firstTokenTimeout",
        "ollama.inlineCompletion.debounceMs",
        "ollama.inlineCompletion.enable",
    ]
