"""The context rules, the same across formats."""

import pytest
from ollama_ls.scan import FileKind, scan
from ollama_ls.scan.slots import is_model_key, kind_of


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("model", True), ("Model", True), ("model_name", True), ("modelName", True),
        ("chat_model", True), ("EMBED_MODEL", True), ("embeddingModel", True), ("ollama.model", True),
        ("models", False), ("supermodel", False), ("Model_path", False), ("modeling", False), ("xModels", False),
    ],
)  # fmt: skip
def test_model_keys(key, expected):
    assert is_model_key(key) is expected


def test_user_model_keys_match_whole_or_last_part():
    assert is_model_key("llm", ["LLM"])
    assert is_model_key("app.llm", ["llm"])
    assert not is_model_key("llm")


@pytest.mark.parametrize(
    ("keys", "kind"),
    [(("model",), "chat"), (("embed_model",), "embedding"), (("Embeddings", "config", "model"), "embedding")],
)
def test_kinds(keys, kind):
    assert kind_of(keys) == kind


SAME_DOCUMENT = {
    FileKind.YAML: "rag:\n  embedder:\n    provider: ollama\n    model: bge-m3\n  chat:\n    provider: OLLAMA\n"
    "    model: llama3\n  cloud:\n    provider: openai\n    model: gpt-4o\n",
    FileKind.JSON: '{"rag": {"embedder": {"provider": "ollama", "model": "bge-m3"},\n'
    ' "chat": {"provider": "OLLAMA", "model": "llama3"},\n "cloud": {"provider": "openai", "model": "gpt-4o"}}}',
    FileKind.TOML: '[rag.embedder]\nprovider = "ollama"\nmodel = "bge-m3"\n[rag.chat]\nprovider = "OLLAMA"\n'
    'model = "llama3"\n[rag.cloud]\nprovider = "openai"\nmodel = "gpt-4o"\n',
}


@pytest.mark.parametrize("kind", list(SAME_DOCUMENT))
def test_same_rules_in_every_structured_format(kind):
    slots = scan(SAME_DOCUMENT[kind], kind)
    assert [(s.value, s.kind) for s in slots] == [("bge-m3", "embedding"), ("llama3", "chat")]
