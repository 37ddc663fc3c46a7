"""The rules that decide which values of a structured document are Ollama model names.

A value is taken when something says it is Ollama's, and the reason is kept for hover:
- its own `ollama/` or `ollama_chat/` prefix (LiteLLM, aider, CrewAI, DSPy, opencode), in any key;
- a provider key beside it (`provider: ollama`, `model_provider = "ollama"`), a section named
  after Ollama above it, or a base URL at Ollama's port 11434 or on a host named `ollama`
  (OpenAI-compatible clients: then `openai/<name>` is an Ollama name too);
- a known tool's own key paths (known_tools.py);
- environment variables (compose `environment:`, Kubernetes `env:`) next to Ollama's.
Sections and variables named after other providers are never Ollama's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .envvars import EnvContext, env_slots
from .known_tools import TOOLS, NamePath, Tool, parts_match, split_path
from .memo import UNITS, shift_found
from .nodes import Found, Key, Mapping, Node, Scalar, Sequence
from .prefix import PREFIX_RULE, after, ollama_prefix_end, openai_prefix_end
from .slots import SlotKind, is_list_key, is_model_key, kind_of

# Plain YAML values that are numbers, booleans or null (YAML 1.2 core schema, and 1.1's yes/no/
# on/off, which many loaders still read as booleans).
_PLAIN_LITERAL = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO"
    r"|on|On|ON|off|Off|OFF|null|Null|NULL|~)$"
)

# Keys whose value names the provider of their mapping.
PROVIDER_KEYS = frozenset(
    {"provider", "type", "backend", "api", "client", "engine", "model_provider", "oss_provider",
     "api_type", "llm_provider", "custom_llm_provider"}
)  # fmt: skip
# Of those, the ones that say "not Ollama" when their value is something else
# (`type: chat` under `ollama:` must not switch the context off).
STRICT_PROVIDER_KEYS = frozenset(
    {"provider", "backend", "model_provider", "api_type", "llm_provider", "custom_llm_provider"}
)
# Section names of other providers: they end an inherited Ollama context.
OTHER_PROVIDERS = frozenset(
    {
        "openai", "azure", "azure_openai", "anthropic", "claude", "gemini", "google",
        "vertex", "vertexai", "bedrock", "mistral", "groq", "cohere", "together",
        "deepseek", "openrouter", "huggingface", "lmstudio", "vllm", "llamacpp", "llama.cpp",
        "xai", "fireworks", "perplexity",
    }
)  # fmt: skip
# Keys that hold a server's address (compared without `_` and `-`, lower case).
URL_KEYS = frozenset(
    {"baseurl", "apibase", "apiurl", "url", "host", "endpoint", "ollamabaseurl", "ollamahost",
     "ollamaurl", "baseuri", "serverurl", "apiendpoint", "openaiapibase", "openaibaseurl",
     "address"}
)  # fmt: skip
# Child mappings whose base URL speaks for their parent (opencode `options`, LiteLLM params).
URL_HOLDERS = frozenset({"options", "config", "litellm_params", "params", "client_kwargs", "kwargs"})
# Keys whose `ollama/...` values are not model names (the Docker image `ollama/ollama`).
NOT_PREFIXED_NAMES = frozenset(
    {"image", "repository", "repo", "path", "file", "command", "entrypoint", "container_name",
     "hostname", "volumes", "source", "target", "from"}
)  # fmt: skip

OLLAMA_PORT = 11434


@dataclass(frozen=True)
class Context:
    ollama: bool
    why: str = ""


# What `Rules._enter` returns for a key that keeps the context it is given (compared by identity).
_INHERITED = Context(False, "inherited")


def is_ollama_url(value: str) -> bool:
    """A URL (or host:port) at Ollama's port, or on a host whose name says Ollama."""
    text = value.strip().strip("'\"")
    if not text or " " in text:
        return False
    try:
        parts = urlsplit(text if "://" in text else f"http://{text}")
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return port == OLLAMA_PORT or "ollama" in host


