"""Each fault, seen from a client; plus closed_early detection."""

import socket
import time

import httpx
import pytest
from emulator_helpers import ndjson

CHAT = {"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}


def test_refuse_connections_keeps_the_port(emulator, http):
    port = emulator.port
    emulator.faults.refuse_connections()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emulator.base_url}/api/version", timeout=2)
    with pytest.raises(OSError):
        other = socket.socket()
        try:
            other.bind(("127.0.0.1", port))
        finally:
            other.close()
    emulator.faults.accept_connections()
    assert httpx.get(f"{emulator.base_url}/api/version").status_code == 200
    assert emulator.port == port


def test_refuse_for_a_while(emulator):
    emulator.faults.refuse_connections(seconds=0.2)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emulator.base_url}/")
    emulator.wait_for(lambda: _answers(emulator.base_url), timeout=2)


def _answers(url):
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def test_hang_never_answers_and_the_giving_up_is_recorded(emulator, http):
    emulator.faults.hang(paths=["/api/tags"])
    with pytest.raises(httpx.ReadTimeout):
        http.get("/api/tags", timeout=0.2)
    assert http.get("/api/version").status_code == 200
    record = emulator.wait_for(lambda: [r for r in emulator.requests_to("/api/tags")
                                        if r.closed_early])
    assert record[0].status is None and record[0].fault == "hang"


def test_hang_after_chunks_stalls_the_stream(emulator, http):
    emulator.faults.hang(after_chunks=2)
    with http.stream("POST", "/api/chat", json=CHAT, timeout=0.3) as response:
        lines = response.iter_lines()
        assert next(lines) and next(lines)
        with pytest.raises(httpx.ReadTimeout):
            next(lines)


def test_die_before_answering(emulator, http):
    emulator.faults.die(paths=["/api/tags"])
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.get("/api/tags")
    assert http.get("/api/version").status_code == 200
    record = emulator.last_request("/api/tags")
    assert record.closed_early is False


def test_die_after_chunks_aborts_mid_stream(emulator, http):
    emulator.faults.die(after_chunks=3, times=1)
    received = []
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        with http.stream("POST", "/api/generate",
                         json={"model": "llama3.2", "prompt": "x"}) as response:
            for line in response.iter_lines():
                received.append(line)
    assert len(received) == 3
    assert http.post("/api/generate", json={"model": "llama3.2", "prompt": "x",
                                            "stream": False}).status_code == 200


def test_die_after_chunks_without_stream(emulator, http):
    emulator.faults.die(after_chunks=3)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post("/api/chat", json=CHAT | {"stream": False})
    record = emulator.last_request("/api/chat")
    emulator.wait_for(lambda: record.finished)
    assert (record.status, record.closed_early) == (None, False)


def test_malformed_line_mid_stream(emulator, http):
    emulator.faults.malformed_line(after_chunks=2)
    lines = http.post("/api/chat", json=CHAT).text.splitlines()
    assert lines[2] == '{"model":"emulator","created_at":'
    assert '"done":true' in lines[-1]


def test_error_line_mid_stream(emulator, http):
    emulator.faults.error_line(after_chunks=2, message="model runner has unexpectedly stopped")
    response = http.post("/api/chat", json=CHAT)
    assert response.status_code == 200
    lines = ndjson(response)
    assert len(lines) == 3
    assert lines[-1] == {"error": "model runner has unexpectedly stopped"}


def test_error_before_the_first_line_is_an_http_error(emulator, http):
    emulator.faults.error_line(after_chunks=0, message="model is overloaded", status=503)
    response = http.post("/api/generate", json={"model": "llama3.2", "prompt": "x"})
    assert (response.status_code, response.json()) == (503, {"error": "model is overloaded"})
    assert response.headers["content-type"] == "application/json"


def test_error_line_without_stream_is_the_http_error(emulator, http):
    emulator.faults.error_line(after_chunks=2, message="boom")
    response = http.post("/api/chat", json=CHAT | {"stream": False})
    assert (response.status_code, response.json()) == (500, {"error": "boom"})


def test_error_line_in_a_pull(emulator, http):
    emulator.faults.error_line(after_chunks=1, message="max retries exceeded", paths=["/api/pull"])
    lines = ndjson(http.post("/api/pull", json={"model": "tinyllama"}))
    assert lines == [{"status": "pulling manifest"}, {"error": "max retries exceeded"}]


