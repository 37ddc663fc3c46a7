"""YAML: which values are Ollama model names, in whole and half-typed documents."""

import pytest
from ollama_ls.scan import FileKind, scan, slot_at
from scanhelp import text_in


def found(text, model_keys=()):
    slots = scan(text, FileKind.YAML, model_keys)
    for slot in slots:
        assert text_in(text, slot.range) == slot.value
        assert slot.file_kind is FileKind.YAML
    return [(s.key, s.value, s.kind) for s in slots]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ollama:\n  model: llama3.2\n", [("model", "llama3.2", "chat")], id="ollama-section"),
        pytest.param(
            "llm:\n  provider: ollama\n  model: 'qwen3:0.6b'\n",
            [("model", "qwen3:0.6b", "chat")],
            id="provider-sibling-single-quoted",
        ),
        pytest.param(
            'llm:\n  type: Ollama_Chat\n  model_name: "llama3:8b"\n',
            [("model_name", "llama3:8b", "chat")],
            id="type-ollama-chat-double-quoted",
        ),
        pytest.param(
            "backend: ollama\nchatModel: mistral\n", [("chatModel", "mistral", "chat")], id="camel-case"
        ),
        pytest.param("ollama_model: llama3\n", [("ollama_model", "llama3", "chat")], id="key-names-ollama"),
        pytest.param(
            "embeddings:\n  provider: ollama\n  model: nomic-embed-text\n",
            [("model", "nomic-embed-text", "embedding")],
            id="embedding-by-ancestor",
        ),
        pytest.param(
            "ollama:\n  embedding_model: mxbai-embed-large\n  chat_model: llama3\n",
            [("embedding_model", "mxbai-embed-large", "embedding"), ("chat_model", "llama3", "chat")],
            id="embedding-by-key",
        ),
        pytest.param(
            "x: {provider: ollama, model: 'a', models: [b, \"c\"]}\n",
            [("model", "a", "chat"), ("models", "b", "any"), ("models", "c", "any")],
            id="flow-style",
        ),
        pytest.param(
            "ollama:\n  models:\n    - llama3\n    - qwen3:4b\n",
            [("models", "llama3", "any"), ("models", "qwen3:4b", "any")],
            id="block-list",
        ),
        pytest.param(
            "models:\n  - provider: ollama\n    model: llama3\n  - provider: openai\n    model: gpt-4o\n",
            [("model", "llama3", "chat")],
            id="list-of-mappings",
        ),
        pytest.param(
            # mem0: the provider is declared one level above the model
            "llm:\n  provider: ollama\n  config:\n    model: llama3.1\nembedder:\n  provider: ollama\n"
            "  config:\n    model: nomic-embed-text\n",
            [("model", "llama3.1", "chat"), ("model", "nomic-embed-text", "embedding")],
            id="mem0-nested-config",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n      OLLAMA_MODEL: llama3\n      OLLAMA_MODELS: /data\n",
            [("OLLAMA_MODEL", "llama3", "chat")],
            id="compose-environment-mapping",
        ),
        pytest.param(
            "services:\n  app:\n    environment:\n      - OLLAMA_EMBED_MODEL=nomic-embed-text\n"
            "      - OTHER_MODEL=x\n      - OPENAI_MODEL=gpt-4o\n      - OLLAMA_MODELS=/data\n",
            # Beside Ollama's variables a `*_MODEL` is Ollama's; one named after another
            # provider never is.
            [("OLLAMA_EMBED_MODEL", "nomic-embed-text", "embedding"), ("OTHER_MODEL", "x", "chat")],
            id="compose-environment-list",
        ),
        pytest.param(
            "---\nollama:\n  model: a\n---\nollama:\n  model: b\n",
            [("model", "a", "chat"), ("model", "b", "chat")],
            id="two-documents",
        ),
        pytest.param(
            "ollama:\n  model: &m llama3 # the default\n",
            [("model", "llama3", "chat")],
            id="anchor-and-comment",
        ),
    ],
)
def test_finds_model_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("openai:\n  model: gpt-4o\n", id="openai-section"),
        pytest.param("llm:\n  provider: openai\n  model: gpt-4o\n", id="openai-provider"),
        pytest.param("model: gpt-4o\n", id="no-context"),
        pytest.param("ollama:\n  host: http://localhost:11434\n  keep_alive: 5m\n", id="no-model-key"),
        pytest.param(
            "provider: ollama\nopenai:\n  model: gpt-4o\n", id="other-provider-section-ends-context"
        ),
        pytest.param(
            "ollama:\n  llm:\n    provider: anthropic\n    model: claude\n", id="explicit-provider-wins"
        ),
        pytest.param("ollama:\n  model: null\n  chat_model: ~\n  embed_model:\n", id="nulls-and-empty"),
        pytest.param("ollama:\n  supermodel: x\n  models: just-a-string\n", id="not-model-keys"),
        pytest.param("ollama:\n  model:\n    name: llama3\n", id="mapping-value"),
    ],
)
def test_ignores_other_values(text):
    assert found(text) == []