class Rules:
    """One walk over a document's nodes, collecting Found values in document order."""

    def __init__(self, model_keys: Seq[str] = (), disabled: frozenset[str] = frozenset()) -> None:
        self.model_keys = tuple(model_keys)
        self.disabled = disabled
        self.tools: tuple[Tool, ...] = tuple(t for t in TOOLS if t.id not in disabled)
        self.prefix_on = "provider-prefix" not in disabled
        self.urls_on = "base-url" not in disabled
        self.placeholders = frozenset(p for t in self.tools for p in t.placeholders)
        self.ollama_providers = frozenset({"ollama"}) | {p for t in self.tools for p in t.ollama_providers}
        # Key paths split once and indexed by (depth, last key): most keys meet no pattern.
        self.name_paths = _index([(split_path(e.path), (t, e)) for t in self.tools for e in t.names])
        self.ignores = _index([(split_path(p), p) for t in self.tools for p in t.ignore])
        self.found: list[Found] = []
        self._config = (self.model_keys, disabled)
        # key path -> (ignored, the tool path it matches): `_IGNORED` for an ignored one
        self._paths: dict[tuple[str, ...], tuple[Tool, NamePath] | None | object] = {}
        # A large file repeats the same keys: what each says, worked out once per walk.
        self._lowered: dict[str, tuple[str, str]] = {}  # key -> (lower case, `_compact`)
        self._model_keys: dict[str, bool] = {}  # key -> is_model_key
        self._entering: dict[str, Context] = {}  # key -> _enter(key, _INHERITED)
        self._key_prefixes: dict[str, int | None] = {}  # key -> ollama_prefix_end

    # -- the walk --------------------------------------------------------------------------

    def walk(self, node: Node, path: tuple[str, ...], context: Context) -> None:
        if isinstance(node, UNITS):
            # A unit reused from the last parse (memo.py): what it holds is found once per path
            # and inherited context, and moved to where the unit is now.
            key = (self._config, path, context)
            kept = node.record.rules.get(key)
            if kept is not None:
                delta = node.delta - kept[0]
                found = kept[1]
                self.found.extend(found if delta == 0 else [shift_found(f, delta) for f in found])
                return
            first = len(self.found)
            self._walk(node, path, context)
            kept_by_unit = node.record.rules
            if len(kept_by_unit) >= 8:  # a parent key typed letter by letter: a new path each time
                kept_by_unit.clear()
            kept_by_unit[key] = (node.delta, tuple(self.found[first:]))
            return
        self._walk(node, path, context)

    def _walk(self, node: Node, path: tuple[str, ...], context: Context) -> None:
        if isinstance(node, Sequence):
            self._sequence(node, path, context)
        elif isinstance(node, Mapping):
            self._mapping(node, path, context)

    def _sequence(self, node: Sequence, path: tuple[str, ...], context: Context) -> None:
        last = path[-1].lower() if path else ""
        if last in ("environment", "env"):
            self._environment(_env_pairs(node), path, context)
        for item in node.items:
            if isinstance(item, Scalar) and last not in ("environment", "env"):
                self._prefixed(path[-1] if path else "", item)
            self.walk(item, (*path, "[]"), context)

    def _mapping(self, node: Mapping, path: tuple[str, ...], context: Context) -> None:
        if path and path[-1].lower() == "environment":
            self._environment([(k, v) for k, v in node.pairs if isinstance(v, Scalar)], path, context)
            return
        declared = self._declared(node)
        here = context if declared is None else declared
        roles = _roles_kind(node)
        # The per-walk caches read inline: two method calls less per pair of a large file.
        paths, entering = self._paths, self._entering
        for key, value in node.pairs:
            keys = (*path, key)
            tool_path = paths.get(keys, _UNKNOWN)
            if tool_path is _UNKNOWN:
                tool_path = self._path(keys)
            if tool_path is _IGNORED:
                continue
            own = entering.get(key)
            inner = self._entered(key, here) if own is None else here if own is _INHERITED else own
            # Only a text that starts with `ollama` can have the prefix (`_OLLAMA_PREFIX`):
            # most keys and values of a large file are ruled out without a call.
            if (
                key.startswith("ollama") and isinstance(key, Key) and self.prefix_on
                and (start := self._key_prefix_end(key)) is not None
            ):
                name = after(key.as_scalar(quoted=True), start)
                self._add(key, prefixed_kind(key, keys), name, PREFIX_RULE)
            if tool_path is not None and (not tool_path[1].needs_ollama or inner.ollama):
                self._tool_values(tool_path, key, keys, value, inner)
            elif isinstance(value, Scalar):
                if value.text.startswith("ollama") or (inner.ollama and self._is_model_key(key)):
                    self._scalar(key, keys, value, inner, roles)
            elif isinstance(value, Sequence) and inner.ollama and (
                self._is_model_key(key) or is_list_key(key)
            ):
                for item in value.items:
                    if isinstance(item, Scalar):
                        self._scalar(key, keys, item, inner, roles, from_list=True)
            if isinstance(value, (Mapping, Sequence)):
                self.walk(value, keys, inner)

    def _scalar(self, key, keys, value: Scalar, context: Context, roles, from_list=False) -> None:
        if self._prefixed(key, value):
            return
        if not context.ollama or not (from_list or self._is_model_key(key)):
            return
        if value.text.strip() in self.placeholders:
            return
        start = openai_prefix_end(value.text)
        if start is not None:
            value = after(value, start)
        kind = roles or ("any" if from_list and is_list_key(key) else kind_of(keys))
        self._add(key, kind, value, context.why)

    def _prefixed(self, key: str, value: Scalar) -> bool:
        """An `ollama/<name>` value: taken in any key but those that name images and paths."""
        if not self.prefix_on:
            return False
        lower, compact = self._lower(key)
        if lower in NOT_PREFIXED_NAMES or compact in URL_KEYS:
            return False
        start = ollama_prefix_end(value.text)
        if start is None:
            return False
        self._add(key, prefixed_kind(value.text, (key,)), after(value, start), PREFIX_RULE)
        return True

    def _tool_values(self, tool_path, key, keys, value: Node, context: Context) -> None:
        tool, entry = tool_path
        kind: SlotKind = entry.kind or kind_of(keys)
        if entry.keys:
            if isinstance(value, Mapping):
                for name, _ in value.pairs:
                    if isinstance(name, Key) and ollama_prefix_end(name) is None:
                        self._add(key, kind, name.as_scalar(quoted=True), tool.name)
            return
        values = value.items if isinstance(value, Sequence) else [value]
        for item in values:
            if isinstance(item, Scalar) and not self._prefixed(key, item):
                self._add(key, kind, item, tool.name)

    def _environment(self, pairs: list[tuple[str, Scalar]], path, context: Context) -> None:
        env = EnvContext(self.tools, self.model_keys, self.prefix_on, context.ollama)
        for found in env_slots(pairs, env):
            self.found.append(found)

    def _add(self, key: str, kind: SlotKind, value: Scalar, rule: str) -> None:
        if not value.quoted and _PLAIN_LITERAL.match(value.text):
            return  # `model: 8192`, `model: true`: a YAML number or boolean, not a name
        self.found.append(Found(str(key), kind, value, rule))

    # -- what a mapping and its keys say ---------------------------------------------------

    def _declared(self, mapping: Mapping) -> Context | None:
        """What a mapping's own provider or base-URL keys say: Ollama, not Ollama, or nothing."""
        verdict: Context | None = None
        for key, value in mapping.pairs:
            lower, compact = self._lower(key)
            if isinstance(value, Mapping) and lower in URL_HOLDERS and self.urls_on:
                inner = self._url_verdict(value)
                if inner is not None:
                    return inner
            if not isinstance(value, Scalar) or not value.text:
                continue
            text = value.text.strip().lower()
            if lower in PROVIDER_KEYS:
                if "ollama" in text or (lower != "type" and text in self.ollama_providers):
                    return Context(True, f"`{key}: {value.text.strip()}`")
                if lower in STRICT_PROVIDER_KEYS:
                    verdict = Context(False)
            elif self.urls_on and compact in URL_KEYS and is_ollama_url(value.text):
                return Context(True, f"base URL `{value.text.strip()}`")
        return verdict

    def _lower(self, key: str) -> tuple[str, str]:
        """`key.lower()` and `_compact(key)`."""
        try:
            return self._lowered[key]
        except KeyError:
            found = self._lowered[key] = (key.lower(), _compact(key))
            return found

    def _entered(self, key: str, context: Context) -> Context:
        """`_enter(key, context)`: what a key says is worked out once per key."""
        try:
            own = self._entering[key]
        except KeyError:
            own = self._entering[key] = self._enter(key, _INHERITED)
        return context if own is _INHERITED else own

    def _key_prefix_end(self, key: str) -> int | None:
        try:
            return self._key_prefixes[key]
        except KeyError:
            found = self._key_prefixes[key] = ollama_prefix_end(key)
            return found

    def _is_model_key(self, key: str) -> bool:
        try:
            return self._model_keys[key]
        except KeyError:
            found = self._model_keys[key] = is_model_key(key, self.model_keys)
            return found

    def _url_verdict(self, mapping: Mapping) -> Context | None:
        for key, value in mapping.pairs:
            if isinstance(value, Scalar) and _compact(key) in URL_KEYS and is_ollama_url(value.text):
                return Context(True, f"base URL `{value.text.strip()}`")
        return None

    @staticmethod
    def _enter(key: str, context: Context) -> Context:
        """The Ollama context of the value of `key`, before its own declaration."""
        lower = key.lower()
        if "ollama" in lower:
            return Context(True, f"the `{key}` section")
        if lower.rsplit(".", 1)[-1] in OTHER_PROVIDERS:
            return Context(False)
        return context

    def _path(self, keys: tuple[str, ...]) -> Any:
        """`_IGNORED` when the key path is ignored, else the tool path it matches, if any.
        A large file repeats the same key paths (`agents.[].model` 500 times): each is looked
        up once."""
        try:
            return self._paths[keys]
        except KeyError:
            if any(True for _ in _matching(self.ignores, keys)):
                found: Any = _IGNORED
            else:
                found = next(iter(_matching(self.name_paths, keys)), None)
            self._paths[keys] = found
            return found


