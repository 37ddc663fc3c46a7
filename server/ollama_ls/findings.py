"""What is wrong with the model names in one document: pure, shared by the LSP and `ollama-ls check`.

The findings carry stable codes; the severity says how sure we are. Nothing about a model's
presence is said while the installed list is unknown (server down): no false alarms.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ollama_ls.modelname import (
    CLOUD_DISABLED,
    CLOUD_SIGN_IN,
    ModelRefError,
    model_key,
    parse_name,
    strip_source_suffix,
)
from ollama_ls.scan import (
    ContextSetting, FileKind, Slot, context_settings, limit_problem, modelfile, scan,
)  # fmt: skip
from ollama_ls.scan.positions import Position, Range, encode

Severity = Literal["error", "warning", "information"]

INVALID_MODEL_NAME = "invalid-model-name"
MODEL_NOT_INSTALLED = "model-not-installed"
TAG_MISMATCH = "tag-mismatch"
CAPABILITY_MISMATCH = "capability-mismatch"
CLOUD_MODEL_NOT_PULLED = "cloud-model-not-pulled"
NOT_CHECKED = "not-checked"  # past the scanner's size or nesting limits
CONTEXT_LENGTH_TOO_LARGE = "context-length-too-large"  # num_ctx above the model's maximum
INVALID_CONTEXT_LENGTH = "invalid-context-length"  # num_ctx that is not a positive number
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
            f"`{name}` is an Ollama Cloud model and {server} does not list it. "
            f"{CLOUD_SIGN_IN}, then run: ollama pull {name}",
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


def cloud_disabled_wording(findings: list[Finding]) -> list[Finding]:
    """The findings for a server that refuses Ollama Cloud models: a cloud name that is not
    listed cannot be signed in and pulled there (hover says the same, from Ollama's answer)."""
    return [
        replace(
            finding,
            message=f"`{finding.model}` is an Ollama Cloud model. {CLOUD_DISABLED}, then run: "
            f"ollama pull {finding.model}",
        )
        if finding.code == CLOUD_MODEL_NOT_PULLED
        else finding
        for finding in findings
    ]


class _Capabilities:
    """The capabilities the findings were judged against, hashed once: a tuple hashes all its
    items on every lookup (500 slots x 450 models per recheck)."""

    __slots__ = ("_hash", "by_name", "items")

    def __init__(self, items: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.items = items
        self.by_name = dict(items)  # built once, not once per slot checked
        self._hash = hash(items)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, _Capabilities) and self.items == other.items)


_KNOWN: dict[tuple[tuple[str, tuple[str, ...]], ...], _Capabilities] = {}


def _known_capabilities(items: tuple[tuple[str, tuple[str, ...]], ...]) -> _Capabilities:
    """One object per distinct value, so that the cache below compares by identity."""
    known = _KNOWN.get(items)
    if known is None:
        if len(_KNOWN) >= 16:
            _KNOWN.clear()
        known = _KNOWN[items] = _Capabilities(items)
    return known


