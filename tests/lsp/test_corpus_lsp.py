"""The corpus of real config files through the language server: one `ollama-ls serve` a tool,
every file of the tool opened at its real path, its diagnostics compared with expected.yaml, and
completion asked at the end of every name it holds. The scanner and `ollama-ls check` side is
tests/scan/test_corpus.py, which also describes the corpus."""

from __future__ import annotations

import re

import pytest
from lsprotocol import types

from ollama_ls.scan import file_kind_for
from tests.scan.test_corpus import CASES, CorpusFile

FOLDERS = sorted({case.folder for case in CASES})
# Characters a model name is made of; a name in the text is not glued to more of them.
_NAME_CHARS = re.compile(r"[A-Za-z0-9._:\-/]")


def language_id(case: CorpusFile) -> str:
    kind = file_kind_for(str(case.path))
    assert kind is not None, case.id
    return kind.value  # yaml, json, toml, dotenv


def name_columns(line: str, name: str, start: int = 0) -> tuple[int, int]:
    """Where `name` stands in `line` as a whole value (after an `ollama/` prefix at most)."""
    at = line.find(name, start)
    while at != -1:
        end = at + len(name)
        before = line[at - 1] if at else ""
        after = line[end] if end < len(line) else ""
        if (not before or before == "/" or not _NAME_CHARS.match(before)) and not (
            after and _NAME_CHARS.match(after)
        ):
            return at, end
        at = line.find(name, at + 1)
    raise AssertionError(f"{name!r} is not a whole value in {line!r}")


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def observed(session, uri: str) -> list[tuple[int, str]] | None:
    if uri not in session.client.diagnostics:
        return None
    diagnostics = sorted(
        session.client.diagnostics[uri], key=lambda d: (d.range.start.line, d.range.start.character)
    )
    return [(d.range.start.line + 1, str(d.code)) for d in diagnostics]


async def complete(session, uri: str, at: types.Position) -> list[types.CompletionItem]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


@pytest.mark.parametrize("folder", FOLDERS)
async def test_corpus_diagnostics_and_completion(session, emulator, folder):
    cases = [case for case in CASES if case.folder == folder]
    uris = {case.id: case.path.as_uri() for case in cases}
    for case in cases:
        session.editor.open(uris[case.id], case.text(), language_id(case))

    expected = {case.id: [(line, code) for line, code, _model in case.findings] for case in cases}
    try:
        await session.until(
            lambda: all(observed(session, uris[c.id]) == expected[c.id] for c in cases), timeout=15
        )
    except AssertionError:
        pass  # the comparison below says which file differs, and how
    assert {c.id: observed(session, uris[c.id]) for c in cases} == expected

    installed = {model.name for model in emulator.state.installed.values()}
    for case in cases:
        lines = case.text().splitlines()
        searched_from: dict[int, int] = {}
        for line, name, _kind in case.names:
            start, end = name_columns(lines[line - 1], name, searched_from.get(line, 0))
            searched_from[line] = end
            items = await complete(session, uris[case.id], position(line - 1, end))
            where = f"{case.id}:{line} {name}"
            labels = {item.label for item in items}
            assert installed <= labels, f"{where}: missing {sorted(installed - labels)}"
            edit = items[0].text_edit
            assert edit is not None, where
            assert edit.range == types.Range(
                start=position(line - 1, start), end=position(line - 1, end)
            ), where
            assert edit.new_text == items[0].label, where
