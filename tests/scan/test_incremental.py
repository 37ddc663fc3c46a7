"""Incremental parsing: after any sequence of edits, the tree parsed from the previous tree and
the slots scanned with it equal those of a full parse of the final text."""

from __future__ import annotations

import ollama_ls.scan as scan_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ollama_ls.scan import FileKind, IncrementalParser, scan
from ollama_ls.scan.incremental import changed_span, point
from ollama_ls.scan.parsing import _parser
from ollama_ls.scan.positions import encode
from test_properties import PIECES, SEEDS

TREE_KINDS = {0: FileKind.YAML, 1: FileKind.JSON, 2: FileKind.TOML}
LARGE = "agents:\n" + "".join(
    f"  - name: a{i}\n    provider: ollama\n    model: m{i}:latest\n    t: 0.{i}\n" for i in range(300)
)


@st.composite
def edit_sequences(draw):
    """A document of one kind and up to 12 edits: pieces typed, spans deleted or replaced."""
    which = draw(st.sampled_from([0, 1, 2]))
    text = draw(st.sampled_from([SEEDS[which], LARGE if which == 0 else SEEDS[which]]))
    texts = [text]
    for _ in range(draw(st.integers(1, 12))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        typed = draw(st.one_of(st.just(""), PIECES, st.lists(PIECES, max_size=4).map("".join)))
        text = text[:start] + typed + text[end:]
        texts.append(text)
    return TREE_KINDS[which], texts


def _fresh(text: str, kind: FileKind):
    scan_module._found_cached.cache_clear()  # a real parse, not the cache of the last one
    return scan(text, kind, model_keys=["llm"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=edit_sequences())
def test_incremental_parse_equals_a_full_parse(sequence):
    kind, texts = sequence
    state = IncrementalParser()
    for text in texts:
        scan_module._found_cached.cache_clear()
        incremental = scan(text, kind, model_keys=["llm"], incremental=state)
        assert incremental == _fresh(text, kind)
        if state.tree is not None and state.data == encode(text):
            full = _parser(kind).parse(encode(text))
            assert str(state.tree.root_node) == str(full.root_node)
    assert state.reused > 0 or all(t == texts[0] for t in texts) or state.tree is None


def test_the_old_tree_is_reused_for_a_one_character_edit():
    state = IncrementalParser()
    scan(LARGE, FileKind.YAML, incremental=state)
    edited = LARGE.replace("m7:latest", "m77:latest", 1)
    slots = scan(edited, FileKind.YAML, incremental=state)
    assert state.reused == 1 and any(slot.value == "m77:latest" for slot in slots)
    assert slots == _fresh(edited, FileKind.YAML)


def test_a_document_past_the_limits_never_reaches_the_parser():
    state = IncrementalParser()
    scan("a:\n  model: x\n", FileKind.YAML, incremental=state)
    deep = "".join("  " * i + f"k{i}:\n" for i in range(260))
    assert scan(deep, FileKind.YAML, incremental=state) == []
    assert state.data == encode("a:\n  model: x\n")  # the guard stopped it before tree-sitter


def test_changed_span_and_points():
    assert changed_span(b"abcdef", b"abXdef") == (2, 3, 3)
    assert changed_span(b"abc", b"abcabc") == (3, 3, 6)
    assert changed_span(b"aaaa", b"aa") == (2, 4, 2)
    big = b"x" * 10_000
    assert changed_span(big, big[:5000] + b"y" + big[5000:]) == (5000, 5000, 5001)
    assert changed_span(b"q" + big, b"r" + big) == (0, 1, 1)
    assert point(b"ab\ncd\xc3\xa9f", 8) == (1, 5)  # byte columns
