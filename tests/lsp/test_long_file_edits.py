"""A long config file edited the way a user edits it (a name typed into letter by letter, a
letter deleted, a block added above, a block deleted, a provider changed) keeps the diagnostics
a fresh open of the same text gets, in YAML, JSON and TOML: the server's per-document parse
state and the reuse of unchanged blocks (scan/memo.py) never show stale or misplaced problems."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from tests.lsp.editor import Editor

BLOCKS = 300
INSTALLED = ("llama3.2:latest", "qwen2.5-coder:7b", "nomic-embed-text:latest")


def _blocks() -> list[dict[str, str]]:
    """Model blocks: most name an installed model, every fifth one a model that is not installed,
    every seventh sits beside another provider (its name is not ours to judge)."""
    blocks = []
    for i in range(BLOCKS):
        model = f"missing-{i}:7b" if i % 5 == 4 else INSTALLED[i % len(INSTALLED)]
        blocks.append({"title": f"block {i}", "provider": "openai" if i % 7 == 6 else "ollama",
                       "model": model, "apiBase": "http://localhost:11434"})
    return blocks


def yaml_text(blocks: list[dict[str, str]]) -> str:
    lines = ["name: team", "version: 0.0.1", "schema: v1", "models:"]
    for block in blocks:
        lines.append(f"  - name: {block['title']}")
        lines += [f"    {key}: {value}" for key, value in block.items() if key != "title"]
    return "\n".join(lines) + "\n"


def json_text(blocks: list[dict[str, str]]) -> str:
    return json.dumps({"models": blocks}, indent=2) + "\n"


def toml_text(blocks: list[dict[str, str]]) -> str:
    out = []
    for block in blocks:
        out.append("[[models]]\n")
        out += [f"{key} = {json.dumps(value)}\n" for key, value in block.items()]
        out.append("\n")
    return "".join(out)


FORMATS = {"yaml": yaml_text, "json": json_text, "toml": toml_text}


def _position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


def _range(text: str, start: int, end: int) -> types.Range:
    return types.Range(start=_position(text, start), end=_position(text, end))


def _seen(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return sorted(
        (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
         str(d.code), d.message, d.severity)
        for d in diagnostics
    )  # fmt: skip


async def _same_as_a_fresh_open(session, uri: str, language: str, step: int) -> None:
    """The diagnostics of `uri` settle on those of the same text opened afresh elsewhere (one
    more newline at the end: the server keeps the scans of recent texts, and the fresh open must
    not be answered from the edited document's)."""
    text = session.editor.text(uri)
    fresh = f"file:///work/fresh/{step}/models.{language}"
    session.editor.open(fresh, text + "\n", language)
    expected = _seen(await session.until(lambda: session.diagnostics(fresh), timeout=20))
    try:
        await session.until(lambda: _seen(session.diagnostics(uri)) == expected, timeout=20)
    except AssertionError:
        assert _seen(session.diagnostics(uri)) == expected  # show the difference
    session.editor.close(fresh)


def _paste(session, uri: str, new_text: str) -> None:
    """Change the document to `new_text` with one edit of the span that differs, as a paste."""
    document = session.editor.documents[uri]
    whole = types.TextEdit(range=_range(document.source, 0, len(document.source)), new_text=new_text)
    minimal = Editor._minimal(document, whole)
    session.editor.edit(uri, minimal.range, minimal.new_text)


@pytest.mark.parametrize("language", list(FORMATS))
async def test_a_long_file_edited_keeps_the_diagnostics_of_a_fresh_open(session, language):
    blocks = _blocks()
    render = FORMATS[language]
    uri = f"file:///work/team/models.{language}"
    session.editor.open(uri, render(blocks), language)
    await _same_as_a_fresh_open(session, uri, language, 0)
    step = 0

    async def check() -> None:
        nonlocal step
        step += 1
        await _same_as_a_fresh_open(session, uri, language, step)

    # A name typed into, letter by letter, in the middle of the file: it stops being installed.
    text = session.editor.text(uri)
    end = text.index("llama3.2:latest", len(text) // 2) + len("llama3.2:latest")
    for letter in "xy":
        session.editor.edit(uri, _range(text, end, end), letter)
        text = session.editor.text(uri)
        end += 1
    await check()
    # Both letters deleted again: installed again.
    session.editor.edit(uri, _range(text, end - 2, end), "")
    await check()
    # A block pasted at the top of the list moves every problem below it.
    text = session.editor.text(uri)
    new_block = {"title": "new", "provider": "ollama", "model": "brand-new:1b",
                 "apiBase": "http://localhost:11434"}
    _paste(session, uri, render([new_block, *blocks]))
    await check()
    # A block in the middle deleted, and one provider changed from ollama to openai.
    text = session.editor.text(uri)
    start = text.index("block 150")
    stop = text.index("block 151")
    session.editor.edit(uri, _range(text, start, stop), "")
    await check()
    text = session.editor.text(uri)
    at = text.index("ollama", text.index("block 201"))
    session.editor.edit(uri, _range(text, at, at + len("ollama")), "openai")
    await check()
