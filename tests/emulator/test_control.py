"""`/_emulator/*`: the same controls as the Python API, for tests in other processes."""

import time

import httpx
import pytest
from emulator_helpers import ndjson

CHAT = {"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}


def test_add_and_clear_faults(http):
    fault = http.post("/_emulator/faults", json={"kind": "busy", "paths": ["/api/tags"]}).json()
    assert fault["kind"] == "busy" and fault["paths"] == ["/api/tags"]
    assert http.get("/api/tags").status_code == 503
    assert [f["kind"] for f in http.get("/_emulator/faults").json()["faults"]] == ["busy"]
    http.post("/_emulator/faults", json={"clear": True})
    assert http.get("/api/tags").status_code == 200
    http.post("/_emulator/faults", json={"kind": "busy"})
    http.delete("/_emulator/faults")
    assert http.get("/api/tags").status_code == 200


def test_mid_stream_fault_over_http(http):
    http.post("/_emulator/faults", json={"kind": "error_line", "after_chunks": 1,
                                         "message": "boom"})
    assert ndjson(http.post("/api/chat", json=CHAT))[-1] == {"error": "boom"}


def test_unknown_fault_kind_is_400(http):
    response = http.post("/_emulator/faults", json={"kind": "explode"})
    assert response.status_code == 400
    assert "unknown fault kind" in response.json()["error"]


def test_control_routes_ignore_faults_and_auth(http, emulator):
    emulator.faults.busy()
    emulator.require_auth("k")
    assert http.get("/_emulator/requests").status_code == 200


def test_refuse_over_http_needs_seconds_and_comes_back(http, emulator):
    assert http.post("/_emulator/faults", json={"kind": "refuse"}).status_code == 400
    assert http.post("/_emulator/faults", json={"kind": "refuse", "seconds": 0.3}).status_code == 200
    time.sleep(0.15)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emulator.base_url}/", timeout=1)
    emulator.wait_for(lambda: _answers(emulator.base_url), timeout=3)


def _answers(url):
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def test_response_text_and_tokens(http):
    http.post("/_emulator/response", json={"text": "Exactly this."})
    body = http.post("/api/generate", json={"model": "llama3.2", "prompt": "x", "stream": False})
    assert body.json()["response"] == "Exactly this."
    http.post("/_emulator/response", json={"tokens": ["A", "B"]})
    chunks = ndjson(http.post("/api/generate", json={"model": "llama3.2", "prompt": "x"}))
    assert [c["response"] for c in chunks[:-1]] == ["A", "B"]
    http.post("/_emulator/response", json={"text": None})
    body = http.post("/api/generate", json={"model": "llama3.2", "prompt": "x", "stream": False})
    assert body.json()["response"] != "AB"


def test_rate(http, emulator):
    answer = http.post("/_emulator/rate", json={"token_rate": 42, "pull_bytes_per_s": 1000,
                                                "pull_interval_ms": 10, "load_seconds": 0.5}).json()
    assert answer == {"token_rate": 42.0, "pull_bytes_per_s": 1000.0, "pull_interval_ms": 10.0,
                      "load_seconds": 0.5}
    assert emulator.token_rate == 42.0 and emulator.state.pull_interval_s == 0.01


def test_requests_log(http):
    http.post("/api/show", json={"model": "llama3.2"}, headers={"Authorization": "Bearer k"})
    records = http.get("/_emulator/requests").json()["requests"]
    assert [r["path"] for r in records] == ["/api/show"]
    record = records[0]
    assert record["body"] == {"model": "llama3.2"}
    assert record["headers"]["Authorization"] == "Bearer k"
    assert (record["status"], record["closed_early"], record["finished"]) == (200, False, True)
    http.delete("/_emulator/requests")
    assert http.get("/_emulator/requests").json() == {"requests": []}


def test_reset(http, emulator):
    emulator.remove_model("llama3.2")
    emulator.set_response("x")
    emulator.faults.busy(paths=["/api/chat"])
    http.post("/_emulator/reset")
    assert "llama3.2:latest" in http.get("/api/tags").text
    assert emulator.state.response_tokens is None
    assert emulator.faults.active() == []
    paths = [r["path"] for r in http.get("/_emulator/requests").json()["requests"]]
    assert paths == ["/api/tags"]  # the log was emptied; control routes are never recorded


def test_auth(http):
    http.post("/_emulator/auth", json={"api_key": "k"})
    assert http.get("/api/tags").status_code == 401
    assert http.get("/api/tags", headers={"Authorization": "Bearer k"}).status_code == 200
    http.post("/_emulator/auth", json={"api_key": None})
    assert http.get("/api/tags").status_code == 200


def test_models(http):
    added = http.post("/_emulator/models", json={"name": "team/coder:7b",
                                                 "capabilities": ["completion", "insert"]})
    assert added.json()["name"] == "team/coder:7b"
    assert http.post("/api/show", json={"model": "team/coder:7b"}).json()["capabilities"] == [
        "completion", "insert"]
    assert http.request("DELETE", "/_emulator/models", json={"name": "team/coder:7b"}).json() == {
        "removed": True}
    http.post("/_emulator/models", json={"name": "far/away:1", "where": "registry"})
    assert http.post("/api/pull", json={"model": "far/away:1", "stream": False}).status_code == 200


def test_bad_model_field_is_400(http):
    response = http.post("/_emulator/models", json={"name": "x", "colour": "red"})
    assert response.status_code == 400


def test_restart_over_http(http, emulator):
    port = emulator.port
    assert http.post("/_emulator/restart").status_code == 200
    time.sleep(0.1)
    emulator.wait_for(lambda: _answers(emulator.base_url), timeout=3)
    assert emulator.port == port
