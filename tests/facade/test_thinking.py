"""Thinking written into the response text never reaches the answer, however it is chunked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ollama_ls.facade.thinking import ThinkSplitter


def split_all(pieces: list[str]) -> tuple[str, str]:
    splitter = ThinkSplitter()
    answer, thinking = [], []
    for piece in pieces:
        a, t = splitter.feed(piece)
        answer.append(a)
        thinking.append(t)
    answer.append(splitter.flush())
    return "".join(answer), "".join(thinking)


def chunked(text: str, cuts: list[int]) -> list[str]:
    points = sorted({min(c, len(text)) for c in cuts})
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


@given(st.text(st.sampled_from("ab <>/\n"), max_size=20), st.text(st.sampled_from("xy <>\n"), max_size=20),
       st.lists(st.integers(0, 80), max_size=8))
def test_a_leading_think_block_is_moved_out_whatever_the_chunks(thought, answer, cuts):
    thought = thought.replace("</think>", "")
    answer = "A" + answer  # an answer starts with words
    text = f"<think>{thought}</think>\n\n{answer}"
    got_answer, got_thinking = split_all(chunked(text, cuts))
    assert got_thinking == thought
    assert got_answer == answer.lstrip("\r\n")


@given(st.text(st.sampled_from("ab <>/\nk"), max_size=30), st.lists(st.integers(0, 40), max_size=6))
def test_text_without_a_leading_think_block_is_untouched(text, cuts):
    if text.lstrip().startswith("<think>"):
        return
    assert split_all(chunked(text, cuts)) == (text, "")


def test_a_tag_later_in_the_answer_is_text():
    assert split_all(["Use <think> tags like <think>this</think>"]) == ("Use <think> tags like <think>this</think>", "")
