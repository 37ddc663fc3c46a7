"""A name that is not installed: its alternatives and the advice to pull it keep to the kind of
model its setting expects (findings.fit_to_kinds, kind_conflict)."""

from __future__ import annotations

from ollama_ls.facade.recommend import model_purposes
from ollama_ls.findings import MODEL_NOT_INSTALLED, TAG_MISMATCH, check_document, kind_conflict
from ollama_ls.scan import FileKind

CAPABILITIES = {
    "llama3.2:latest": ("completion", "tools"),
    "llama3:8b": ("completion",),
    "nomic-embed-text:latest": ("embedding",),
    "qwen2.5-coder:1.5b": ("completion", "insert"),
}


def findings(text: str, purposes: dict[str, str] | None = None):
    return check_document(
        text, FileKind.YAML, list(CAPABILITIES), {}, installed_capabilities=CAPABILITIES,
        purposes=purposes if purposes is not None else model_purposes(),
    )  # fmt: skip


def test_kind_conflict_from_installed_tags_and_from_the_tier_table():
    assert kind_conflict("llama3.2:1b", "embedding", CAPABILITIES) is not None
    assert kind_conflict("llama3.2:1b", "chat", CAPABILITIES) is None
    assert kind_conflict("nomic-embed-text:v1.5", "chat", CAPABILITIES) is not None
    assert kind_conflict("nomic-embed-text:v1.5", "embedding", CAPABILITIES) is None
    assert kind_conflict("llama3:70b", "any", CAPABILITIES) is None
    # not installed in any tag: the tier table's purpose
    purposes = model_purposes()
    assert purposes["nomic-embed-text"] == "embedding" and purposes["mistral"] == "chat"
    assert kind_conflict("mistral:7b", "embedding", {}, purposes) is not None
    assert kind_conflict("nomic-embed-text", "autocomplete", {}, purposes) is not None
    assert kind_conflict("unknown-model:1b", "embedding", {}, purposes) is None  # nothing known
    assert kind_conflict("someone/mistral:7b", "embedding", {}, purposes) is None  # not the library's


def test_an_embedding_setting_naming_a_chat_model_is_not_told_to_pull_it():
    (finding,) = findings("rag:\n  provider: ollama\n  embed_model: llama3.2:1b\n")
    assert finding.code == MODEL_NOT_INSTALLED
    assert "Run: ollama pull" not in finding.message
    assert "expects an embedding model" in finding.message
    assert "llama3.2:latest" not in finding.alternatives


def test_a_chat_setting_is_never_offered_an_embedding_only_model():
    (finding,) = findings("llm:\n  provider: ollama\n  model: nomic-embed-text:v1.5\n")
    assert "embedding-only" in finding.message
    assert "nomic-embed-text:latest" not in finding.alternatives


def test_tag_mismatch_of_the_wrong_kind_becomes_not_installed_without_the_other_tag():
    (finding,) = findings("rag:\n  provider: ollama\n  embedding_model: llama3\n")
    assert finding.code == MODEL_NOT_INSTALLED and finding.alternatives == ()
    (right_kind,) = findings("llm:\n  provider: ollama\n  model: llama3\n")
    assert right_kind.code == TAG_MISMATCH and right_kind.alternatives == ("llama3:8b",)


def test_a_name_of_the_right_kind_keeps_its_pull_advice_and_alternatives():
    (finding,) = findings("rag:\n  provider: ollama\n  embed_model: nomic-embed-text:v1.5\n")
    assert "Run: ollama pull nomic-embed-text:v1.5" in finding.message
    assert finding.alternatives[0] == "nomic-embed-text:latest"
