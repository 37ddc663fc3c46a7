"""Thinking that arrives inside the answer: some models write `<think>…</think>` into the
response text instead of Ollama's separate `thinking` field. The splitter moves it out, even
when a tag is cut across chunks, so that it is never written into a user's file."""

from __future__ import annotations

OPEN, CLOSE = "<think>", "</think>"


class ThinkSplitter:
    def __init__(self) -> None:
        self._inside = False
        self._held = ""  # a possible start of a tag, kept until the next chunk decides
        self._seen_text = False
        self._thought = False  # a think block came before the answer

    def feed(self, text: str) -> tuple[str, str]:
        """(answer, thinking) of the next piece of response text."""
        text = self._held + text
        self._held = ""
        answer: list[str] = []
        thinking: list[str] = []
        while text:
            tag = CLOSE if self._inside else OPEN
            at = text.find(tag)
            if at == -1:
                keep = _partial_tag_at_end(text, tag)
                body, self._held = text[: len(text) - keep], text[len(text) - keep :]
                if self._inside:
                    thinking.append(body)
                elif body:
                    self._emit(body, answer)
                break
            before, text = text[:at], text[at + len(tag) :]
            if self._inside:
                thinking.append(before)
                self._inside = False
                self._thought = True
            elif before.strip() or self._seen_text:
                self._emit(before + tag, answer)  # a tag in the middle of the answer is text
            else:
                self._inside = True
        return "".join(answer), "".join(thinking)

    def flush(self) -> str:
        """What is held back at the end of the stream (a lone `<thi` is text after all)."""
        held, self._held = self._held, ""
        return "" if self._inside else held

    def _emit(self, text: str, answer: list[str]) -> None:
        if self._thought and not self._seen_text:
            text = text.lstrip("\r\n")  # the blank lines a model puts after its thinking
        answer.append(text)
        self._seen_text = self._seen_text or bool(text.strip())


def _partial_tag_at_end(text: str, tag: str) -> int:
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0
