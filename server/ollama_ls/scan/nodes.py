"""The small document model every structured format is reduced to.

Offsets are UTF-8 byte offsets into the original document.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Scalar:
    """A string value; `start:end` covers its text without quotes.

    An empty value being typed (`model: `) has `start == end`; the user may be typing
    anywhere up to `typing_end` (the end of the blanks after the separator).
    """

    text: str
    start: int
    end: int
    quoted: bool
    typing_end: int | None = None


class Key(str):
    """A mapping key that remembers where it is (`start:end` without quotes), for formats
    whose keys can be model names (opencode's `models` object, aider's metadata)."""

    start: int
    end: int

    @classmethod
    def at(cls, text: str, start: int, end: int) -> "Key":
        key = cls(text)
        key.start, key.end = start, end
        return key

    def as_scalar(self, quoted: bool) -> "Scalar":
        return Scalar(str(self), self.start, self.end, quoted)


@dataclass(slots=True)
class Mapping:
    pairs: list[tuple[str, Node]] = field(default_factory=list)


@dataclass(slots=True)
class Sequence:
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Opaque:
    """A value that is not a string (number, bool, null, block scalar ...). Numbers and booleans
    of JSON and TOML keep their text and place (`start:end`), for the context-length check;
    other values have `start == -1`."""

    text: str = ""
    start: int = -1
    end: int = -1


Node = Scalar | Mapping | Sequence | Opaque


@dataclass(frozen=True)
class Found:
    """A model-name value found by the rules, before positions are computed."""

    key: str
    kind: str  # "chat" | "embedding" | "autocomplete"
    value: Scalar
    rule: str = ""  # why the value is an Ollama model name, for hover


def blank_end(data: bytes, offset: int) -> int:
    """The offset after the spaces and tabs that start at `offset`."""
    while offset < len(data) and data[offset] in b" \t":
        offset += 1
    return offset


def empty_at(data: bytes, offset: int) -> Scalar:
    """An empty value right after a separator that ends at `offset`."""
    return Scalar("", offset, offset, quoted=False, typing_end=blank_end(data, offset))