_IGNORED = object()
_UNKNOWN = object()


PathIndex = dict[tuple[int, str], list[tuple[tuple[str, ...], Any]]]


def _index(entries: list[tuple[tuple[str, ...], Any]]) -> PathIndex:
    index: PathIndex = {}
    for parts, value in entries:
        index.setdefault((len(parts), parts[-1].lower()), []).append((parts, value))
    return index


def _matching(index: PathIndex, keys: tuple[str, ...]):
    if not keys:
        return
    depth = len(keys)
    for last in (keys[-1].lower(), "*"):
        for parts, value in index.get((depth, last), ()):
            if parts_match(parts, keys):
                yield value


def find(roots: Seq[Node], model_keys: Seq[str] = (), disabled: frozenset[str] = frozenset()) -> list[Found]:
    """Every model-name value in the documents `roots`, in document order."""
    rules = Rules(model_keys, disabled)
    for root in roots:
        rules.walk(root, (), Context(False))
    unique = {(f.value.start, f.value.end): f for f in rules.found}
    return sorted(unique.values(), key=lambda f: f.value.start)


def prefixed_kind(text: str, keys: Seq[str]) -> SlotKind:
    """`ollama_chat/` names a chat model; `ollama/` serves any kind (LiteLLM embeddings too)."""
    kind = kind_of(keys)
    if kind == "chat" and not text.startswith("ollama_chat/"):
        return "any"
    return kind


