""".env files: *_MODEL keys, when the key or the file names Ollama."""

import pytest
from ollama_ls.scan import FileKind, scan, slot_at
from scanhelp import text_in


def found(text, model_keys=()):
    slots = scan(text, FileKind.DOTENV, model_keys)
    for slot in slots:
        assert text_in(text, slot.range) == slot.value
    return [(s.key, s.value, s.kind, s.quoted) for s in slots]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("OLLAMA_MODEL=llama3\n", [("OLLAMA_MODEL", "llama3", "chat", False)], id="plain"),
        pytest.param(
            'export OLLAMA_EMBED_MODEL = "nomic-embed-text"  # emb\n',
            [("OLLAMA_EMBED_MODEL", "nomic-embed-text", "embedding", True)],
            id="export-quoted-comment",
        ),
        pytest.param(
            "OLLAMA_HOST=http://gpu:11434\nCHAT_MODEL=qwen3:8b # fast\nEMBED_MODEL='bge-m3'\n",
            [("CHAT_MODEL", "qwen3:8b", "chat", False), ("EMBED_MODEL", "bge-m3", "embedding", True)],
            id="file-has-ollama-key",
        ),
        pytest.param(
            "LLM_BASE_URL=http://ollama:11434\nLLM_MODEL=llama3\n",
            [("LLM_MODEL", "llama3", "chat", False)],
            id="file-has-ollama-value",
        ),
        pytest.param("\r\nOLLAMA_MODEL=a\r\n", [("OLLAMA_MODEL", "a", "chat", False)], id="crlf"),
    ],
)
def test_finds_model_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("OPENAI_MODEL=gpt-4o\nOPENAI_API_KEY=x\n", id="openai-file"),
        pytest.param("OLLAMA_MODELS=/data/models\n", id="models-dir"),
        pytest.param("OLLAMA_HOST=0.0.0.0\n# OLLAMA_MODEL=llama3\n", id="comment"),
        pytest.param("OLLAMA_MODEL=\n", id="empty"),
    ],
)
def test_ignores_other_values(text):
    assert found(text) == []


def test_user_model_keys():
    assert found("OLLAMA_HOST=h\nLLM=llama3\n", ["llm"]) == [("LLM", "llama3", "chat", False)]


def test_utf16_range():
    text = "# 😀\nOLLAMA_MODEL=😀x\n"
    [slot] = scan(text, FileKind.DOTENV)
    assert (slot.range.start.character, slot.range.end.character) == (13, 16)


@pytest.mark.parametrize(
    ("text", "character", "value", "start"),
    [
        ("OLLAMA_MODEL=", 13, "", 13),
        ("OLLAMA_MODEL= ", 14, "", 14),
        ("OLLAMA_MODEL=lla", 16, "lla", 13),
        ("OLLAMA_MODEL=lla", 13, "lla", 13),
        ('OLLAMA_MODEL="ll', 16, "ll", 14),
        ('OLLAMA_MODEL=""', 14, "", 14),
    ],
)
def test_slot_at(text, character, value, start):
    slot = slot_at(text, FileKind.DOTENV, 0, character)
    assert slot is not None
    assert (slot.value, slot.range.start.character) == (value, start)


def test_slot_at_on_the_key_is_none():
    assert slot_at("OLLAMA_MODEL=x", FileKind.DOTENV, 0, 3) is None
