"""The cost of error tolerance: `ollama_ls.scan` (tree-sitter, repairs half-typed text) against a
plain strict parse and walk, on realistic config files.

    .venv/bin/python bench/scanner.py [--quick]

Files: YAML, JSON, TOML, .env and Modelfile; small (~30 lines) and large (~2,000 entries);
well-formed, and half-typed (one unfinished value, `model: "lla`, in the middle of the file, the
rest intact). `scan` finds every slot; `slot_at` answers for the cursor on a model value in the
middle. The alternative is what one would write without error tolerance: `yaml.safe_load` (and
PyYAML's libyaml loader), `json.loads`, `tomllib.loads`, then a walk collecting strings under
model keys (no Ollama-context rules, so it is a lower bound for the same work); for .env and
Modelfiles, a plain line split. Times are the best of several runs.
"""

from __future__ import annotations

import json
import re
import timeit
from collections.abc import Callable, Iterator
from typing import Any

from _util import parse_args, print_machine, table
from ollama_ls.scan import FileKind, _found_cached, scan, slot_at

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None
try:
    import yaml
except ModuleNotFoundError:
    yaml = None

SMALL_ENTRIES, LARGE_ENTRIES = 3, 2000
CHAT = ["llama3.2", "qwen3:8b", "mistral:7b-instruct", "gemma3:4b", "phi4-mini"]


def name(i: int) -> str:
    return CHAT[i % len(CHAT)]


# --- documents: (text, (line, character) of the cursor on a model value in the middle) --------


def yaml_doc(entries: int) -> str:
    head = """\
# notes app
app:
  name: notes
  port: 8080
llm:
  provider: ollama
  config:
    model: llama3.2:3b
    temperature: 0.1
    ollama_base_url: http://localhost:11434
embedder:
  provider: ollama
  config:
    model: nomic-embed-text
openai:
  model: gpt-4o
services:
  ollama:
    image: ollama/ollama
    environment:
      - OLLAMA_MODEL=qwen3:8b
agents:
"""
    body = "".join(
        f"  - name: agent-{i}\n    provider: ollama\n    model: {name(i)}\n    temperature: 0.{i % 10}\n"
        for i in range(entries)
    )
    return head + body


