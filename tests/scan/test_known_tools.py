"""The rules for the tools people use with Ollama, and the false alarms they must not raise."""

from __future__ import annotations

import pytest

from ollama_ls.findings import check_document
from ollama_ls.scan import FileKind, scan, slot_at
from ollama_ls.scan.known_tools import TOOLS, path_matches, tool_of_file
from ollama_ls.scan.rules import is_ollama_url
from tests.scan.scanhelp import text_in

INSTALLED = ["llama3.2:latest", "nomic-embed-text:latest", "qwen2.5-coder:1.5b"]
CAPABILITIES = {
    "llama3.2:latest": ("completion", "tools"),
    "nomic-embed-text:latest": ("embedding",),
    "qwen2.5-coder:1.5b": ("completion", "insert"),
}


def names(text: str, kind: FileKind, path: str | None = None, **options) -> list[tuple[str, str, str]]:
    slots = scan(text, kind, path=path, **options)
    for slot in slots:
        assert text_in(text, slot.range) == slot.value
    return [(slot.value, slot.kind, slot.rule) for slot in slots]


def findings(text: str, kind: FileKind, path: str | None = None) -> list[str]:
    slots = scan(text, kind, path=path)
    return [f.code for f in check_document(text, kind, INSTALLED, CAPABILITIES, slots=slots)]


# -- false alarms (each was reported on a real file) -------------------------------------------


def test_continue_autodetect_is_not_a_model_name():
    text = "models:\n  - name: Local\n    provider: ollama\n    model: AUTODETECT\n"
    assert names(text, FileKind.YAML, "/p/.continue/config.yaml") == []


def test_continue_embed_role_holds_an_embedding_model():
    text = (
        "models:\n  - name: Embedder\n    provider: ollama\n    model: nomic-embed-text\n"
        "    roles:\n      - embed\n"
    )
    assert names(text, FileKind.YAML) == [("nomic-embed-text", "embedding", "`provider: ollama`")]
    assert findings(text, FileKind.YAML) == []


def test_continue_autocomplete_role_needs_the_insert_capability():
    text = (
        "models:\n  - name: A\n    provider: ollama\n    model: llama3.2\n    roles: [autocomplete]\n"
        "  - name: B\n    provider: ollama\n    model: qwen2.5-coder:1.5b\n    roles: [autocomplete]\n"
    )
    assert findings(text, FileKind.YAML) == ["capability-mismatch"]


def test_other_providers_variables_in_an_ollama_env_file_are_not_ours():
    text = (
        "OLLAMA_HOST=http://127.0.0.1:11434\nOLLAMA_MODEL=llama3.2\nOPENAI_MODEL=gpt-4o-mini\n"
        "OPENAI_EMBEDDING_MODEL=text-embedding-3-small\nANTHROPIC_MODEL=claude-sonnet\n"
    )
    assert [n for n, _, _ in names(text, FileKind.DOTENV)] == ["llama3.2"]
    assert findings(text, FileKind.DOTENV) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("llm:\n  provider: ollama\n  model: ollama/llama3.2\n", FileKind.YAML),
        ("AIDER_MODEL=ollama_chat/llama3.2\n", FileKind.DOTENV),
        ('{"model": "ollama_chat/llama3.2"}', FileKind.JSON),
        ('model = "ollama/llama3.2"\n', FileKind.TOML),
    ],
)
def test_a_provider_prefix_is_not_part_of_the_name(text, kind):
    [(name, _, rule)] = names(text, kind)
    assert name == "llama3.2" and rule == "provider prefix"
    assert findings(text, kind) == []


def test_litellm_model_name_is_an_alias_not_an_ollama_name():
    text = (
        "model_list:\n  - model_name: llama3.2-not-a-name\n    litellm_params:\n"
        "      model: ollama/llama3.2\n      api_base: http://localhost:11434\n"
        "  - model_name: embeddings\n    litellm_params:\n      model: ollama/nomic-embed-text\n"
    )
    assert [(n, k) for n, k, _ in names(text, FileKind.YAML)] == [("llama3.2", "any"), ("nomic-embed-text", "any")]
    assert findings(text, FileKind.YAML) == []


# -- what each tool writes --------------------------------------------------------------------


def test_codex_model_provider():
    text = (
        'model = "llama3.2"\nmodel_provider = "ollama"\n\n[model_providers.ollama]\nname = "Ollama"\n'
        'base_url = "http://localhost:11434/v1"\n\n[profiles.cloud]\nmodel = "o3"\nmodel_provider = "openai"\n'
        '\n[profiles.oss]\nmodel = "qwen2.5-coder:1.5b"\nmodel_provider = "oss"\n'
    )
    assert [n for n, _, _ in names(text, FileKind.TOML)] == ["llama3.2", "qwen2.5-coder:1.5b"]


def test_opencode_model_object_keys_are_names():
    text = (
        '{\n  "provider": {\n    "ollama": {\n      "npm": "@ai-sdk/openai-compatible",\n'
        '      "options": {"baseURL": "http://localhost:11434/v1"},\n'
        '      "models": {"llama3.2": {"name": "Llama 3.2 (local)"}, "qwen2.5-coder:1.5b": {}}\n'
        "    }\n  },\n  \"model\": \"ollama/llama3.2\"\n}\n"
    )
    found = names(text, FileKind.JSON, "/p/opencode.json")
    assert [(n, r) for n, _, r in found] == [
        ("llama3.2", "opencode"), ("qwen2.5-coder:1.5b", "opencode"), ("llama3.2", "provider prefix"),
    ]
    line, character = 5, text.splitlines()[5].index("qwen") + 3
    assert slot_at(text, FileKind.JSON, line, character).value == "qwen2.5-coder:1.5b"


