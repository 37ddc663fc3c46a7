"""OLLAMA_HOST parsing matches Ollama's Go envconfig; the base URL is resolved in order."""

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
import respx

from ollama_ls.client import ClientConfig, OllamaClient, go_host, parse_ollama_host
from ollama_ls.client.host import resolve_base_url

# Ollama's TestHost table (envconfig/config_test.go): input -> Host().String()
GO_HOST_TABLE = [
    ("", "http://127.0.0.1:11434"),
    ("1.2.3.4", "http://1.2.3.4:11434"),
    (":1234", "http://:1234"),
    ("1.2.3.4:1234", "http://1.2.3.4:1234"),
    ("example.com", "http://example.com:11434"),
    ("example.com:1234", "http://example.com:1234"),
    (":0", "http://:0"),
    (":66000", "http://:11434"),
    (":-1", "http://:11434"),
    ("[::1]", "http://[::1]:11434"),
    ("[::]", "http://[::]:11434"),
    ("::1", "http://[::1]:11434"),
    ("[::1]:1337", "http://[::1]:1337"),
    (" 1.2.3.4 ", "http://1.2.3.4:11434"),
    ('"1.2.3.4"', "http://1.2.3.4:11434"),
    (' " 1.2.3.4 " ', "http://1.2.3.4:11434"),
    ("'1.2.3.4'", "http://1.2.3.4:11434"),
    ("http://1.2.3.4", "http://1.2.3.4:80"),
    ("http://1.2.3.4:4321", "http://1.2.3.4:4321"),
    ("https://1.2.3.4", "https://1.2.3.4:443"),
    ("https://1.2.3.4:4321", "https://1.2.3.4:4321"),
    ("https://example.com/ollama", "https://example.com:443/ollama"),
    ("ollama.com", "https://ollama.com:443"),
]

# Computed by porting the Go logic (ollama-api.md §7.1, inferred rows).
INFERRED_ROWS = [
    ("example.com/path/", "http://example.com:11434/path/"),
    ("host:abc", "http://host:11434"),
    ("https://[::1]", "https://[::1]:443"),
]

# ConnectableHost(): unspecified bind addresses are dialled as loopback.
CONNECTABLE = {
    "[::]": "http://[::1]:11434",
    "0.0.0.0:1234": "http://127.0.0.1:1234",
    "0.0.0.0": "http://127.0.0.1:11434",
    "https://0.0.0.0:4321": "https://127.0.0.1:4321",
}


@pytest.mark.parametrize(("value", "expected"), GO_HOST_TABLE + INFERRED_ROWS)
def test_go_host_matches_ollama(value, expected):
    assert go_host(value) == expected


@pytest.mark.parametrize(("value", "expected"), GO_HOST_TABLE + INFERRED_ROWS)
def test_parse_ollama_host_is_host_then_connectable_host(value, expected):
    assert parse_ollama_host(value) == CONNECTABLE.get(value, expected)


@pytest.mark.parametrize(("value", "expected"), CONNECTABLE.items())
def test_unspecified_addresses_are_dialled_as_loopback(value, expected):
    assert parse_ollama_host(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.com:99999", "http://example.com:11434"),
        ("https://example.com:0x10", "https://example.com:443"),
        ("http://example.com:", "http://example.com:80"),
        ("[0001:002:003:0004::1]", "http://[1:2:3:4::1]:11434"),  # Go's ip.String()
        ("[0001:002:003:0004::1]:56789", "http://[0001:002:003:0004::1]:56789"),
        (None, "http://127.0.0.1:11434"),
    ],
)
def test_more_go_edge_cases(value, expected):
    assert parse_ollama_host(value) == expected


def resolve(**kwargs):
    env = kwargs.pop("env", {})
    return resolve_base_url(env=env, **kwargs)


def test_explicit_setting_wins_over_everything():
    url = resolve(explicit="http://a:1", host="b", port=2, env={"OLLAMA_HOST": "c:3"})
    assert url == "http://a:1"


def test_ollama_host_wins_over_host_and_port_settings():
    assert resolve(host="b", port=2, env={"OLLAMA_HOST": "c:3"}) == "http://c:3"


def test_host_and_port_settings_apply_without_env():
    assert resolve(host="b", port=2) == "http://b:2"
    assert resolve(host="https://b") == "https://b:443"
    assert resolve(port=5000) == "http://127.0.0.1:5000"
    assert resolve(host="::1", port=7) == "http://[::1]:7"
    assert resolve(host="b:9", port=2) == "http://b:2"


def test_default_when_nothing_is_set():
    assert resolve() == "http://127.0.0.1:11434"
    assert resolve(explicit="  ", env={"OLLAMA_HOST": " '' "}) == "http://127.0.0.1:11434"


def test_base_url_has_no_trailing_slash_and_empty_host_is_local():
    assert resolve(explicit="example.com/path/") == "http://example.com:11434/path"
    assert resolve(env={"OLLAMA_HOST": ":1234"}) == "http://127.0.0.1:1234"


def test_from_settings_reads_the_environment():
    config = ClientConfig.from_settings(env={"OLLAMA_HOST": "0.0.0.0:9999"})
    assert config.base_url == "http://127.0.0.1:9999"


async def test_path_prefix_is_kept_in_request_urls():
    config = ClientConfig(base_url="https://proxy.test/ollama")
    with respx.mock(assert_all_called=True) as router:
        route = router.get("https://proxy.test:443/ollama/api/tags").mock(
            return_value=httpx.Response(200, json={"models": []})
        )
        async with OllamaClient(config) as client:
            assert client.base_url == "https://proxy.test:443/ollama"
            assert await client.list_models() == []
    assert route.called


@given(st.text())
def test_any_ollama_host_value_gives_a_url(value):
    assert "://" in parse_ollama_host(value)
