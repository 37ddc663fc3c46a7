"""The corpus of real config files (tests/fixtures/configs/<tool>/): every Ollama name the
scanner must find, and exactly what `ollama-ls check --json` reports against the emulator.

Each tool folder holds files at the paths the tool reads them from, written after its documented
format, and an `expected.yaml`:

    tool: LiteLLM
    files:
      config.yaml:                        # relative to the tool folder
        names:                            # [line (1-based), name without prefix, kind], in order
          - [7, llama3.2, chat]
        findings:                         # [line, code, model] against the emulator's catalogue
          - [19, tag-mismatch, deepseek-r1]
          - [25, context-length-too-large, llama3:8b]   # on the number's line, `model` its model

The language-server side of the same corpus is tests/lsp/test_corpus_lsp.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from ollama_ls.scan import file_kind_for, scan
from tests.scan.scanhelp import text_in

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "configs"
KINDS = {"chat", "embedding", "autocomplete", "any"}
SEVERITY_ERROR_CODES = {"invalid-model-name", "invalid-context-length"}
# Findings on a context-length value (`num_ctx`, `contextLength`): on the number's line.
CONTEXT_CODES = {"context-length-too-large", "invalid-context-length"}

Row = tuple[int, str, str]


@dataclass(frozen=True)
class CorpusFile:
    folder: str  # the tool folder's name
    tool: str  # the tool's display name
    relative: str  # path inside the tool folder
    names: tuple[Row, ...]  # (line, name, kind)
    findings: tuple[Row, ...]  # (line, code, model)

    @property
    def path(self) -> Path:
        return CORPUS / self.folder / self.relative

    @property
    def id(self) -> str:
        return f"{self.folder}/{self.relative}"

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


# -- expected.yaml ------------------------------------------------------------------------------
# The project has no YAML library among its dependencies; expected.yaml keeps to a fixed shape
# (valid YAML), read here strictly so that a typo fails loudly instead of expecting nothing.


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    at = line.find(" #")
    return (line if at == -1 else line[:at]).rstrip()


def _row(text: str, where: str) -> Row:
    if not (text.startswith("- [") and text.endswith("]")):
        raise ValueError(f"{where}: expected `- [line, text, text]`, got {text!r}")
    parts = [part.strip().strip("'\"") for part in text[3:-1].split(",")]
    if len(parts) != 3 or not parts[0].isdigit() or not all(parts):
        raise ValueError(f"{where}: expected three values, the first a line number: {text!r}")
    return int(parts[0]), parts[1], parts[2]


def load_expected(folder: Path) -> list[CorpusFile]:
    source = folder / "expected.yaml"
    tool = ""
    files: dict[str, dict[str, list[Row]]] = {}
    current: dict[str, list[Row]] | None = None
    section: list[Row] | None = None
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{source}:{number}"
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        text = line.strip()
        if indent == 0 and text.startswith("tool:"):
            tool = text.partition(":")[2].strip()
        elif indent == 0 and text == "files:":
            pass
        elif indent == 2 and text.endswith(":"):
            current = files.setdefault(text[:-1].strip().strip("'\""), {})
            section = None
        elif indent == 4 and current is not None and text.split(":")[0] in ("names", "findings"):
            key, _, rest = text.partition(":")
            if rest.strip() not in ("", "[]"):
                raise ValueError(f"{where}: `{key}:` takes a list of rows or []")
            section = current.setdefault(key, [])
        elif indent == 6 and section is not None:
            section.append(_row(text, where))
        else:
            raise ValueError(f"{where}: unexpected line {raw!r}")
    if not tool:
        raise ValueError(f"{source}: no `tool:`")
    cases = []
    for relative, sections in files.items():
        if set(sections) != {"names", "findings"}:
            raise ValueError(f"{source}: {relative} needs both `names` and `findings`")
        cases.append(
            CorpusFile(folder.name, tool, relative, tuple(sections["names"]), tuple(sections["findings"]))
        )
    return cases


def load_corpus() -> list[CorpusFile]:
    return [
        case
        for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir())
        for case in load_expected(folder)
    ]


CASES = load_corpus()


def corpus_files_on_disk(folder: Path) -> set[str]:
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name != "expected.yaml"
    }


# -- the corpus itself ----------------------------------------------------------------------------


def test_every_tool_folder_lists_exactly_its_files():
    folders = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    assert len(folders) >= 12
    for folder in folders:
        assert (folder / "expected.yaml").is_file(), f"{folder.name} has no expected.yaml"
        listed = {case.relative for case in CASES if case.folder == folder.name}
        assert listed == corpus_files_on_disk(folder), folder.name
        assert len(listed) >= 2, f"{folder.name}: at least two files a tool"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_expected_rows_are_well_formed(case: CorpusFile):
    lines = case.text().splitlines()
    assert [row[0] for row in case.names] == sorted(row[0] for row in case.names)
    assert [row[0] for row in case.findings] == sorted(row[0] for row in case.findings)
    for line, name, kind in case.names:
        assert kind in KINDS, (line, name, kind)
        assert name in lines[line - 1], f"line {line} of {case.id} does not hold {name!r}"
        assert not name.startswith(("ollama/", "ollama_chat/")), name
    named_lines = {row[0] for row in case.names}
    for line, code, _model in case.findings:
        if code in CONTEXT_CODES:
            assert any(c.isdigit() for c in lines[line - 1]), f"{case.id}: no number on line {line}"
            continue
        assert line in named_lines, f"{case.id}: a finding on line {line}, where no name is"


# -- the scanner, in process --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_scanner_finds_exactly_the_expected_names(case: CorpusFile):
    text = case.text()
    kind = file_kind_for(str(case.path))
    assert kind is not None, f"{case.id} is not a file the scanner reads"
    slots = scan(text, kind, path=str(case.path))
    found = [(slot.range.start.line + 1, slot.value, slot.kind) for slot in slots]
    assert found == list(case.names)
    for slot in slots:
        assert text_in(text, slot.range) == slot.value
        assert isinstance(slot.rule, str) and slot.rule.strip(), f"{slot.value}: no rule"


# -- `ollama-ls check --json` over the whole corpus, one process ----------------------------------


def run_check(paths: list[str], host: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OLLAMA_")}
    return subprocess.run(
        [sys.executable, "-m", "ollama_ls", "check", "--json", *paths, "--host", host],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_check_reports_exactly_the_expected_findings_in_every_file(emulator):
    paths = {str(case.path): case for case in CASES}
    result = run_check(list(paths), emulator.base_url)
    assert "Traceback" not in result.stderr, result.stderr
    reported = json.loads(result.stdout)
    by_path: dict[str, list[Row]] = defaultdict(list)
    for finding in reported:
        assert finding["path"] in paths, f"a finding for a file not asked about: {finding}"
        by_path[finding["path"]].append((finding["line"], finding["code"], finding["model"]))
    mismatched = {
        case.id: {"expected": list(case.findings), "reported": by_path.get(path, [])}
        for path, case in paths.items()
        if by_path.get(path, []) != list(case.findings)
    }
    assert mismatched == {}
    errors = any(row[1] in SEVERITY_ERROR_CODES for case in CASES for row in case.findings)
    assert result.returncode == (1 if errors else 0), result.stderr
