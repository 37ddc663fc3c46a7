"""Issue 13 items 1, 2 and 4 over the wire: bad settings never stop the server, credentials in
URLs never show, settings that steer traffic are clamped or (untrusted) ignored."""

from __future__ import annotations

import json

import pytest

from ollama_ls.lsp.settings import parse_settings, restrict_to_project_safe
from tests.reliability.rawlsp import RawServer

BAD_SETTINGS = [
    {"baseUrl": "::::"},
    {"baseUrl": "http://user:pw@127.0.0.1:1"},
    {"fallbackUrls": ["::::"]},
    {"caBundle": "/nonexistent/ca.pem"},
    {"caBundle": "/dev/null"},
    {"caBundle": "/tmp"},
    {"headers": {"X-Team": "équipe"}},
    {"headers": {"Bad Name": "x"}},
    {"apiKey": "clé"},
    {"baseUrl": "ftp://example.com"},
]


def warnings(raw: RawServer) -> list[str]:
    return [n["params"]["message"] for n in raw.notifications("window/showMessage")]


@pytest.mark.parametrize("bad", BAD_SETTINGS, ids=lambda s: json.dumps(s))
def test_bad_settings_at_start_never_fail_initialize(bad):
    with RawServer() as raw:
        answer = raw.initialize({"ollama": {**bad, "healthCheckInterval": 5}})
        assert answer is not None and "result" in answer, answer
        raw.drain(0.5)
        assert "result" in raw.call("ollama/validateModelName", {"name": "llama3.2"})
        shown = warnings(raw)
        assert not any("Error in server" in m for m in shown), shown
        if "user:pw" not in json.dumps(bad):  # a URL with credentials is a good setting
            assert any(m.startswith("Setting ollama.") for m in shown), shown
        assert b"Traceback" not in raw.stderr


@pytest.mark.parametrize("bad", BAD_SETTINGS, ids=lambda s: json.dumps(s))
def test_bad_settings_by_did_change_configuration(bad, emulator):
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": emulator.base_url, "healthCheckInterval": 5}})
        raw.drain(0.3)
        raw.notify("workspace/didChangeConfiguration", {"settings": {"ollama": bad}})
        raw.drain(0.5)
        assert "result" in raw.call("ollama/status", {"force": True})
        shown = warnings(raw)
        assert not any("Error in server" in m for m in shown), shown
        assert b"InvalidURL" not in raw.stderr and b"Traceback" not in raw.stderr


def test_a_bad_value_is_reported_once():
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": "::::"}})
        for _ in range(3):
            raw.notify("workspace/didChangeConfiguration", {"settings": {"ollama": {"baseUrl": "::::"}}})
        raw.drain(1.0)
        assert len([m for m in warnings(raw) if "ollama.baseUrl" in m]) == 1


def test_credentials_in_the_url_authenticate_and_never_show(emulator):
    emulator.require_auth(None)
    host = emulator.base_url.split("://", 1)[1]
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": f"http://alice:s3cr3t-pw@{host}",
                                   "healthCheckInterval": 5}})
        status = raw.call("ollama/status", {"force": True})
        assert status["result"]["reachable"], status
        sent = [r for r in emulator.requests if r.path == "/api/version"]
        assert sent and sent[-1].headers.get("authorization", sent[-1].headers.get("Authorization", "")).startswith("Basic ")
        # Now a server that is down, with a token in its URL: every message and log line.
        raw.notify("workspace/didChangeConfiguration",
                   {"settings": {"ollama": {"baseUrl": "http://tok3n-abc@127.0.0.1:1",
                                            "healthCheckInterval": 5}}})
        raw.drain(0.5)
        down = raw.call("ollama/status", {"force": True})
        assert not down["result"]["reachable"]
        raw.open("file:///tmp/r/config.yaml", "model: llama3.2\n")
        raw.call("textDocument/hover", {"textDocument": {"uri": "file:///tmp/r/config.yaml"},
                                        "position": {"line": 0, "character": 9}})
        raw.drain(1.0)
    everything = json.dumps(raw.seen).encode() + bytes(raw.stderr)
    assert b"s3cr3t-pw" not in everything
    assert b"tok3n-abc" not in everything
    assert b"127.0.0.1:1" in everything  # the address itself is shown


def test_an_interval_storm_is_clamped(emulator):
    with RawServer() as raw:
        raw.initialize({"ollama": {"baseUrl": emulator.base_url, "healthCheckInterval": 1e-6}})
        raw.drain(3.0)
        probes = len([r for r in emulator.requests if r.path == "/api/version"])
        assert any("ollama.healthCheckInterval" in m for m in warnings(raw))
    assert probes <= 6, f"{probes} status probes in 3 s"


def test_untrusted_project_settings_are_ignored(emulator, make_emulator):
    other = make_emulator()
    with RawServer(env={"OLLAMA_LS_IGNORE_PROJECT_SETTINGS": ""}) as raw:
        raw.initialize({"ollama": {"baseUrl": emulator.base_url, "trustProjectSettings": False,
                                   "healthCheckInterval": 5}})
        raw.drain(0.3)
        raw.notify("workspace/didChangeConfiguration", {"settings": {"ollama": {
            "baseUrl": other.base_url, "autoPull": True, "model": "huge:405b",
            "diagnostics": {"debounceMs": 20}, "healthCheckInterval": 5}}})
        raw.drain(0.5)
        status = raw.call("ollama/status", {"force": True})
        assert status["result"]["baseUrl"] == emulator.base_url
        shown = warnings(raw)
        assert any("Ignored project-level settings" in m and "ollama.baseUrl" in m
                   and "ollama.autoPull" in m for m in shown), shown
        assert not any("diagnostics.debounceMs" in m for m in shown)
    assert not [r for r in other.requests]


def test_the_environment_switch_restricts_every_source(emulator):
    with RawServer(env={"OLLAMA_LS_IGNORE_PROJECT_SETTINGS": "1",
                        "OLLAMA_HOST": emulator.base_url}) as raw:
        raw.initialize({"ollama": {"baseUrl": "http://10.255.255.1:9", "autoPull": True}})
        status = raw.call("ollama/status", {"force": True})
        assert status["result"]["baseUrl"] == emulator.base_url
        assert status["result"]["reachable"]


# -- in process, the pure parts ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "key", "expected"),
    [
        ({"healthCheckInterval": 1e-6}, "health_check_interval", 1.0),
        ({"healthCheckInterval": 1e9}, "health_check_interval", 3600.0),
        ({"timeout": 0.001}, "timeout", 1.0),
        ({"modelCacheTtl": 1e12}, "model_cache_ttl", 86_400.0),
    ],
)
def test_clamps(raw, key, expected):
    settings, problems = parse_settings(raw)
    assert getattr(settings, key) == expected
    assert len(problems) == 1 and "using" in problems[0]


def test_restriction_keeps_the_users_values():
    merged, ignored = restrict_to_project_safe(
        {"baseUrl": "http://evil:1", "diagnostics": {"enable": False}, "headers": {"X": "y"}},
        {"baseUrl": "http://mine:2", "apiKey": "k"},
    )
    assert merged == {"baseUrl": "http://mine:2", "apiKey": "k", "diagnostics": {"enable": False}}
    assert sorted(ignored) == ["ollama.baseUrl", "ollama.headers"]
