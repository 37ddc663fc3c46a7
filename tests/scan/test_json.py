"""JSON and JSONC: model names in objects, comments allowed, half-typed strings."""

import pytest
from ollama_ls.scan import FileKind, scan, slot_at
from scanhelp import text_in


def found(text, model_keys=()):
    slots = scan(text, FileKind.JSON, model_keys)
    for slot in slots:
        assert text_in(text, slot.range) == slot.value
        assert slot.quoted
    return [(s.key, s.value, s.kind) for s in slots]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '{"provider": "ollama", "model": "llama3"}', [("model", "llama3", "chat")], id="sibling"
        ),
        pytest.param(
            '{"models": [{"title": "L", "provider": "ollama", "model": "llama3.1:8b"},\n'
            ' {"title": "G", "provider": "openai", "model": "gpt-4o"}],\n'
            ' "embeddingsProvider": {"provider": "ollama", "model": "nomic-embed-text"}}',
            [("model", "llama3.1:8b", "chat"), ("model", "nomic-embed-text", "embedding")],
            id="continue-config",
        ),
        pytest.param(
            '// settings\n{\n  /* ollama */ "ollama.model": "qwen3", // trailing\n  "ollama.embedModel": "bge-m3",\n}',
            [("ollama.model", "qwen3", "chat"), ("ollama.embedModel", "bge-m3", "embedding")],
            id="jsonc-dotted-settings",
        ),
        pytest.param(
            '{"ollama": {"models": ["a", "b:1b"]}}',
            [("models", "a", "any"), ("models", "b:1b", "any")],
            id="list",
        ),
        pytest.param(
            '{"OLLAMA_MODEL": "llama3"}', [("OLLAMA_MODEL", "llama3", "chat")], id="key-names-ollama"
        ),
        pytest.param(
            '[{"type": "ollama", "modelName": "phi4"}]', [("modelName", "phi4", "chat")], id="array-root"
        ),
    ],
)
def test_finds_model_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"openai": {"model": "gpt-4o"}}', id="openai-section"),
        pytest.param('{"provider": "openai", "model": "gpt-4o"}', id="openai-provider"),
        pytest.param('{"model": "llama3"}', id="no-context"),
        pytest.param('{"ollama": {"model": 3, "chat_model": null, "embed_model": true}}', id="not-strings"),
        pytest.param('{"ollama": {"keep_alive": "5m"}}', id="no-model-key"),
    ],
)
def test_ignores_other_values(text):
    assert found(text) == []


def test_user_model_keys():
    assert found('{"ollama": {"llm": "x"}}', ["llm"]) == [("llm", "x", "chat")]


def test_utf16_range_after_emoji():
    text = '{"😀": 1, "provider": "ollama", "model": "llama3"}'
    [slot] = scan(text, FileKind.JSON)
    assert slot.range.start.character == text.index("llama3") + 1  # the emoji is 2 units, 1 str char


HALF_TYPED = [
    pytest.param('{"provider": "ollama", "model": "lla', 0, 36, "lla", 33, True, id="unclosed-at-eof"),
    pytest.param('{"provider": "ollama", "model": "', 0, 33, "", 33, True, id="open-quote-at-eof"),
    pytest.param(
        '{"provider": "ollama", "model": "|"}'.replace("|", ""), 0, 33, "", 33, True, id="empty-quotes"
    ),
    pytest.param('{"provider": "ollama", "model": ', 0, 32, "", 32, False, id="no-value-at-eof"),
    pytest.param('{"provider": "ollama", "model": \n}', 0, 32, "", 32, False, id="no-value-before-brace"),
    pytest.param(
        '{\n "provider": "ollama",\n "model": "ll\n "x": 1\n}', 2, 13, "ll", 11, True, id="unclosed-mid-file"
    ),
    pytest.param(
        '{\n "provider": "ollama",\n "model": "ll"\n "x": 1\n}', 2, 13, "ll", 11, True, id="missing-comma"
    ),
    pytest.param('{"ollama": {"models": ["a", "b', 0, 30, "b", 29, True, id="unclosed-list"),
]


@pytest.mark.parametrize(("text", "line", "character", "value", "start", "quoted"), HALF_TYPED)
def test_slot_at_half_typed(text, line, character, value, start, quoted):
    slot = slot_at(text, FileKind.JSON, line, character)
    assert slot is not None
    assert (slot.value, slot.quoted) == (value, quoted)
    assert (slot.range.start.line, slot.range.start.character) == (line, character if value == "" else start)
    assert text_in(text, slot.range) == value


@pytest.mark.parametrize(
    ("character", "hit"), [(31, False), (32, False), (33, True), (39, True), (40, False)]
)
def test_slot_at_cursor_positions(character, hit):
    text = '{"provider": "ollama", "model": "llama3"}'
    assert (slot_at(text, FileKind.JSON, 0, character) is not None) == hit