def _compact(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _roles_kind(mapping: Mapping) -> SlotKind | None:
    """Continue's `roles`: which job the model of this entry does."""
    roles = None
    for key, value in mapping.pairs:
        if len(key) == 5 and key.lower() == "roles":  # the length first: most keys are not
            roles = value
            break
    if not isinstance(roles, Sequence):
        return None
    names = {item.text.strip().lower() for item in roles.items if isinstance(item, Scalar)}
    generating = names & {"chat", "edit", "apply", "summarize", "subagent"}
    if "embed" in names and not generating and "autocomplete" not in names:
        return "embedding"
    if "autocomplete" in names and not generating:
        return "autocomplete"
    return "chat" if names else None


_ENV_ITEM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")


def _env_pairs(node: Sequence) -> list[tuple[str, Scalar]]:
    """compose `- KEY=value` items and Kubernetes `- {name: KEY, value: v}` items."""
    pairs: list[tuple[str, Scalar]] = []
    for item in node.items:
        if isinstance(item, Scalar):
            match = _ENV_ITEM.match(item.text)
            if match:
                start = item.start + len(match.group(0).encode("utf-8", "surrogatepass"))
                pairs.append((match.group(1), Scalar(item.text[match.end() :], start, item.end, item.quoted, item.typing_end or item.end)))
        elif isinstance(item, Mapping):
            fields = {k.lower(): v for k, v in item.pairs}
            name, value = fields.get("name"), fields.get("value")
            if isinstance(name, Scalar) and isinstance(value, Scalar):
                pairs.append((name.text, value))
    return pairs