@lru_cache(maxsize=8192)
def _check_cached(
    slot: Slot,
    index: InstalledIndex,
    capabilities: _Capabilities,
    server: str,
    spelling: bool,
) -> Finding | None:
    return check_slot(slot, index, capabilities.by_name, server, spelling)


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
    contexts: Sequence[ContextSetting] | None = None,
    context_maxima: Mapping[str, int] | None = None,
    installed_capabilities: Mapping[str, Sequence[str]] | None = None,
    purposes: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Findings for a document; pass `slots` (and `contexts`) when the caller has already
    scanned it. `context_maxima` (model key -> the model's maximum context) are what a
    context-length setting is checked against; `installed_capabilities` (installed name ->
    capabilities, as the model list gives them) and `purposes` (model -> "chat", "code",
    "embedding") keep the alternatives of a name that is not installed to models of the kind its
    setting expects."""
    problem = limit_problem(encode(text), kind)
    if problem is not None:
        start = Position(0, 0)
        return [Finding(Range(start, start), "information", NOT_CHECKED, problem)]
    if slots is None:
        slots = scan(text, kind, model_keys)
    if contexts is None:
        contexts = context_settings(text, kind, model_keys)
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
        known = _known_capabilities(
            tuple(sorted((name, tuple(caps)) for name, caps in (capabilities or {}).items()))
        )
        findings = [
            finding
            for slot in slots
            if (finding := _check_cached(slot, index, known, server, spelling)) is not None
        ]
        if installed_capabilities is not None or purposes:
            findings = fit_to_kinds(findings, slots, installed_capabilities or {}, purposes or {}, server)
    context_findings = [
        finding
        for setting in contexts
        if (finding := check_context(setting, context_maxima or {})) is not None
    ]
    findings += context_findings
    if kind is FileKind.MODELFILE:
        judged = {finding.range for finding in context_findings}
        findings += [
            Finding(
                problem.range,
                "warning",
                problem.code,
                problem.message,
                alternatives=(problem.suggestion,) if problem.suggestion else (),
            )
            for problem in modelfile.check(text)
            if problem.range not in judged  # `PARAMETER num_ctx abc`: said once, by the above
        ]
    return sorted(findings, key=lambda f: (f.range.start.line, f.range.start.character))


# -- context length -------------------------------------------------------------------------------


def check_context(setting: ContextSetting, maxima: Mapping[str, int]) -> Finding | None:
    """A context-length value that is not a positive number of tokens (error), or that is above
    the maximum of its model (warning; `maxima` is keyed by `model_key`)."""
    key, text = setting.key, setting.text.strip()
    if setting.problem is not None:
        if setting.problem == "not-positive":
            message = (
                f"`{key}` must be a positive number of tokens, not `{text}`. Remove it to use "
                "Ollama's default context length."
            )
        elif setting.problem == "not-whole":
            message = f"`{key}` must be a whole number of tokens, such as 8192, not `{text}`."
        else:
            message = f"`{key}` must be a number of tokens, such as 8192, not `{text}`."
        return Finding(setting.range, "error", INVALID_CONTEXT_LENGTH, message, setting.model)
    if setting.tokens is None or setting.model is None:
        return None
    maximum = maxima.get(model_key(setting.model))
    if maximum is None or setting.tokens <= maximum:
        return None
    return Finding(
        setting.range,
        "warning",
        CONTEXT_LENGTH_TOO_LARGE,
        f"`{key}` is {setting.tokens:,} tokens, above the maximum context length of "
        f"`{setting.model}` ({maximum:,} tokens): Ollama loads it with {maximum:,} at most. "
        f"Set `{key}` to {maximum} or less.",
        setting.model,
        (str(maximum),),
    )


# -- the kind of model a setting expects ----------------------------------------------------------


def suits(capabilities: Sequence[str], kind: str) -> bool:
    """Whether a model with these capabilities suits a setting of this kind (unknown: it may)."""
    if not capabilities or kind == "any":
        return True
    if kind == "embedding":
        return "embedding" in capabilities
    if kind == "autocomplete":
        return "insert" in capabilities
    return "completion" in capabilities  # chat


def _what_it_is(kind: str, capabilities: Sequence[str] = (), purpose: str = "") -> str:
    if kind == "embedding":
        return "it is a chat model, but this setting expects an embedding model"
    if "embedding" in capabilities or purpose == "embedding":
        return "it is an embedding-only model, but this setting expects one that generates text"
    return "it cannot fill in the middle (no `insert` capability), which autocomplete needs"


def kind_conflict(
    name: str,
    kind: str,
    installed_capabilities: Mapping[str, Sequence[str]],
    purposes: Mapping[str, str] | None = None,
    families: Mapping[tuple[str, str, str], list[Sequence[str]]] | None = None,
) -> str | None:
    """Why a model that is not installed would not suit a setting of `kind`, when that is known:
    from the capabilities of the same model installed with another tag, else from `purposes`
    (model name without tag -> "chat", "code" or "embedding", e.g. the tier table). None when it
    may suit, or nothing is known. `families` is `capabilities_by_family(installed_capabilities)`
    when the caller has it."""
    if kind == "any" or not name.strip():
        return None
    family = _family(name.strip())
    if families is None:
        families = capabilities_by_family(installed_capabilities)
    siblings = families.get(family, [])
    if siblings:
        if any(suits(caps, kind) for caps in siblings):
            return None
        return _what_it_is(kind, siblings[0])
    host, namespace, model = family
    library = (host, namespace) == ("registry.ollama.ai", "library")
    purpose = (purposes or {}).get(model) if library else None
    if purpose is None:
        return None
    if kind == "embedding" and purpose != "embedding":
        return _what_it_is(kind, purpose=purpose)
    if kind in ("chat", "autocomplete") and purpose == "embedding":
        return _what_it_is(kind, purpose=purpose)
    return None


def capabilities_by_family(
    installed_capabilities: Mapping[str, Sequence[str]],
) -> dict[tuple[str, str, str], list[Sequence[str]]]:
    """The non-empty capabilities of the installed models, by model family, in listed order."""
    families: dict[tuple[str, str, str], list[Sequence[str]]] = {}
    for other, caps in installed_capabilities.items():
        if caps:
            families.setdefault(_family(other), []).append(caps)
    return families


_SUGGESTING = {MODEL_NOT_INSTALLED, TAG_MISMATCH}


def fit_to_kinds(
    findings: list[Finding],
    slots: Sequence[Slot],
    installed_capabilities: Mapping[str, Sequence[str]],
    purposes: Mapping[str, str],
    server: str = "the Ollama server",
) -> list[Finding]:
    """A name that is not installed: its alternatives only models of the kind its setting
    expects, and no advice to pull it when it is known to be of another kind."""
    kinds = {slot.range: slot.kind for slot in slots}
    families: dict[tuple[str, str, str], list[Sequence[str]]] | None = None  # when first needed
    fitted: list[Finding] = []
    for finding in findings:
        kind = kinds.get(finding.range, "any")
        if finding.code not in _SUGGESTING or kind == "any" or finding.model is None:
            fitted.append(finding)
            continue
        name = finding.model
        alternatives = tuple(
            other for other in finding.alternatives if suits(installed_capabilities.get(other, ()), kind)
        )
        if families is None:
            families = capabilities_by_family(installed_capabilities)
        conflict = kind_conflict(name, kind, installed_capabilities, purposes, families)
        if conflict is not None:
            instead = f" Installed and suitable: `{alternatives[0]}`." if alternatives else ""
            message = (
                f"Model `{name}` is not installed on {server}, and pulling it would not help: "
                f"{conflict}.{instead}"
            )
            finding = replace(finding, severity="warning", code=MODEL_NOT_INSTALLED, message=message)
        elif finding.code == TAG_MISMATCH and not alternatives:
            message = f"Model `{name}` is not installed on {server}. Run: ollama pull {name}"
            finding = replace(finding, severity="warning", code=MODEL_NOT_INSTALLED, message=message)
        fitted.append(replace(finding, alternatives=alternatives))
    return fitted
