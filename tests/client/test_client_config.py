"""Remote servers: auth headers, TLS, timeouts; secrets never leak into logs or repr."""

import logging
import ssl

import httpx
import pytest
import respx

from clienthelp import BASE, client, ollama  # noqa: F401  (fixtures)
from ollama_ls.client import (
    ClientConfig,
    ConfigurationError,
    ModelNotFound,
    OllamaClient,
    OllamaNotInstalled,
    RequestTimedOut,
    ServerUnreachable,
)

SECRET = "sk-very-secret-0123456789"


def make(**settings):
    env = settings.pop("env", {})
    return ClientConfig.from_settings(base_url=settings.pop("base_url", BASE), env=env, **settings)


async def authorization_sent(config: ClientConfig) -> str | None:
    with respx.mock(base_url=config.base_url) as router:
        route = router.get("/api/version").mock(
            return_value=httpx.Response(200, json={"version": "1"}))
        async with OllamaClient(config) as client:
            await client.version()
    return route.calls.last.request.headers.get("authorization")


async def test_api_key_from_the_environment_is_a_bearer_token():
    assert await authorization_sent(make(env={"OLLAMA_API_KEY": SECRET})) == f"Bearer {SECRET}"


async def test_api_key_setting_wins_over_the_environment():
    config = make(api_key="from-settings", env={"OLLAMA_API_KEY": SECRET})
    assert await authorization_sent(config) == "Bearer from-settings"


async def test_an_explicit_authorization_header_wins_over_the_api_key():
    config = make(headers={"authorization": "Basic dTpw"}, env={"OLLAMA_API_KEY": SECRET})
    assert await authorization_sent(config) == "Basic dTpw"


async def test_no_authorization_without_a_key():
    assert await authorization_sent(make()) is None
    assert await authorization_sent(make(env={"OLLAMA_API_KEY": "  "})) is None


async def test_extra_headers_are_sent():
    config = make(headers={"CF-Access-Client-Id": "id", "X-Api-Key": SECRET})
    with respx.mock(base_url=BASE) as router:
        route = router.get("/api/tags").mock(return_value=httpx.Response(200, json={"models": []}))
        async with OllamaClient(config) as client:
            await client.list_models()
    sent = route.calls.last.request.headers
    assert sent["cf-access-client-id"] == "id" and sent["x-api-key"] == SECRET


def test_repr_of_config_and_client_hides_secrets():
    config = make(api_key=SECRET, headers={"Authorization": f"Bearer {SECRET}",
                                           "X-Api-Key": SECRET, "X-Team": "blue"})
    for text in (repr(config), str(config), repr(OllamaClient(config))):
        assert SECRET not in text
    assert "X-Team': 'blue'" in repr(config)


async def test_secrets_stay_out_of_debug_logs_and_errors(caplog):
    caplog.set_level(logging.DEBUG)
    config = make(api_key=SECRET, headers={"X-Auth-Token": SECRET})
    with respx.mock(base_url=BASE) as router:
        router.post("/api/chat").mock(return_value=httpx.Response(
            404, json={"error": "model 'm' not found"}))
        router.get("/api/version").mock(return_value=httpx.Response(200, json={"version": "1"}))
        async with OllamaClient(config) as client:
            await client.version()
            with pytest.raises(ModelNotFound) as caught:
                await client.chat("m", [{"role": "user", "content": "hi"}])
    assert caplog.records, "the client logs at DEBUG"
    assert any("/api/chat" in record.getMessage() for record in caplog.records)
    assert SECRET not in caplog.text
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_tls_verification_is_on_by_default_and_uses_a_ca_bundle(tmp_path):
    assert make(base_url="https://ollama.example.com").verify is True
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="CA bundle"):
        OllamaClient(make(base_url="https://ollama.example.com", ca_bundle=str(bundle)))
    with pytest.raises(ConfigurationError, match="CA bundle"):
        OllamaClient(make(ca_bundle=str(tmp_path / "missing.pem")))


def test_ca_bundle_becomes_an_ssl_context(monkeypatch):
    seen = {}
    real = ssl.create_default_context

    def fake_context(cafile=None, **_):
        seen["cafile"] = cafile
        return real()

    monkeypatch.setattr(ssl, "create_default_context", fake_context)
    OllamaClient(make(base_url="https://ollama.example.com", ca_bundle="/etc/corp-ca.pem"))
    assert seen["cafile"] == "/etc/corp-ca.pem"


def test_timeouts_defaults_settings_and_environment():
    config = make()
    assert (config.connect_timeout, config.read_timeout, config.pull_timeout) == (5, 120, 600)
    assert make(env={"OLLAMA_TIMEOUT": "30"}).read_timeout == 30
    assert make(env={"OLLAMA_TIMEOUT": "nonsense"}).read_timeout == 120
    assert make(read_timeout=9, env={"OLLAMA_TIMEOUT": "30"}).read_timeout == 9
    timeout = OllamaClient(make(connect_timeout=2, read_timeout=7))._http.timeout
    assert (timeout.connect, timeout.read) == (2, 7)


async def test_nothing_listening_locally_with_ollama_installed(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: "/usr/local/bin/ollama")
    with respx.mock() as router:
        router.get("http://127.0.0.1:11434/api/version").mock(
            side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
        async with OllamaClient(ClientConfig()) as client:
            with pytest.raises(ServerUnreachable) as caught:
                await client.version()
    assert type(caught.value) is ServerUnreachable
    assert caught.value.suggestion == "Start it: ollama serve"
    assert client.metrics.last.status is None and client.metrics.last.error == "ServerUnreachable"


async def test_nothing_listening_and_no_ollama_executable(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with respx.mock() as router:
        router.get("http://127.0.0.1:11434/").mock(side_effect=httpx.ConnectError("refused"))
        async with OllamaClient(ClientConfig()) as client:
            with pytest.raises(OllamaNotInstalled) as caught:
                await client.heartbeat()
    assert caught.value.suggestion == "Install: https://ollama.com/download"
    assert "Server: http://127.0.0.1:11434" in str(caught.value)


async def test_remote_server_unreachable_does_not_suggest_installing(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    config = ClientConfig(base_url="http://gpu-box.lan:11434")
    with respx.mock() as router:
        router.get("http://gpu-box.lan:11434/").mock(side_effect=httpx.ConnectError("refused"))
        async with OllamaClient(config) as client:
            with pytest.raises(ServerUnreachable) as caught:
                await client.heartbeat()
    assert type(caught.value) is ServerUnreachable and "firewall" in caught.value.suggestion


@pytest.mark.parametrize(
    ("raised", "expected", "text"),
    [
        (httpx.ConnectTimeout("slow"), ServerUnreachable, "Timed out connecting"),
        (httpx.ReadTimeout("slow"), RequestTimedOut, "sent nothing for 120 s"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
         ServerUnreachable, "TLS handshake"),
        (httpx.RemoteProtocolError("peer closed"), ServerUnreachable, "connection to Ollama"),
        (httpx.UnsupportedProtocol("ftp"), ConfigurationError, "Cannot use the Ollama URL"),
    ],
)
async def test_transport_failures_map_to_errors(raised, expected, text, ollama, client):
    ollama.get("/api/tags").mock(side_effect=raised)
    with pytest.raises(expected, match=text):
        await client.list_models()
