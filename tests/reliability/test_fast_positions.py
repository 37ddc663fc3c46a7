"""The C-speed replacements for pygls' position arithmetic (lsp/protocol.py) give pygls'
own results: hypothesis over text with ASCII, BMP, astral characters and CRLF."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from ollama_ls.lsp import protocol

CHARS = st.sampled_from(list("ab \n\r\té中") + ["😋", "\U00010348", "\r\n"])
TEXT = st.lists(CHARS, max_size=40).map("".join)


def _reference_index(line: str, units: int) -> int:
    """pygls 2.1's loop, verbatim in effect."""
    client = index = 0
    for char in line:
        if client >= units:
            break
        client += 2 if ord(char) > 0xFFFF else 1
        index += 1
    return len(line) if client < units else index


@settings(max_examples=400, deadline=None)
@given(text=TEXT, line=st.integers(0, 6), character=st.integers(0, 50))
def test_positions_match_pygls(text, line, character):
    lines = text.splitlines(True) or [""]
    codec = PositionCodec(types.PositionEncodingKind.Utf16)
    ours = codec.position_from_client_units(lines, types.Position(line=line, character=character))
    theirs = protocol._originals["position_from_client_units"](
        codec, lines, types.Position(line=line, character=character)
    )
    assert ours == theirs
    assert protocol._utf16_units(text) == len(text.encode("utf-16-le")) // 2
    if line < len(lines):
        plain = lines[line].replace("\r\n", "\n")
        assert protocol._utf16_index(plain, character) == _reference_index(plain, character)


@settings(max_examples=400, deadline=None)
@given(text=TEXT, insert=TEXT, a=st.tuples(st.integers(0, 5), st.integers(0, 12)),
       b=st.tuples(st.integers(0, 5), st.integers(0, 12)))
def test_incremental_changes_match_pygls(text, insert, a, b):
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(*a), end=types.Position(*b)), text=insert
    )
    ours = TextDocument("file:///x", text, sync_kind=types.TextDocumentSyncKind.Incremental)
    theirs = TextDocument("file:///x", text, sync_kind=types.TextDocumentSyncKind.Incremental)
    ours._apply_incremental_change(copy.deepcopy(change))
    protocol._originals["apply_incremental_change"](theirs, copy.deepcopy(change))
    assert ours.source == theirs.source
