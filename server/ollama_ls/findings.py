"""What is wrong with the model names in one document: pure, shared by the LSP and `ollama-ls check`.

The findings carry stable codes; the severity says how sure we are. Nothing about a model's
presence is said while the installed list is unknown (server down): no false alarms.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ollama_ls.modelname import ModelRefError, parse_name, strip_source_suffix, model_key
from ollama_ls.scan import FileKind, Slot, limit_problem, modelfile, scan
from ollama_ls.scan.positions import Position, Range, encode

Severity = Literal["error", "warning", "information"]

INVALID_MODEL_NAME = "invalid-model-name"
MODEL_NOT_INSTALLED = "model-not-installed"
TAG_MISMATCH = "tag-mismatch"
CAPABILITY_MISMATCH = "capability-mismatch"
CLOUD_MODEL_NOT_PULLED = "cloud-model-not-pulled"
NOT_CHECKED = "not-checked"  # past the scanner's size or nesting limits
# Modelfile findings keep the scanner's codes: unknown-parameter, invalid-value, missing-value.


@dataclass(frozen=True)
class Finding:
    range: Range
    severity: Severity
    code: str
    message: str
    model: str | None = None
    # Installed names a quick fix may offer instead, best first.
    alternatives: tuple[str, ...] = field(default=())


def closest_installed(name: str, installed: Sequence[str], limit: int = 3) -> list[str]:
    """Installed names closest to `name`: same model with another tag first, then by spelling."""
    return list(_closest(name.strip(), installed_index(installed), limit))


class InstalledIndex:
    """The installed names, parsed once: by comparison key and by model family (host, namespace,
    model). Built once per model-list version (`installed_index` caches it), not per reference."""

    __slots__ = ("names", "by_key", "by_family", "__weakref__")

    def __init__(self, names: Sequence[str]) -> None:
        self.names: tuple[str, ...] = tuple(names)
        self.by_key: dict[str, str] = {}
        self.by_family: dict[tuple[str, str, str], list[str]] = {}
        for candidate in self.names:
            parsed = parse_name(candidate.strip())
            self.by_key[parsed.key()] = candidate
            family = (parsed.host.lower(), parsed.namespace.lower(), parsed.model.lower())
            self.by_family.setdefault(family, []).append(candidate)

    def same_family(self, family: tuple[str, str, str], except_key: str) -> list[str]:
        return [c for c in self.by_family.get(family, ()) if model_key(c) != except_key]


def installed_index(installed: Sequence[str] | InstalledIndex) -> InstalledIndex:
    if isinstance(installed, InstalledIndex):
        return installed
    return _index_of(tuple(installed))


@lru_cache(maxsize=8)
def _index_of(installed: tuple[str, ...]) -> InstalledIndex:
    return InstalledIndex(installed)


@lru_cache(maxsize=1024)
def _closest(name: str, index: InstalledIndex, limit: int, spelling: bool = True) -> tuple[str, ...]:
    # A large file names the same few models many times: difflib runs once per name.
    parsed = parse_name(name.strip())
    same_model = index.same_family(_family(name), parsed.key())
    by_spelling = (
        difflib.get_close_matches(name.strip(), list(index.names), n=limit, cutoff=0.4)
        if spelling
        else []
    )
    ordered = list(dict.fromkeys(same_model + by_spelling))
    return tuple(ordered[:limit])


@lru_cache(maxsize=4096)
def _family(name: str) -> tuple[str, str, str]:
    parsed = parse_name(name)
    return parsed.host.lower(), parsed.namespace.lower(), parsed.model.lower()


def check_slot(
    slot: Slot,
    installed: Sequence[str] | InstalledIndex | None,
    capabilities: Mapping[str, Sequence[str]],
    server: str = "the Ollama server",
    spelling: bool = True,
) -> Finding | None:
    """One slot's finding, if any. `capabilities` is keyed by installed name. With `spelling`
    False, the alternatives of a name that is not installed are only its other tags (difflib over
    a long installed list is the costly part; the quick fix looks the rest up when asked)."""
    name = slot.value.strip()
    if not name:
        return None
    try:
        base, source = strip_source_suffix(name)
    except ModelRefError as error:
        return Finding(slot.range, "error", INVALID_MODEL_NAME, str(error), name)
    parsed = parse_name(base)
    problem = parsed.first_problem()
    if problem:
        return Finding(
            slot.range, "error", INVALID_MODEL_NAME, f"invalid model name: {problem}", name
        )
    if installed is None:
        return None
    index = installed_index(installed)
    by_key = index.by_key
    match = by_key.get(model_key(name)) or (None if source else by_key.get(parsed.key()))
    if match is not None:
        return _check_capability(slot, match, capabilities.get(match, ()))
    if source == "cloud":
        return Finding(
            slot.range,
            "warning",
            CLOUD_MODEL_NOT_PULLED,
            f"`{name}` is an Ollama Cloud model and {server} does not list it. Sign in with "
            f"`ollama signin`, then run: ollama pull {name}",
            name,
        )
    if source == "local":
        return None  # `:local` asks for whatever the server has locally under that name
    others = list(_closest(name, index, 3, spelling))
    same_model_other_tag = [o for o in others if _family(o) == _family(base)]
    if not parsed.explicit_tag and same_model_other_tag:
        alternatives = ", ".join(f"`{o}`" for o in same_model_other_tag)
        return Finding(
            slot.range,
            "information",
            TAG_MISMATCH,
            f"`{name}` means `{parsed.display_shortest()}`, which is not installed, "
            f"but {alternatives} {'is' if len(same_model_other_tag) == 1 else 'are'}.",
            name,
            tuple(same_model_other_tag),
        )
    return Finding(
        slot.range,
        "warning",
        MODEL_NOT_INSTALLED,
        f"Model `{name}` is not installed on {server}. Run: ollama pull {name}",
        name,
        tuple(others),
    )


@lru_cache(maxsize=8192)
def _check_cached(
    slot: Slot,
    index: InstalledIndex,
    capabilities: tuple[tuple[str, tuple[str, ...]], ...],
    server: str,
    spelling: bool,
) -> Finding | None:
    return check_slot(slot, index, dict(capabilities), server, spelling)


def _check_capability(slot: Slot, name: str, capabilities: Sequence[str]) -> Finding | None:
    if not capabilities or slot.kind == "any":
        return None
    embeds = "embedding" in capabilities
    chats = "completion" in capabilities
    if slot.kind in ("chat", "autocomplete") and embeds and not chats:
        message = f"`{name}` is an embedding-only model: it cannot chat or generate text."
    elif slot.kind == "embedding" and chats and not embeds:
        message = f"`{name}` is a chat model, but this setting expects an embedding model."
    elif slot.kind == "autocomplete" and "insert" not in capabilities:
        message = (
            f"`{name}` cannot fill in the middle (it lacks the `insert` capability), which "
            "autocomplete needs: pick a code model that has it, such as qwen2.5-coder."
        )
    else:
        return None
    return Finding(slot.range, "warning", CAPABILITY_MISMATCH, message, name)


def check_document(
    text: str,
    kind: FileKind,
    installed: Sequence[str] | InstalledIndex | None,
    capabilities: Mapping[str, Sequence[str]] | None = None,
    model_keys: Sequence[str] = (),
    server: str = "the Ollama server",
    slots: Sequence[Slot] | None = None,
    spelling: bool = True,
) -> list[Finding]:
    """Findings for a document; pass `slots` when the caller has already scanned it."""
    problem = limit_problem(encode(text), kind)
    if problem is not None:
        start = Position(0, 0)
        return [Finding(Range(start, start), "information", NOT_CHECKED, problem)]
    if slots is None:
        slots = scan(text, kind, model_keys)
    if installed is None:
        findings = [
            finding
            for slot in slots
            if (finding := check_slot(slot, None, {}, server, spelling)) is not None
        ]
    else:
        # Re-check only what changed: a slot with the same value, place and kind, against the
        # same installed list and capabilities, gets its finding from the last run.
        index = installed_index(installed)
        known = tuple(sorted((name, tuple(caps)) for name, caps in (capabilities or {}).items()))
        findings = [
            finding
            for slot in slots
            if (finding := _check_cached(slot, index, known, server, spelling)) is not None
        ]
    if kind is FileKind.MODELFILE:
        findings += [
            Finding(
                problem.range,
                "warning",
                problem.code,
                problem.message,
                alternatives=(problem.suggestion,) if problem.suggestion else (),
            )
            for problem in modelfile.check(text)
        ]
    return sorted(findings, key=lambda f: (f.range.start.line, f.range.start.character))