def test_zed_available_models_and_display_names():
    text = (
        '{"language_models": {"ollama": {"api_url": "http://localhost:11434", "available_models": '
        '[{"name": "llama3.2", "display_name": "llama3.2 local", "max_tokens": 8192}]}}}'
    )
    assert names(text, FileKind.JSON) == [("llama3.2", "chat", "Zed")]


def test_helm_pull_and_run_lists_take_any_kind_and_the_image_is_not_a_model():
    text = (
        "image:\n  repository: ollama/ollama\n  tag: 0.12.0\nollama:\n  models:\n    pull:\n"
        "      - llama3.2\n      - nomic-embed-text\n    run:\n      - llama3.2\n"
        "    create:\n      - name: my-model\n        template: FROM llama3.2\n"
    )
    assert names(text, FileKind.YAML) == [("llama3.2", "any", "Ollama Helm chart")] * 1 + [
        ("nomic-embed-text", "any", "Ollama Helm chart"), ("llama3.2", "any", "Ollama Helm chart"),
    ]
    assert findings(text, FileKind.YAML) == []


def test_open_webui_environment():
    text = (
        "OLLAMA_BASE_URL=http://ollama:11434\nDEFAULT_MODELS=llama3.2, qwen2.5-coder:1.5b\n"
        "TASK_MODEL=llama3.2\nTASK_MODEL_EXTERNAL=gpt-4o-mini\n"
        "RAG_EMBEDDING_MODEL=sentence-transformers/all-MiniLM-L6-v2\n"
    )
    assert [n for n, _, _ in names(text, FileKind.DOTENV)] == ["llama3.2", "qwen2.5-coder:1.5b", "llama3.2"]
    with_engine = text + "RAG_EMBEDDING_ENGINE=ollama\n"
    with_engine = with_engine.replace("sentence-transformers/all-MiniLM-L6-v2", "nomic-embed-text")
    assert names(with_engine, FileKind.DOTENV)[-1] == ("nomic-embed-text", "embedding", "Open WebUI")


def test_openai_compatible_entries_pointed_at_ollama():
    text = (
        "config_list:\n  - model: llama3.2\n    base_url: http://localhost:11434/v1\n    api_key: ollama\n"
        "  - model: gpt-4o\n    api_key: sk-xxx\n  - model: openai/qwen2.5-coder:1.5b\n"
        "    api_base: http://ollama:11434/v1\n"
    )
    assert [(n, r) for n, _, r in names(text, FileKind.YAML)] == [
        ("llama3.2", "base URL `http://localhost:11434/v1`"),
        ("qwen2.5-coder:1.5b", "base URL `http://ollama:11434/v1`"),
    ]


def test_compose_environment_mapping_and_kubernetes_env():
    compose = (
        "services:\n  app:\n    image: ghcr.io/me/app\n    environment:\n      OLLAMA_HOST: http://ollama:11434\n"
        "      CHAT_MODEL: llama3.2\n      OPENAI_MODEL: gpt-4o\n  ollama:\n    image: ollama/ollama\n"
    )
    assert [n for n, _, _ in names(compose, FileKind.YAML)] == ["llama3.2"]
    k8s = (
        "spec:\n  containers:\n    - name: app\n      env:\n        - name: OLLAMA_MODEL\n"
        "          value: llama3.2\n        - name: OPENAI_MODEL\n          value: gpt-4o\n"
    )
    assert [n for n, _, _ in names(k8s, FileKind.YAML)] == ["llama3.2"]


@pytest.mark.parametrize(
    "name",
    ["hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M", "gpt-oss:120b-cloud", "kimi-k2:cloud", "me/my-model"],
)
def test_names_as_ollama_writes_them_today_are_valid(name):
    text = f"ollama:\n  model: {name}\n"
    codes = [f.code for f in check_document(text, FileKind.YAML, INSTALLED)]
    assert "invalid-model-name" not in codes
    if "cloud" in name:
        assert codes == ["cloud-model-not-pulled"]


def test_a_pulled_cloud_model_is_fine():
    text = "ollama:\n  model: gpt-oss:120b-cloud\n"
    assert check_document(text, FileKind.YAML, [*INSTALLED, "gpt-oss:120b-cloud"]) == []


# -- switches and the table itself ------------------------------------------------------------


def test_rules_and_tools_can_be_switched_off():
    text = "ollama:\n  models:\n    pull: [llama3.2]\nllm: ollama/llama3.2\n"
    assert len(names(text, FileKind.YAML)) == 2
    assert [r for _, _, r in names(text, FileKind.YAML, disabled={"helm"})] == ["provider prefix"]
    assert [r for _, _, r in names(text, FileKind.YAML, disabled={"provider-prefix"})] == ["Ollama Helm chart"]


def test_tool_table():
    assert len({tool.id for tool in TOOLS}) == len(TOOLS)
    assert path_matches("model_list[].model_name", ("model_list", "[]", "model_name"))
    assert not path_matches("model_list[].model_name", ("model_list", "x", "model_name"))
    assert tool_of_file("file:///home/me/.continue/config.yaml").id == "continue"
    assert tool_of_file("/srv/chart/values.yaml").id == "helm"
    assert tool_of_file("/p/notes.yaml") is None


@pytest.mark.parametrize(
    ("url", "ours"),
    [
        ("http://localhost:11434", True), ("http://127.0.0.1:11434/v1", True), ("ollama:11434", True),
        ("http://ollama/v1", True), ("https://my-ollama.internal", True), ("https://api.openai.com/v1", False),
        ("http://localhost:8080", False), ("not a url", False), ("http://[::1", False),
    ],
)
def test_ollama_urls(url, ours):
    assert is_ollama_url(url) is ours
