"""What the tools people use with Ollama write in their config files: one entry a tool.

The generic rules (slots.py) find most names: a `provider: ollama` beside the key, a section
named after Ollama, a base URL at Ollama's port, an `ollama/` prefix on the value. An entry here
adds what only that tool's format says. Adding a tool is one entry plus a fixture in
`tests/fixtures/configs/`.

Paths are dotted keys from the document's root; `*` is any one key, `[]` any list item.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache

from .slots import SlotKind


@dataclass(frozen=True)
class NamePath:
    """Values at `path` are Ollama model names (list items too), of `kind` when given."""

    path: str
    kind: SlotKind | None = None
    # Only when the entry is already known to be Ollama's (its provider or base URL says so).
    needs_ollama: bool = False
    # The keys of the mapping at `path` are the names (opencode's `models` object).
    keys: bool = False


@dataclass(frozen=True)
class EnvName:
    """An environment variable that holds Ollama model names."""

    variable: str
    kind: SlotKind | None = None
    separator: str | None = None  # `DEFAULT_MODELS=a,b`
    # Only when another variable says the value is Ollama's: (variable, value).
    when: tuple[str, str] | None = None


@dataclass(frozen=True)
class Tool:
    id: str  # for settings and --disable
    name: str  # shown in hover
    files: tuple[str, ...] = ()  # path globs (matched against the end of the path)
    names: tuple[NamePath, ...] = ()
    env: tuple[EnvName, ...] = ()
    # Paths whose values are never Ollama names (aliases, display names).
    ignore: tuple[str, ...] = ()
    # Values that stand for "let the tool choose", never a name.
    placeholders: frozenset[str] = field(default_factory=frozenset)
    # Environment variables of this tool that name models it runs itself, never Ollama's.
    not_ollama_env: frozenset[str] = field(default_factory=frozenset)
    # Provider values that mean Ollama in this tool's files (`model_provider = "oss"`).
    ollama_providers: frozenset[str] = field(default_factory=frozenset)
    # Paths of this tool's own context-length keys, beyond the usual names (`num_ctx`,
    # `contextLength`, `context_window`: context_length.py).
    context: tuple[str, ...] = ()


TOOLS: tuple[Tool, ...] = (
    Tool(
        "continue", "Continue",
        files=("*/.continue/config.yaml", "*/.continue/config.json", "*/.continue/*/*.yaml",
               "*/.continue/*.yaml"),
        names=(
            NamePath("tabAutocompleteModel.model", kind="autocomplete", needs_ollama=True),
            NamePath("tabAutocompleteModel[].model", kind="autocomplete", needs_ollama=True),
            NamePath("embeddingsProvider.model", kind="embedding", needs_ollama=True),
        ),
        ignore=("models[].name", "models[].title"),
        placeholders=frozenset({"AUTODETECT"}),
    ),
    Tool(
        "litellm", "LiteLLM",
        files=("*config*.yaml", "*litellm*.yaml", "*litellm*.yml"),
        ignore=("model_list[].model_name", "router_settings.*", "litellm_settings.*"),
    ),
    Tool(
        "aider", "aider",
        files=("*.aider.conf.yml", "*.aider.model.settings.yml", "*.aider.model.metadata.json"),
        ignore=("[].extra_params.*",),
    ),
    Tool("crewai", "CrewAI", files=("*/config/agents.yaml", "*agents.yaml", "*crew*.yaml")),
    Tool(
        "codex", "Codex",
        files=("*/.codex/config.toml", "*codex*.toml"),
        ollama_providers=frozenset({"oss"}),
    ),
    Tool(
        "opencode", "opencode",
        files=("*opencode.json", "*opencode.jsonc"),
        names=(NamePath("provider.*.models", needs_ollama=True, keys=True),),
        ignore=("provider.*.models.*.name",),
        context=("provider.*.models.*.limit.context",),
    ),
    Tool(
        "zed", "Zed",
        files=("*/zed/settings.json", "*/.zed/settings.json"),
        names=(NamePath("language_models.ollama.available_models[].name"),),
        ignore=("language_models.*.available_models[].display_name",),
        # Zed sends an Ollama model's `max_tokens` as its num_ctx.
        context=("language_models.ollama.available_models[].max_tokens",),
    ),
    Tool(
        "helm", "Ollama Helm chart",
        files=("*values*.yaml", "*values*.yml"),
        names=(NamePath("ollama.models.pull", kind="any"), NamePath("ollama.models.run", kind="any")),
        ignore=("ollama.models.create[].name", "image.*"),
    ),
    Tool(
        "open-webui", "Open WebUI",
        env=(
            EnvName("DEFAULT_MODELS", separator=","),
            EnvName("TASK_MODEL"),
            EnvName("RAG_EMBEDDING_MODEL", kind="embedding", when=("RAG_EMBEDDING_ENGINE", "ollama")),
        ),
        # Sentence-transformers, Whisper and image models Open WebUI runs or calls itself.
        not_ollama_env=frozenset(
            {"RAG_RERANKING_MODEL", "WHISPER_MODEL", "AUDIO_STT_MODEL", "AUDIO_TTS_MODEL",
             "IMAGE_GENERATION_MODEL", "TASK_MODEL_EXTERNAL"}
        ),  # fmt: skip
    ),
    Tool(
        "mem0", "mem0",
        names=(
            NamePath("llm.config.model", needs_ollama=True),
            NamePath("embedder.config.model", kind="embedding", needs_ollama=True),
        ),
    ),
    Tool("compose", "docker compose", files=("*compose*.yaml", "*compose*.yml")),
)

TOOL_IDS = frozenset(tool.id for tool in TOOLS)
# Rules that are not a tool's, and can be switched off the same way.
GENERIC_RULE_IDS = frozenset({"provider-prefix", "base-url", "env"})


def path_matches(pattern: str, path: tuple[str, ...]) -> bool:
    """`model_list[].model_name` against ("model_list", "[]", "model_name")."""
    return parts_match(split_path(pattern), path)


def parts_match(parts: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(parts) == len(path) and all(map(_part_matches, parts, path))


def _part_matches(pattern: str, key: str) -> bool:
    if pattern == "[]" or key == "[]":
        return pattern == key
    return pattern == "*" or pattern.lower() == key.lower()


@lru_cache(maxsize=256)
def split_path(pattern: str) -> tuple[str, ...]:
    parts: list[str] = []
    for part in pattern.split("."):
        name = part.split("[]", 1)[0]
        if name:
            parts.append(name)
        parts.extend(["[]"] * part.count("[]"))
    return tuple(parts)


def tool_of_file(path: str | None, disabled: frozenset[str] = frozenset()) -> Tool | None:
    """The tool whose file this is, by its name (globs with a `/` match the whole path)."""
    if not path:
        return None
    normalised = "/" + path.replace("\\", "/").lstrip("/").lower()
    base = normalised.rsplit("/", 1)[-1]
    for tool in TOOLS:
        if tool.id in disabled:
            continue
        for glob in tool.files:
            target = normalised if "/" in glob else base
            if fnmatch.fnmatchcase(target, glob.lower()):
                return tool
    return None
