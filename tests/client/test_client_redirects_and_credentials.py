"""Issue 13 items 2 and 3: credentials never follow a redirect; credentials in a URL
authenticate but are never shown."""

from __future__ import annotations

import base64
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ollama_ls.client import ClientConfig, ConfigurationError, OllamaClient, OllamaError
from ollama_ls.client.redact import redact_text, redact_url, resolve_base_url, split_userinfo


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]]
    redirect_to: str | None = None

    def _answer(self) -> None:
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        if self.redirect_to:
            self.send_response(307)
            self.send_header("Location", self.redirect_to + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"version": "0.33.0"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def _serve(redirect_to: str | None = None):
    handler = type("Handler", (_Recorder,), {"seen": [], "redirect_to": redirect_to})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler.seen, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def other_origin():
    server, seen, url = _serve()
    yield url, seen
    server.shutdown()


@pytest.fixture
def redirector(other_origin):
    target, _ = other_origin
    server, seen, url = _serve(redirect_to=target.replace("127.0.0.1", "localhost"))
    yield url, seen
    server.shutdown()


async def test_a_redirect_is_not_followed_and_named(redirector, other_origin):
    url, _ = redirector
    _, seen_elsewhere = other_origin
    config = ClientConfig(
        base_url=url, api_key="sk-secret", headers={"X-Api-Key": "custom-secret"}
    )
    async with OllamaClient(config) as client:
        for _ in range(3):
            with pytest.raises(ConfigurationError) as caught:
                await client.version()
    assert seen_elsewhere == []  # 0 of 3 requests reached the other origin
    message = str(caught.value)
    assert "redirect to http://localhost:" in message and "/api/version" in message
    assert "HTTP 307" in message


async def test_a_redirect_target_with_credentials_is_shown_without_them():
    server, _, url = _serve(redirect_to="http://user:pw-in-location@elsewhere.test")
    try:
        async with OllamaClient(ClientConfig(base_url=url)) as client:
            with pytest.raises(OllamaError) as caught:
                await client.version()
    finally:
        server.shutdown()
    assert "pw-in-location" not in str(caught.value)
    assert "elsewhere.test" in str(caught.value)


async def test_userinfo_in_the_base_url_is_basic_auth_and_never_shown(other_origin, caplog):
    url, seen = other_origin
    with_credentials = url.replace("http://", "http://alice:p%40ss@")
    config = ClientConfig.from_settings(base_url=with_credentials, env={})
    assert config.base_url == url
    assert "p@ss" not in repr(config) and "p%40ss" not in repr(config)
    caplog.set_level(logging.DEBUG)
    async with OllamaClient(config) as client:
        assert await client.version() == "0.33.0"
        assert "alice" not in repr(client)
    expected = "Basic " + base64.b64encode(b"alice:p@ss").decode()
    assert seen[-1]["authorization"] == expected
    assert "p@ss" not in caplog.text and "p%40ss" not in caplog.text


async def test_an_api_key_wins_over_userinfo(other_origin):
    url, seen = other_origin
    config = ClientConfig.from_settings(
        base_url=url.replace("http://", "http://token@"), api_key="k", env={}
    )
    async with OllamaClient(config) as client:
        await client.version()
    assert seen[-1]["authorization"] == "Bearer k"


async def test_errors_for_a_server_with_credentials_do_not_show_them():
    config = ClientConfig.from_settings(base_url="http://tok3n@127.0.0.1:1", env={})
    async with OllamaClient(config) as client:
        with pytest.raises(OllamaError) as caught:
            await client.version()
    assert "tok3n" not in str(caught.value) and "127.0.0.1:1" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("http://token@host:1/x", "http://host:1/x"),
        ("https://user:pass@host", "https://host"),
        ("see http://a:b@h:1 and https://c@d/e", "see http://h:1 and https://d/e"),
        ("http://host/path@thing", "http://host/path@thing"),
        ("mail me at a@b.c", "mail me at a@b.c"),
    ],
)
def test_redaction(raw, shown):
    assert redact_text(raw) == shown
    if raw.startswith("http"):
        assert redact_url(raw) == shown


def test_userinfo_survives_resolution():
    assert split_userinfo("http://u:p@h:1") == ("http://h:1", "u:p")
    assert resolve_base_url(explicit="http://u:p@127.0.0.1:1", env={}) == "http://u:p@127.0.0.1:1"
    assert resolve_base_url(explicit="tok@example.com", env={}) == "http://tok@example.com:11434"
    assert resolve_base_url(env={"OLLAMA_HOST": "https://k@h"}) == "https://k@h:443"


def test_log_records_lose_userinfo(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").warning("HTTP Request: GET %s", "http://alice:pw@h:1/api/tags")
    assert "alice" not in caplog.text and "http://h:1/api/tags" in caplog.text