def json_doc(entries: int) -> str:
    data = {
        "app": {"name": "notes", "port": 8080},
        "llm": {"provider": "ollama", "config": {"model": "llama3.2:3b", "temperature": 0.1}},
        "embedder": {"provider": "ollama", "config": {"model": "nomic-embed-text"}},
        "openai": {"model": "gpt-4o"},
        "agents": [
            {"name": f"agent-{i}", "provider": "ollama", "model": name(i), "temperature": i % 10 / 10}
            for i in range(entries)
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def toml_doc(entries: int) -> str:
    head = """\
[app]
name = "notes"
port = 8080

[tool.ollama]
model = "llama3.2:3b"
embed_model = "nomic-embed-text"
host = "http://localhost:11434"

[openai]
model = "gpt-4o"
"""
    body = "".join(
        f'\n[[agents]]\nname = "agent-{i}"\nprovider = "ollama"\nmodel = "{name(i)}"\n'
        f"temperature = 0.{i % 10}\n"
        for i in range(entries)
    )
    return head + body


def dotenv_doc(entries: int) -> str:
    head = "# notes app\nOLLAMA_HOST=http://localhost:11434\nOLLAMA_MODEL=llama3.2\n"
    body = "".join(
        f"AGENT_{i}_MODEL={name(i)}\nAGENT_{i}_TEMPERATURE=0.{i % 10}\n" if i % 3 == 0
        else f"export SERVICE_{i}_URL=\"http://svc-{i}:80\"  # service {i}\n"
        for i in range(entries)
    )
    return head + body


def modelfile_doc(entries: int) -> str:
    head = 'FROM llama3.2\nTEMPLATE """{{ .System }} {{ .Prompt }}"""\nSYSTEM """You are terse."""\n'
    body = "".join(
        f"PARAMETER stop \"<|end{i}|>\"\n" if i % 2 else f"MESSAGE user question {i}\n"
        for i in range(entries)
    )
    return head + body


def size(kind: FileKind, entries: int) -> int:
    """Small files: about 30 lines whatever the kind."""
    if entries == SMALL_ENTRIES and kind in (FileKind.DOTENV, FileKind.MODELFILE):
        return 27
    return entries


DOCS = {
    FileKind.YAML: (yaml_doc, re.compile(r"^(\s+model: )(\S+)$", re.M)),
    FileKind.JSON: (json_doc, re.compile(r'^(\s+"model": ")([^"]+)",$', re.M)),
    FileKind.TOML: (toml_doc, re.compile(r'^(model = ")([^"]+)"$', re.M)),
    FileKind.DOTENV: (dotenv_doc, re.compile(r"^(\w+_MODEL=)(\S+)$", re.M)),
    FileKind.MODELFILE: (modelfile_doc, re.compile(r"^(FROM )(\S+)$", re.M)),
}


def middle_value(text: str, pattern: re.Pattern[str]) -> re.Match[str]:
    matches = list(pattern.finditer(text))
    return matches[len(matches) // 2]


def half_typed(text: str, match: re.Match[str]) -> str:
    """The middle model value becomes an unfinished `"lla` (quote open, line ended)."""
    prefix = match.group(1)
    if not prefix.endswith('"'):
        prefix += '"'
    return text[: match.start()] + prefix + "lla" + text[match.end():]


def cursor(text: str, match: re.Match[str], typed: bool) -> tuple[int, int]:
    line = text.count("\n", 0, match.start())
    prefix = match.group(1)
    if typed:
        return line, len(prefix) + (0 if prefix.endswith('"') else 1) + 3
    return line, len(prefix) + 2


# --- the strict alternative --------------------------------------------------------------------


def is_model_key(key: str) -> bool:
    return key in ("model", "model_name", "modelName", "models") or key.endswith(("_model", "Model"))


def walk(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)
    elif isinstance(value, str) and is_model_key(key):
        yield value


def env_lines(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        key, equals, value = line.removeprefix("export ").partition("=")
        if equals and key.strip().endswith("_MODEL"):
            found.append(value.split(" #")[0].strip().strip("\"'"))
    return found


def modelfile_lines(text: str) -> list[str]:
    return [line.split(None, 1)[1] for line in text.splitlines()
            if line[:5].upper() == "FROM " and len(line.split(None, 1)) == 2]


def alternatives(kind: FileKind) -> list[tuple[str, Callable[[str], list[str]] | None]]:
    if kind is FileKind.YAML:
        if yaml is None:
            return [("PyYAML not installed: skipped", None)]
        loaders = [("yaml.safe_load + walk", lambda t: list(walk(yaml.safe_load(t))))]
        if hasattr(yaml, "CSafeLoader"):
            loaders.append(("yaml.load(CSafeLoader) + walk",
                            lambda t: list(walk(yaml.load(t, Loader=yaml.CSafeLoader)))))
        return loaders
    if kind is FileKind.JSON:
        return [("json.loads + walk", lambda t: list(walk(json.loads(t))))]
    if kind is FileKind.TOML:
        if tomllib is None:
            return [("tomllib needs Python 3.11: skipped", None)]
        return [("tomllib.loads + walk", lambda t: list(walk(tomllib.loads(t))))]
    if kind is FileKind.DOTENV:
        return [("line split (partition '=')", env_lines)]
    return [("line split (FROM lines)", modelfile_lines)]


# --- timing -----------------------------------------------------------------------------------


def best_ms(call: Callable[[], object], repeat: int, budget_s: float) -> float:
    """Best of `repeat` runs, each of as many calls as fit in about `budget_s` (at least one)."""
    once = timeit.timeit(call, number=1)
    number = max(1, int(budget_s / max(once, 1e-7)))
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number * 1000


def forget_parses() -> None:
    _found_cached.cache_clear()


def outcome(call: Callable[[str], list[str]], text: str) -> str:
    try:
        return f"{len(call(text))} values"
    except Exception as error:
        return f"fails: {type(error).__name__}"


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    print_machine()
    if yaml is None:
        print("note: PyYAML is not installed in this venv: the YAML alternative is skipped\n")
    repeat, budget = (2, 0.05) if args.quick else (5, 0.2)
    rows = []
    for kind, (make, pattern) in DOCS.items():
        for label, entries in (("small", SMALL_ENTRIES), ("large", LARGE_ENTRIES)):
            good = make(size(kind, entries))
            match = middle_value(good, pattern)
            for state, text in (("well-formed", good), ("half-typed", half_typed(good, match))):
                typed = state == "half-typed"
                line, character = cursor(text, match, typed)
                slot = slot_at(text, kind, line, character)
                assert slot is not None and (slot.value == "lla" if typed else slot.value), (kind, state)
                # The scanner keeps the parse of texts it has seen; measure a fresh parse.
                scan_ms = best_ms(lambda: (forget_parses(), scan(text, kind)), repeat, budget)
                slot_ms = best_ms(
                    lambda: (forget_parses(), slot_at(text, kind, line, character)), repeat, budget
                )
                for alt_name, alt in alternatives(kind):
                    alt_ms = "—" if alt is None else f"{best_ms(lambda: _try(alt, text), repeat, budget):.3f}"
                    rows.append([
                        kind.value, label, text.count("\n"), state,
                        f"{scan_ms:.3f}", f"{len(scan(text, kind))} slots", f"{slot_ms:.3f}",
                        alt_name, alt_ms, "—" if alt is None else outcome(alt, text),
                    ])
    table(["file", "size", "lines", "state", "scan ms", "scan found", "slot_at ms",
           "alternative", "alt ms", "alt result"], rows)


def _try(call: Callable[[str], list[str]], text: str) -> None:
    try:
        call(text)
    except Exception:
        pass


if __name__ == "__main__":
    main()
