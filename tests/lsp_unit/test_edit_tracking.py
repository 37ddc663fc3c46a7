"""The generated region follows the user's edits exactly as applying them to the text does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from ollama_ls.lsp.edit_tracking import EditConflict, GeneratedRegion, end_after_insert

ALPHABET = st.sampled_from(list("ab \n😀é"))


@st.composite
def scenario(draw):
    """A text, a generated span inside it, and a user edit somewhere."""
    before = draw(st.text(ALPHABET, max_size=30))
    generated = draw(st.text(ALPHABET, min_size=1, max_size=15))
    after = draw(st.text(ALPHABET, max_size=30))
    text = before + generated + after
    start, end = len(before), len(before) + len(generated)
    edit_start = draw(st.integers(0, len(text)))
    edit_end = draw(st.integers(edit_start, min(len(text), edit_start + 10)))
    inserted = draw(st.text(ALPHABET, max_size=10))
    return text, start, end, edit_start, edit_end, inserted


@settings(max_examples=400, deadline=None)
@given(scenario())
def test_an_edit_outside_the_region_moves_it_exactly(case):
    text, start, end, edit_start, edit_end, inserted = case
    region = GeneratedRegion(start=_position(text, start), end=_position(text, end))
    change = types.Range(start=_position(text, edit_start), end=_position(text, edit_end))
    generated = text[start:end]
    touches = not (edit_end <= start or edit_start > end)
    try:
        region.apply_user_change(change, inserted)
    except EditConflict:
        assert touches
        return
    assert not touches
    new_text = text[:edit_start] + inserted + text[edit_end:]
    new_start, new_end = _index(new_text, region.start), _index(new_text, region.end)
    assert new_text[new_start:new_end] == generated


def _position(text: str, index: int) -> types.Position:
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return types.Position(line=line, character=len(text[line_start:index].encode("utf-16-le")) // 2)


def _index(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    index = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for offset_in_line, char in enumerate(lines[position.line] + "\0"):
        if units >= position.character:
            return index + offset_in_line
        units += 2 if ord(char) > 0xFFFF else 1
    raise AssertionError("position past the end of its line")


@given(st.text(ALPHABET, max_size=20), st.integers(0, 5), st.integers(0, 5))
def test_end_after_insert_matches_the_text(inserted, line, character):
    text = ("x" * 5 + "\n") * 6
    at = types.Position(line=line, character=character)
    index = _index(text, at)
    new_text = text[:index] + inserted + text[index:]
    assert _index(new_text, end_after_insert(at, inserted)) == index + len(inserted)
