"""/api/pull: Ollama's progress sequence, speed, and what a finished pull changes."""

import re
import time

import pytest
from emulator_helpers import ndjson


def pull(http, **body):
    return http.post("/api/pull", json=body)


def test_pull_sequence(http, emulator):
    emulator.set_rate(pull_bytes_per_s=16 * 1024**3, pull_interval_s=0.01)
    response = pull(http, model="mistral:7b")
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = ndjson(response)
    statuses = [line["status"] for line in lines]
    assert statuses[0] == "pulling manifest"
    assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"]
    layers = [line for line in lines if line["status"].startswith("pulling ") and "digest" in line]
    for line in layers:
        assert re.fullmatch(r"pulling [0-9a-f]{12}", line["status"])
        assert line["status"][8:] == line["digest"][7:19]
        assert list(line)[:3] == ["status", "digest", "total"]
    by_digest = {}
    for line in layers:
        by_digest.setdefault(line["digest"], []).append(line.get("completed", 0))
    assert len(by_digest) == 5  # model, template, license, params, then config
    for progress in by_digest.values():
        assert progress == sorted(progress)
        assert progress[-1] > 0
    weights = next(iter(by_digest.values()))
    assert len(weights) > 3  # a big layer reports several times
    assert "completed" not in layers[0]  # omitted while 0


def test_pulled_model_is_listed_first(http):
    pull(http, model="tinyllama")
    first = http.get("/api/tags").json()["models"][0]
    assert first["name"] == "tinyllama:latest"
    assert http.post("/api/show", json={"model": "tinyllama"}).status_code == 200


def test_blobs_already_on_disk_give_one_line(http):
    lines = [line for line in ndjson(pull(http, model="llama3")) if "digest" in line]
    digests = [line["digest"] for line in lines]
    single = [d for d in dict.fromkeys(digests) if digests.count(d) == 1]
    assert single, "llama3:latest shares its license and params blobs with llama3:8b"
    for digest in single:
        line = next(line for line in lines if line["digest"] == digest)
        assert line["completed"] == line["total"]


def test_repull_of_an_installed_model_is_all_single_lines(http):
    lines = ndjson(pull(http, model="llama3.2"))
    digests = [l["digest"] for l in lines if "digest" in l]
    assert len(digests) == len(set(digests))


def test_download_speed_controls_duration(http, emulator):
    emulator.set_rate(pull_bytes_per_s=637_699_456 / 0.3)
    started = time.monotonic()
    pull(http, model="tinyllama")
    assert 0.25 < time.monotonic() - started < 2


def test_stream_false_returns_the_last_status(http):
    response = pull(http, model="tinyllama", stream=False)
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"status":"success"}'


def test_unknown_model_streams_an_error_after_the_manifest_line(http):
    response = pull(http, model="no-such-model")
    assert response.status_code == 200
    assert ndjson(response) == [{"status": "pulling manifest"},
                                {"error": "pull model manifest: file does not exist"}]


def test_unknown_model_without_stream_is_500(http):
    response = pull(http, model="no-such-model", stream=False)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "pull model manifest: file does not exist"}


@pytest.mark.parametrize("body,error", [
    ({}, "invalid model name"),
    ({"model": "bad name"}, "invalid model name"),
    ({"model": "x:local:cloud"}, 'use either :local or :cloud, not both: "x:local:cloud"'),
])
def test_pull_name_errors(http, body, error):
    response = pull(http, **body)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_registry_can_be_extended(http, emulator):
    emulator.add_registry_model("me/tiny:q8", weights_size=1000)
    assert pull(http, name="me/tiny:q8", stream=False).status_code == 200
    assert "me/tiny:q8" in http.get("/api/tags").text


def test_disconnect_mid_pull_stops_it(http, emulator):
    emulator.set_rate(pull_bytes_per_s=100_000_000)
    with http.stream("POST", "/api/pull", json={"model": "mistral:7b"}) as response:
        lines = response.iter_lines()
        next(lines)
        next(lines)
    record = emulator.wait_for(lambda: [r for r in emulator.requests_to("/api/pull")
                                        if r.closed_early])
    assert record[0].chunks < 10
    time.sleep(0.1)
    assert "mistral" not in http.get("/api/tags").text
