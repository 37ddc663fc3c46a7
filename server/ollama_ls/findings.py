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
    return list(_closest(name.strip(), tuple(installed), limit))


@lru_cache(maxsize=1024)
def _closest(name: str, installed: tuple[str, ...], limit: int) -> tuple[str, ...]:
    # A large file names the same few models many times: difflib runs once per name.
    parsed = parse_name(name.strip())
    family = (parsed.host.lower(), parsed.namespace.lower(), parsed.model.lower())
    same_model = [
        candidate
        for candidate in installed
        if _family(candidate) == family and model_key(candidate) != parsed.key()
    ]
    by_spelling = difflib.get_close_matches(name.strip(), list(installed), n=limit, cutoff=0.4)
    ordered = list(dict.fromkeys(same_model + by_spelling))
    return tuple(ordered[:limit])


def _family(name: str) -> tuple[str, str, str]:
    parsed = parse_name(name)
    return parsed.host.lower(), parsed.namespace.lower(), parsed.model.lower()


def check_slot(
    slot: Slot,
    installed: Sequence[str] | None,
    capabilities: Mapping[str, Sequence[str]],
    server: str = "the Ollama server",
) -> Finding | None:
    """One slot's finding, if any. `capabilities` is keyed by installed name."""
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
    by_key = _installed_by_key(tuple(installed))
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
    others = closest_installed(name, installed)
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


@lru_cache(maxsize=8)
def _installed_by_key(installed: tuple[str, ...]) -> dict[str, str]:
    return {model_key(candidate): candidate for candidate in installed}


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
    installed: Sequence[str] | None,
    capabilities: Mapping[str, Sequence[str]] | None = None,
    model_keys: Sequence[str] = (),
    server: str = "the Ollama server",
    slots: Sequence[Slot] | None = None,
) -> list[Finding]:
    """Findings for a document; pass `slots` when the caller has already scanned it."""
    problem = limit_problem(encode(text), kind)
    if problem is not None:
        start = Position(0, 0)
        return [Finding(Range(start, start), "information", NOT_CHECKED, problem)]
    if slots is None:
        slots = scan(text, kind, model_keys)
    findings = [
        finding
        for slot in slots
        if (finding := check_slot(slot, installed, capabilities or {}, server)) is not None
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
