"""/api/embed and the legacy /api/embeddings."""

import math

import pytest
from emulator_helpers import keys


def embed(http, **body):
    return http.post("/api/embed", json=body)


def norm(vector):
    return math.sqrt(sum(v * v for v in vector))


def test_embed_batch_is_normalised_and_sized_by_the_model(http):
    response = embed(http, model="nomic-embed-text", input=["a", "b"])
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert keys(body) == ["model", "embeddings", "total_duration", "load_duration",
                          "prompt_eval_count"]
    assert body["model"] == "nomic-embed-text"
    assert [len(v) for v in body["embeddings"]] == [384, 384]
    assert all(abs(norm(v) - 1) < 1e-5 for v in body["embeddings"])
    assert body["embeddings"][0] != body["embeddings"][1]


def test_embed_is_deterministic(http):
    first = embed(http, model="nomic-embed-text", input="same").json()["embeddings"]
    again = embed(http, model="nomic-embed-text", input=["same"]).json()["embeddings"]
    assert first == again


def test_dimensions_truncate_and_renormalise(http):
    vector = embed(http, model="nomic-embed-text", input="x", dimensions=8).json()["embeddings"][0]
    assert len(vector) == 8 and abs(norm(vector) - 1) < 1e-5


@pytest.mark.parametrize("value", ["", [], None])
def test_empty_input_still_loads(http, emulator, value):
    emulator.state.running.clear()
    body = {"model": "nomic-embed-text"} | ({} if value is None else {"input": value})
    assert http.post("/api/embed", json=body).content == b'{"model":"nomic-embed-text","embeddings":[]}'
    assert [m["name"] for m in http.get("/api/ps").json()["models"]] == ["nomic-embed-text:latest"]


def test_too_long_input_without_truncation(http):
    long_text = "word " * 3000
    assert embed(http, model="nomic-embed-text", input=long_text).status_code == 200
    response = embed(http, model="nomic-embed-text", input=long_text, truncate=False)
    assert (response.status_code, response.json()) == (
        400, {"error": "the input length exceeds the context length"})


def test_any_model_embeds_without_capability_check(http):
    assert embed(http, model="llama3:8b", input="x").status_code == 200


@pytest.mark.parametrize("body,status,error", [
    ({"input": "x"}, 404, "model '' not found"),
    ({"model": "mm:", "input": "x"}, 400, "invalid model name"),
    ({"model": "ghost", "input": "x"}, 404, 'model "ghost" not found, try pulling it first'),
    ({"model": "nomic-embed-text", "input": 3}, 400, "invalid input type"),
    ({"model": "nomic-embed-text", "input": ["a", 1]}, 400, "invalid input type"),
])
def test_embed_errors(http, body, status, error):
    response = http.post("/api/embed", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})


def test_legacy_embeddings_are_not_normalised(http):
    body = http.post("/api/embeddings", json={"model": "nomic-embed-text", "prompt": "x"}).json()
    assert keys(body) == ["embedding"]
    assert len(body["embedding"]) == 384
    assert norm(body["embedding"]) > 2


def test_legacy_empty_prompt(http):
    response = http.post("/api/embeddings", json={"model": "nomic-embed-text", "prompt": ""})
    assert response.content == b'{"embedding":[]}'


@pytest.mark.parametrize("body,status,error", [
    ({"prompt": "x"}, 400, "model is required"),
    ({"model": "mm:"}, 400, "invalid model name"),
    ({"model": "ghost"}, 404, 'model "ghost" not found, try pulling it first'),
])
def test_legacy_errors(http, body, status, error):
    response = http.post("/api/embeddings", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})
