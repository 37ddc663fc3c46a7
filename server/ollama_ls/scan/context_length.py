"""Context-length settings beside an Ollama model: `num_ctx`, `contextLength`, `context_window`, ...

A value counts when it sits in the same mapping as a model-name slot the rules found, or in the
obvious options object under it (`options`, Continue's `defaultCompletionOptions`, aider's
`extra_params`, ...); a known tool's own key paths (known_tools.py `context`) add keys. Nothing
else is taken: a `context_length` far from any Ollama model is someone else's setting. In a
Modelfile every `PARAMETER num_ctx` is Ollama's, with or without a model in `FROM`.

Pure, like the rest of the scanner: the model's maximum is the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Literal

from .known_tools import TOOLS, parts_match, split_path
from .languages import FileKind
from .nodes import Found, Key, Mapping, Node, Opaque, Scalar, Sequence
from .positions import Range

# Keys that set the context window, compared lower case without `_` and `-`.
CONTEXT_KEYS = frozenset({"numctx", "contextlength", "contextwindow", "modelcontextwindow"})
# Child mappings whose settings belong to the model of their parent.
OPTION_HOLDERS = frozenset(
    {"options", "defaultcompletionoptions", "completionoptions", "extraparams", "litellmparams",
     "modelkwargs", "modeloptions", "parameters", "params", "config", "kwargs", "limit"}
)  # fmt: skip
# Keys that name the model of their mapping when it holds several names (`model` beside
# `weak_model`): the context setting goes with this one.
MAIN_MODEL_KEYS = frozenset({"model", "name", "modelname", "modelid"})

# A cheap look before the walk: most config files never mention a context.
HINT = re.compile(rb"ctx|context|max_tokens", re.IGNORECASE)


def has_hint(data: bytes) -> bool:
    """`HINT.search(data)`, faster (bytes.lower folds ASCII only, as the pattern does)."""
    lower = data.lower()
    return b"ctx" in lower or b"context" in lower or b"max_tokens" in lower

Problem = Literal["not-a-number", "not-whole", "not-positive"]


@dataclass(frozen=True)
class ContextFound:
    """A context-length value found in the document, before positions are computed."""

    key: str
    value: Scalar  # the value as written (`quoted` for a string); offsets into the document
    model: Found | None  # the model slot it goes with


@dataclass(frozen=True)
class ContextSetting:
    key: str  # as written: `num_ctx`, `contextLength`, `max_tokens` (Zed) ...
    text: str  # the value as written, without quotes
    range: Range  # covers `text`
    tokens: int | None  # the number of tokens; None when `problem` is set or it cannot be read
    problem: Problem | None
    model: str | None  # the Ollama model it applies to, as written
    model_range: Range | None
    file_kind: FileKind


_INT = re.compile(r"[+-]?[0-9](?:_?[0-9])*")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?[0-9]+[eE][+-]?[0-9]+")
# Values filled in by the tool or the shell: `${CTX}`, `${{ inputs.ctx }}`, `{{ ctx }}`,
# LiteLLM's `os.environ/CTX`. Not ours to judge.
_PLACEHOLDER = re.compile(r"\$\{|\{\{|^\$[A-Za-z_]|^os\.environ/")
_UNSET = frozenset({"", "null", "~", "none", "nil"})


def read_tokens(text: str) -> tuple[int | None, Problem | None]:
    """(tokens, None) for a usable value; (None, problem) for a wrong one; (None, None) for one
    that is unset or filled in elsewhere. Floats with a whole value count, as Ollama truncates."""
    value = text.strip()
    if value.lower() in _UNSET or _PLACEHOLDER.search(value):
        return None, None
    if _INT.fullmatch(value):
        tokens = int(value.replace("_", ""))
    elif _FLOAT.fullmatch(value):
        number = float(value)
        if not number.is_integer():
            return None, "not-whole"
        tokens = int(number)
    else:
        return None, "not-a-number"
    if tokens <= 0:
        return None, "not-positive"
    return tokens, None


def _compact(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def is_context_key(key: str) -> bool:
    return _compact(key.rsplit(".", 1)[-1]) in CONTEXT_KEYS


class _Walk:
    def __init__(self, found: Seq[Found], disabled: frozenset[str]) -> None:
        # By the end of the value: a slot's value starts after any `ollama/` prefix, the node's
        # text before it.
        self.by_end = {f.value.end: f for f in found}
        self.tool_paths = [split_path(p) for t in TOOLS if t.id not in disabled for p in t.context]
        self.out: list[ContextFound] = []

    def walk(self, node: Node, path: tuple[str, ...], model: Found | None) -> None:
        if isinstance(node, Sequence):
            for item in node.items:
                self.walk(item, (*path, "[]"), None)
        elif isinstance(node, Mapping):
            self._mapping(node, path, model)

    def _mapping(self, node: Mapping, path: tuple[str, ...], inherited: Found | None) -> None:
        model = self._model_of(node) or inherited
        for key, value in node.pairs:
            keys = (*path, key)
            if is_context_key(key) or any(parts_match(p, keys) for p in self.tool_paths):
                scalar = _as_scalar(value)
                if scalar is not None and model is not None:  # beside no Ollama model: not ours
                    self.out.append(ContextFound(str(key), scalar, model))
                continue
            if isinstance(value, Mapping):
                child: Found | None = None
                if isinstance(key, Key) and key.end in self.by_end:
                    child = self.by_end[key.end]  # opencode: the model name is the key
                elif _compact(key) in OPTION_HOLDERS:
                    child = model
                self.walk(value, keys, child)
            elif isinstance(value, Sequence):
                self.walk(value, keys, None)

    def _model_of(self, node: Mapping) -> Found | None:
        names = [
            (key, self.by_end[value.end])
            for key, value in node.pairs
            if isinstance(value, Scalar) and value.end in self.by_end
        ]
        if not names:
            return None
        main = [f for key, f in names if _compact(key) in MAIN_MODEL_KEYS]
        return (main or [names[0][1]])[0]


def _as_scalar(value: Node) -> Scalar | None:
    if isinstance(value, Scalar):
        return value
    if isinstance(value, Opaque) and value.start >= 0:
        return Scalar(value.text, value.start, value.end, quoted=False)
    return None


def find_contexts(
    roots: Seq[Node], found: Seq[Found], disabled: frozenset[str] = frozenset()
) -> list[ContextFound]:
    """The context-length values of a structured document, each with the model it goes with."""
    walk = _Walk(found, disabled)
    for root in roots:
        walk.walk(root, (), None)
    return sorted(walk.out, key=lambda c: c.value.start)