def test_type_key_that_is_not_a_provider_keeps_the_ollama_context():
    assert found("ollama:\n  type: chat\n  model: llama3\n") == [("model", "llama3", "chat")]


def test_user_model_keys():
    text = "ollama:\n  default_llm: llama3\n  llm: qwen3\n"
    assert found(text) == []
    assert found(text, model_keys=["default_llm", "LLM"]) == [
        ("default_llm", "llama3", "chat"),
        ("llm", "qwen3", "chat"),
    ]


def test_utf16_range_after_emoji():
    text = "ollama: {note: 😀, model: 'llama3:8b'}\n"
    [slot] = scan(text, FileKind.YAML)
    # "ollama: {note: " is 15 units, the emoji 2, ", model: '" 10
    assert (slot.range.start.character, slot.range.end.character) == (27, 36)
    assert slot.quoted


HALF_TYPED = [
    # (document, cursor line, cursor character, expected value, expected start character)
    pytest.param("ollama:\n  model: lla", 1, 12, "lla", 9, id="partial-at-end"),
    pytest.param("ollama:\n  model: ", 1, 9, "", 9, id="empty-at-end"),
    pytest.param("ollama:\n  model:   ", 1, 10, "", 10, id="empty-cursor-among-blanks"),
    pytest.param("ollama:\n  model:\n  host: x\n", 1, 8, "", 8, id="empty-no-blank"),
    pytest.param('llm:\n  provider: ollama\n  model: "lla', 2, 13, "lla", 10, id="unclosed-double-quote"),
    pytest.param(
        "llm:\n  provider: ollama\n  model: 'l\nother: 1\n",
        2,
        11,
        "l",
        10,
        id="unclosed-single-quote-mid-file",
    ),
    pytest.param('ollama:\n  model: ""\n', 1, 10, "", 10, id="empty-quotes"),
    pytest.param("ollama:\n  models:\n    - llama3\n    - ", 3, 6, "", 6, id="empty-list-item"),
    pytest.param("ollama:\n  models: [llama3, q", 1, 20, "q", 19, id="unclosed-flow-list"),
    pytest.param("x:\n  - provider: ollama\n    model: ", 2, 11, "", 11, id="list-of-mappings-empty"),
    pytest.param("a:\n  b: 1\n c: 2\nollama:\n  model: lla", 4, 12, "lla", 9, id="bad-indent-earlier"),
    pytest.param("llm:\n  provider: ollama\n  mod\n  model: q", 3, 10, "q", 9, id="stray-line-before"),
]


@pytest.mark.parametrize(("text", "line", "character", "value", "start"), HALF_TYPED)
def test_slot_at_half_typed(text, line, character, value, start):
    slot = slot_at(text, FileKind.YAML, line, character)
    assert slot is not None
    assert slot.value == value
    assert slot.range.start.line == line
    assert slot.range.start.character == (character if value == "" else start)
    assert text_in(text, slot.range) == value


@pytest.mark.parametrize(
    ("line", "character", "hit"),
    [
        (1, 8, False),  # on the colon
        (1, 9, True),  # at the start of the value
        (1, 12, True),  # inside
        (1, 18, True),  # right after the tag
        (1, 19, False),  # after a blank
        (0, 3, False),  # on the parent key
    ],
)
def test_slot_at_cursor_positions(line, character, hit):
    text = "ollama:\n  model: llama3:8b #\n"
    slot = slot_at(text, FileKind.YAML, line, character)
    assert (slot is not None) == hit
    if hit:
        assert slot.value == "llama3:8b"


def test_slot_at_outside_ollama_context_is_none():
    assert slot_at("openai:\n  model: ", FileKind.YAML, 1, 9) is None


def test_yaml_numbers_booleans_and_null_are_never_model_names():
    from ollama_ls.scan import file_kind_for, scan

    kind = file_kind_for("config.yaml", None)
    for literal in ("8192", "3.2", "1e4", "0x1F", "true", "False", "no", "null", "~", ".inf"):
        text = f"llm:\n  provider: ollama\n  model: {literal}\n"
        assert scan(text, kind) == [], literal
    # Quoted, the same characters are a name (Ollama then says whether it exists).
    quoted = scan('llm:\n  provider: ollama\n  model: "8192"\n', kind)
    assert [slot.value for slot in quoted] == ["8192"]
    assert [s.value for s in scan("llm:\n  provider: ollama\n  model: 7b\n", kind)] == ["7b"]