def test_proxy_502_is_html(emulator, http):
    emulator.faults.proxy_502()
    response = http.get("/api/tags")
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in response.text


def test_unauthorized(emulator, http):
    emulator.faults.unauthorized()
    response = http.get("/api/tags")
    assert (response.status_code, response.json()) == (401, {"error": "unauthorized"})


def test_busy(emulator, http):
    emulator.faults.busy(paths=["/api/chat"])
    response = http.post("/api/chat", json=CHAT)
    assert response.status_code == 503
    assert response.json() == {
        "error": "server busy, please try again.  maximum pending requests exceeded"}


def test_any_status(emulator, http):
    emulator.faults.status(429, "rate limit exceeded")
    response = http.get("/api/ps")
    assert (response.status_code, response.json()) == (429, {"error": "rate limit exceeded"})


def test_delay(emulator, http):
    emulator.faults.delay(0.2, paths=["/api/version"])
    started = time.monotonic()
    assert http.get("/api/version").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_fault_for_one_model_only(emulator, http):
    emulator.faults.busy(models=["llama3:8b"])
    assert http.post("/api/chat", json=CHAT | {"model": "LLAMA3:8B"}).status_code == 503
    assert http.post("/api/chat", json=CHAT | {"stream": False}).status_code == 200
    assert http.get("/api/tags").status_code == 200


def test_times_limits_a_fault(emulator, http):
    emulator.faults.busy(times=2)
    codes = [http.get("/api/version").status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert emulator.faults.active() == []


def test_mid_stream_faults_skip_non_streaming_endpoints(emulator, http):
    emulator.faults.die(after_chunks=2, times=1)
    assert http.get("/api/tags").status_code == 200
    assert len(emulator.faults.active()) == 1


def test_clear(emulator, http):
    emulator.faults.busy()
    emulator.faults.clear()
    assert http.get("/api/version").status_code == 200


def test_restart_keeps_port_and_state_and_cuts_streams(emulator, http):
    emulator.token_rate = 20.0
    port = emulator.port
    emulator.add_model("kept:v1")
    with pytest.raises(httpx.HTTPError):
        with http.stream("POST", "/api/chat", json=CHAT) as response:
            lines = response.iter_lines()
            next(lines)
            emulator.restart()
            list(lines)
    assert emulator.port == port
    with httpx.Client(base_url=emulator.base_url) as fresh:
        assert "kept:v1" in fresh.get("/api/tags").text


def test_auth_mode(emulator, http):
    emulator.require_auth("s3cret")
    denied = http.get("/api/tags")
    assert (denied.status_code, denied.json()) == (401, {"error": "unauthorized"})
    allowed = http.get("/api/tags", headers={"Authorization": "Bearer s3cret"})
    assert allowed.status_code == 200
    assert emulator.last_request().header("authorization") == "Bearer s3cret"
    emulator.require_auth(None)
    assert http.get("/api/tags").status_code == 200


def test_closed_early_when_client_closes_after_first_chunk(emulator, http):
    emulator.token_rate = 5.0
    with http.stream("POST", "/api/generate", json={"model": "llama3.2", "prompt": "x"}) as r:
        next(r.iter_lines())
    record = emulator.last_request("/api/generate")
    emulator.wait_for(lambda: record.closed_early, timeout=1.0)
    assert record.chunks == 1 and record.status == 200


async def test_closed_early_with_an_async_client(emulator):
    emulator.token_rate = 5.0
    async with httpx.AsyncClient(base_url=emulator.base_url) as client:
        async with client.stream("POST", "/api/chat", json=CHAT) as response:
            async for _ in response.aiter_lines():
                break
    record = emulator.last_request("/api/chat")
    await emulator.wait_for_async(lambda: record.closed_early, timeout=1.0)


def test_finished_stream_is_not_closed_early(emulator, http):
    http.post("/api/chat", json=CHAT)
    record = emulator.last_request("/api/chat")
    emulator.wait_for(lambda: record.finished)
    assert record.closed_early is False and record.chunks > 1


def test_requests_are_recorded_with_headers_and_body(emulator, http):
    http.post("/api/show", json={"model": "llama3.2"}, headers={"X-Trace": "42"})
    record = emulator.last_request("/api/show")
    assert (record.method, record.path, record.status) == ("POST", "/api/show", 200)
    assert record.body == {"model": "llama3.2"}
    assert record.header("x-trace") == "42"
