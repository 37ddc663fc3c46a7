"""Transport behaviour around the handlers: content types, gin defaults, body decoding."""

import httpx
import pytest


def test_root_says_ollama_is_running(http):
    response = http.get("/")
    assert response.status_code == 200
    assert response.text == "Ollama is running"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_head_root_has_no_body(http):
    response = http.head("/")
    assert response.status_code == 200
    assert response.content == b""


def test_version_is_exact_json(http, emulator):
    response = http.get("/api/version")
    assert response.content == b'{"version":"0.33.0"}'
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_version_is_configurable(make_emulator):
    emu = make_emulator(version="0.33.0-rc2")
    assert httpx.get(f"{emu.base_url}/api/version").json() == {"version": "0.33.0-rc2"}


def test_no_server_header_like_go(http):
    assert "server" not in http.get("/api/version").headers


def test_unknown_route_is_gin_404(http):
    response = http.get("/api/nothing")
    assert response.status_code == 404
    assert response.text == "404 page not found"
    assert response.headers["content-type"] == "text/plain"


def test_wrong_method_is_gin_405(http):
    response = http.get("/api/generate")
    assert response.status_code == 405
    assert response.text == "405 method not allowed"


def test_head_is_only_allowed_where_ollama_registers_it(http):
    assert http.head("/api/tags").status_code == 200
    assert http.head("/api/ps").status_code == 405


def test_trailing_slash_redirects(http):
    assert http.get("/api/tags/").status_code == 301
    response = http.post("/api/show/", json={})
    assert response.status_code == 307
    assert response.headers["location"] == "/api/show"


@pytest.mark.parametrize("path", ["/api/generate", "/api/chat", "/api/embed", "/api/embeddings",
                                  "/api/show", "/api/copy", "/api/pull"])
def test_empty_body_is_missing_request_body(http, path):
    response = http.post(path, content=b"")
    assert response.status_code == 400
    assert response.json() == {"error": "missing request body"}


def test_empty_body_on_delete(http):
    response = http.request("DELETE", "/api/delete", content=b"")
    assert response.json() == {"error": "missing request body"}


def test_null_body_is_an_empty_request(http):
    response = http.post("/api/chat", content=b"null")
    assert (response.status_code, response.json()) == (400, {"error": "model is required"})


def test_syntax_error_is_a_go_decoder_message(http):
    response = http.post("/api/generate", content=b"{oops")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid character 'o' looking for beginning of object key string"}


def test_truncated_json_is_unexpected_eof(http):
    response = http.post("/api/generate", content=b'{"model":"llama3.2"')
    assert response.json() == {"error": "unexpected EOF"}


def test_wrong_field_type_is_a_go_unmarshal_error(http):
    response = http.post("/api/generate", json={"model": "llama3.2", "stream": "yes"})
    assert response.status_code == 400
    assert response.json() == {"error": "json: cannot unmarshal string into Go struct field "
                                        "GenerateRequest.stream of type bool"}


def test_field_names_match_case_insensitively_like_go(http):
    response = http.post("/api/show", json={"Model": "llama3.2"})
    assert response.status_code == 200


def test_content_type_of_the_request_does_not_matter(http):
    response = http.post("/api/show", content=b'{"model":"llama3.2"}',
                         headers={"Content-Type": "text/plain"})
    assert response.status_code == 200


def test_allowed_origin_gets_cors_headers(http):
    response = http.get("/api/tags", headers={"Origin": "vscode-webview://abc"})
    assert response.headers["access-control-allow-origin"] == "vscode-webview://abc"


def test_preflight_is_204(http):
    response = http.options("/api/chat", headers={"Origin": "http://localhost:3000",
                                                  "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert "Authorization" in response.headers["access-control-allow-headers"]


def test_foreign_origin_is_forbidden(http):
    assert http.get("/api/tags", headers={"Origin": "https://evil.example"}).status_code == 403


def test_foreign_host_header_is_forbidden_with_empty_body(http):
    response = http.get("/api/tags", headers={"Host": "evil.example"})
    assert (response.status_code, response.content) == (403, b"")


@pytest.mark.parametrize("host", ["localhost:11434", "ollama.local", "box.internal", "10.0.0.2"])
def test_local_host_headers_are_allowed(http, host):
    assert http.get("/api/tags", headers={"Host": host}).status_code == 200
