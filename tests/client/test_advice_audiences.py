"""Every suggestion names the knob of the place it is read: the Python API's arguments, the
editor's settings, or the CLI's flags and environment variables; never another place's."""

from __future__ import annotations

import json

import httpx
import pytest

from ollama_ls.client.errors import (
    AUDIENCES,
    KNOBS,
    error_from_response,
    error_from_transport,
    knob,
)

SERVER = "http://ollama.test:11434"

ANSWERS = [
    ("/api/chat", 400, "the input length exceeds the context length"),
    ("/api/chat", 400, 'invalid think value: "lots" (must be "high", "medium", "low", "max", true, or false)'),
    ("/api/generate", 400, "time: missing unit in duration \"300\""),
    ("/api/generate", 400, '"llama3.2" does not support thinking'),
    ("/api/generate", 400, "registry.ollama.ai/library/llama3.2:latest does not support insert"),
    ("/api/pull", 200, "insecure protocol http"),
    ("/api/tags", 401, "unauthorized"),
    ("/api/tags", 404, "404 page not found"),
]
FAILURES = [
    httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
    httpx.ReadTimeout("timed out"),
]
EDITOR_ONLY = ("setting",)
PYTHON_ONLY = ("=True", "=False", "read_timeout", "first_token_timeout", "ca_bundle", "api_key",
               "pull_timeout", "base_url", "truncate=", "num_ctx in options")
CLI_ONLY = ("--ca-bundle", "--first-token-timeout", "--host", "=SECONDS")
FOREIGN = {
    "python": EDITOR_ONLY + CLI_ONLY,
    "editor": PYTHON_ONLY + CLI_ONLY,
    "cli": EDITOR_ONLY + PYTHON_ONLY,
}


def suggestions(audience: str) -> list[str]:
    found = []
    for endpoint, status, message in ANSWERS:
        body = "404 page not found" if status == 404 else json.dumps({"error": message})
        error = error_from_response(status, body, endpoint=endpoint, model="llama3.2",
                                    server=SERVER, audience=audience)
        found.append(error.suggestion)
    for failure in FAILURES:
        for endpoint in ("/api/chat", "/api/pull"):
            error = error_from_transport(failure, endpoint=endpoint, server=SERVER,
                                         read_timeout=5, audience=audience)
            found.append(error.suggestion)
    return found


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_suggestion_names_another_places_knob(audience):
    for suggestion in suggestions(audience):
        assert suggestion
        wrong = [word for word in FOREIGN[audience] if word in suggestion]
        assert not wrong, (audience, suggestion)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_timeout_and_tls_advice_name_this_places_knob(audience):
    said = " ".join(suggestions(audience))
    assert knob("read_timeout", audience) in said
    assert knob("ca_bundle", audience) in said
    assert knob("base_url", audience) in said


def test_the_editor_names_real_settings():
    from ollama_ls.lsp.settings import Settings

    settings = {info.alias for info in Settings.model_fields.values()}
    for name in KNOBS:
        phrase = knob(name, "editor")
        setting = phrase.split("the ", 1)[1].split(" setting", 1)[0]
        assert setting in settings, phrase
