"""scan and slot_at never raise, and every range covers exactly its value."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ollama_ls.scan import FileKind, modelfile, scan, slot_at
from scanhelp import lsp_lines, text_in

# Arbitrary text, and text built from the pieces these formats are made of.
PIECES = st.sampled_from(
    [
        "model", "models", "provider", "ollama", "openai", "embed_model", "OLLAMA_MODEL", "FROM", "PARAMETER",
        "temperature", ":", ": ", "=", " = ", ",", "[", "]", "{", "}", '"', "'", '"""', "-", "- ", "#", "//",
        "\n", "\r\n", "\r", "  ", "\t", "llama3:8b", "😀", "é", "\\", "---", "./x.gguf", "export ", "[[", "]]",
    ]
)  # fmt: skip
SEEDS = [
    "llm:\n  provider: ollama\n  model: 'llama3:8b'\n  models: [a, \"b\"]\nembeddings:\n  ollama:\n    - model: x\n",
    '// c\n{"models": [{"provider": "ollama", "model": "😀llama3"}], "ollama": {"embed_model": "e"}}',
    '[ollama]\nmodel = "llama3"\n[[x]]\nprovider = "ollama"\nmodels = ["a", \'b\']\ny = {model = "c"}\n',
    'OLLAMA_HOST=h\nexport CHAT_MODEL="qwen3:8b" # c\nEMBED_MODEL=é\n',
    'FROM llama3\nPARAMETER temperature hot\nSYSTEM """\nFROM x\n"""\nFROM "q"\n',
]


@st.composite
def edited_seeds(draw):
    """A real document cut short and with pieces typed into it: half-typed text."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(PIECES) + text[at:]
    return text[: draw(st.integers(0, len(text)))]


TEXTS = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=60).map("".join), edited_seeds())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, kind=st.sampled_from(list(FileKind)))
def test_scan_never_raises_and_ranges_hold_their_values(text, kind):
    lines = lsp_lines(text)
    for slot in scan(text, kind, model_keys=["llm"]):
        assert slot.value
        assert 0 <= slot.range.start.line < len(lines)
        assert slot.range.start <= slot.range.end
        assert text_in(text, slot.range) == slot.value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, kind=st.sampled_from(list(FileKind)), data=st.data())
def test_slot_at_never_raises(text, kind, data):
    lines = lsp_lines(text)
    line = data.draw(st.integers(0, len(lines)))
    character = data.draw(st.integers(0, 2 * len(lines[line]) + 1 if line < len(lines) else 3))
    slot = slot_at(text, kind, line, character)
    if slot is not None:
        assert text_in(text, slot.range) == slot.value


@settings(max_examples=200, deadline=None)
@given(text=TEXTS)
def test_modelfile_helpers_never_raise(text):
    for finding in modelfile.check(text):
        assert text_in(text, finding.range)
    modelfile.completion_context(text, 0, 3)
