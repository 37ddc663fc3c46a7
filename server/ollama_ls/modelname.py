"""Ollama's model-name rules, ported from `types/model/name.go` and `internal/modelref`.

A name has the form `[scheme://][host/][namespace/]model[:tag]`. Missing parts take the defaults
`registry.ollama.ai`, `library` and `latest`; an empty part next to a separator is "missing" and
makes the name invalid. The server compares names case-insensitively, part by part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"
DEFAULT_SCHEME = "https"
MISSING_PART = "!MISSING!"

_MAX_LENGTH = {"host": 350, "namespace": 80, "model": 80, "tag": 80}
# A part that `_part_problem` accepts, in one regex match (it walks the part character by
# character to say what is wrong).
_VALID_PART = {
    "host": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]*"),
    "namespace": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*"),
    "model": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*"),
    "tag": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*"),
}


class ModelRefError(ValueError):
    """A model reference Ollama refuses before parsing (empty, or both :local and :cloud)."""


@dataclass(frozen=True)
class ModelName:
    host: str = ""
    namespace: str = ""
    model: str = ""
    tag: str = ""
    scheme: str = ""
    # Whether the tag was written out (`llama3:latest`) or filled in (`llama3`).
    explicit_tag: bool = field(default=False, compare=False)

    def is_valid(self) -> bool:
        return self.first_problem() is None

    def first_problem(self) -> str | None:
        """Why the name is invalid, in words a user can act on; None when it is valid."""
        for kind in ("host", "namespace", "model", "tag"):
            part = getattr(self, kind)
            if part and len(part) <= _MAX_LENGTH[kind] and _VALID_PART[kind].fullmatch(part):
                continue
            problem = _part_problem(kind, part)
            if problem:
                return problem
        return None

    def __str__(self) -> str:
        return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"

    def display_shortest(self) -> str:
        """The name as `ollama list` shows it: defaults dropped, the tag always kept."""
        if self.host.lower() != DEFAULT_HOST:
            prefix = f"{self.host}/{self.namespace}/"
        elif self.namespace.lower() != DEFAULT_NAMESPACE:
            prefix = f"{self.namespace}/"
        else:
            prefix = ""
        return f"{prefix}{self.model}:{self.tag}"

    def key(self) -> str:
        """A comparison key: two names are the same model when their keys are equal."""
        return str(self).lower()


def parse_name_bare(raw: str) -> ModelName:
    """Split a name into its parts without filling in defaults (Go `ParseNameBare`)."""
    rest, tag = raw, ""
    if raw.rfind(":") > raw.rfind("/"):
        rest, tag, _ = _cut_promised(raw, ":")

    rest, model, found = _cut_promised(rest, "/")
    if not found:
        return ModelName(model=rest, tag=tag)

    rest, namespace, found = _cut_promised(rest, "/")
    if not found:
        return ModelName(namespace=rest, model=model, tag=tag)

    scheme, sep, host = rest.partition("://")
    if not sep:
        scheme, host = "", scheme
    return ModelName(host=host, namespace=namespace, model=model, tag=tag, scheme=scheme)


@lru_cache(maxsize=8192)  # a team server lists ~1,000 names; a large file repeats its own
def parse_name(raw: str) -> ModelName:
    """Parse a name and fill in Ollama's defaults (Go `ParseName`)."""
    bare = parse_name_bare(raw)
    return ModelName(
        host=bare.host or DEFAULT_HOST,
        namespace=bare.namespace or DEFAULT_NAMESPACE,
        model=bare.model,
        tag=bare.tag or DEFAULT_TAG,
        scheme=bare.scheme or DEFAULT_SCHEME,
        explicit_tag=bool(bare.tag),
    )


def strip_source_suffix(raw: str) -> tuple[str, str | None]:
    """Remove a `:cloud`/`:local` suffix or a `-cloud` tag ending; return (base, source).

    Raises ModelRefError with Ollama's own message for an empty name or for both suffixes.
    """
    value = raw.strip()
    if not value:
        raise ModelRefError("model is required")
    source: str | None = None
    head, sep, last = value.rpartition(":")
    if sep and last.lower() in ("cloud", "local"):
        value, source = head, last.lower()
        if value.rpartition(":")[2].lower() in ("cloud", "local"):
            raise ModelRefError(f'use either :local or :cloud, not both: "{raw}"')
    head, sep, tag = value.rpartition(":")
    if sep and "/" not in tag and tag.lower().endswith("-cloud"):
        if source == "local":
            raise ModelRefError(f'use either :local or :cloud, not both: "{raw}"')
        value, source = f"{head}:{tag[: -len('-cloud')]}", "cloud"
    return value, source


# What to do about a cloud model the server cannot use yet: one wording for hover, diagnostics,
# generation errors and the CLI.
CLOUD_SIGN_IN = (
    "Ollama Cloud models run on ollama.com and need the Ollama server signed in: run "
    "`ollama signin` on the machine that runs Ollama"
)


# What to do about a cloud model on a server that refuses them (OLLAMA_NO_CLOUD): hover, errors
# and diagnostics say it the same way.
CLOUD_DISABLED = (
    "Ollama Cloud models are disabled on this Ollama server (OLLAMA_NO_CLOUD, or "
    "disable_ollama_cloud in its server.json): use a local model, or enable cloud there and "
    "run `ollama signin`"
)


def is_cloud_name(name: str) -> bool:
    """`gpt-oss:120b-cloud`, `kimi-k2:cloud`: a model Ollama runs on ollama.com."""
    try:
        return strip_source_suffix(name)[1] == "cloud"
    except ModelRefError:
        return False


def model_key(name: str) -> str:
    """The key two names share when the server resolves them to the same model
    (`llama3.2` and `registry.ollama.ai/library/llama3.2:latest`)."""
    return parse_name(name.strip()).key()


def same_model(a: str, b: str) -> bool:
    """True when two names refer to the same model, as the server resolves them."""
    return model_key(a) == model_key(b)


def _cut_promised(value: str, sep: str) -> tuple[str, str, bool]:
    index = value.rfind(sep)
    if index < 0:
        return value, "", False
    before, after = value[:index], value[index + len(sep) :]
    return before or MISSING_PART, after or MISSING_PART, True


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _part_problem(kind: str, part: str) -> str | None:
    if part == MISSING_PART or not part:
        return f"the {kind} is empty"
    if len(part) > _MAX_LENGTH[kind]:
        return f"the {kind} is longer than {_MAX_LENGTH[kind]} characters"
    if not _is_word_char(part[0]):
        return f"the {kind} {part!r} must start with a letter, a digit or '_'"
    for char in part[1:]:
        if char in "_-" or _is_word_char(char):
            continue
        if char == "." and kind != "namespace":
            continue
        if char == ":" and kind == "host":
            continue
        return f"the {kind} {part!r} may not contain {char!r}"
    return None
