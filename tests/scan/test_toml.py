"""TOML: tables, dotted keys, arrays of tables, inline tables, half-typed values."""

import pytest
from ollama_ls.scan import FileKind, scan, slot_at
from scanhelp import text_in


def found(text, model_keys=()):
    slots = scan(text, FileKind.TOML, model_keys)
    for slot in slots:
        assert text_in(text, slot.range) == slot.value
    return [(s.key, s.value, s.kind) for s in slots]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('[ollama]\nmodel = "llama3"\n', [("model", "llama3", "chat")], id="ollama-table"),
        pytest.param(
            '[llm]\nprovider = "ollama"\nmodel = "x"\n', [("model", "x", "chat")], id="provider-sibling"
        ),
        pytest.param('ollama.model = "x"\n', [("model", "x", "chat")], id="dotted-key"),
        pytest.param(
            "[tool.ollama]\nembed_model = 'bge-m3'\n",
            [("embed_model", "bge-m3", "embedding")],
            id="nested-header-literal",
        ),
        pytest.param(
            '[llm]\nllm.provider = "ollama"\nllm.model = "x"\n',
            [("model", "x", "chat")],
            id="dotted-siblings",
        ),
        pytest.param(
            '[[servers]]\nprovider = "ollama"\nmodel = "a"\n[[servers]]\nprovider = "openai"\nmodel = "b"\n',
            [("model", "a", "chat")],
            id="array-of-tables",
        ),
        pytest.param('x = {provider = "ollama", model = "b"}\n', [("model", "b", "chat")], id="inline-table"),
        pytest.param(
            "[ollama]\nmodels = [\"a\", 'b']\n",
            [("models", "a", "any"), ("models", "b", "any")],
            id="array",
        ),
        pytest.param(
            '[ollama]\n"model" = """llama3"""\n',
            [("model", "llama3", "chat")],
            id="quoted-key-multiline-string",
        ),
    ],
)
def test_finds_model_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('[openai]\nmodel = "gpt-4o"\n', id="openai-table"),
        pytest.param('[llm]\nprovider = "openai"\nmodel = "gpt-4o"\n', id="openai-provider"),
        pytest.param('model = "x"\n', id="no-context"),
        pytest.param('[ollama]\nmodel = 3\nhost = "h"\n', id="not-a-string"),
    ],
)
def test_ignores_other_values(text):
    assert found(text) == []


def test_utf16_range_after_emoji():
    text = '[ollama]\nmodel = "😀x"\n'
    [slot] = scan(text, FileKind.TOML)
    assert slot.value == "😀x"
    assert (slot.range.start.character, slot.range.end.character) == (9, 12)


HALF_TYPED = [
    pytest.param('[llm]\nprovider = "ollama"\nmodel = ', 2, 8, "", id="empty-at-eof"),
    pytest.param('[llm]\nprovider = "ollama"\nmodel = "lla', 2, 12, "lla", id="unclosed"),
    pytest.param(
        '[llm]\nprovider = "ollama"\nmodel = "lla\nhost = "h"\n', 2, 12, "lla", id="unclosed-mid-file"
    ),
    pytest.param('[llm]\nprovider = "ollama"\nmodel = ""', 2, 9, "", id="empty-quotes"),
    pytest.param('[ollama]\nmodels = ["a", "b', 1, 17, "b", id="unclosed-array"),
]


@pytest.mark.parametrize(("text", "line", "character", "value"), HALF_TYPED)
def test_slot_at_half_typed(text, line, character, value):
    slot = slot_at(text, FileKind.TOML, line, character)
    assert slot is not None
    assert slot.value == value
    assert slot.range.end.character == character
    assert text_in(text, slot.range) == value


def test_value_being_typed_with_more_lines_below():
    text = '[ollama]\nmodel = \ntemperature = 0.2\n'
    slot = slot_at(text, FileKind.TOML, 1, 8)
    assert slot is not None and slot.value == "" and slot.quoted is False
    assert (slot.range.start.line, slot.range.start.character) == (1, 8)
