"""Nesting and size limits checked before a tree-sitter parser sees a text.

tree-sitter-yaml crashes the whole process (SIGSEGV) on deeply nested block YAML, so the real
limits are found here by running each parser in a subprocess, and the guard is checked to stop
every crashing text with a margin.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from ollama_ls.findings import NOT_CHECKED, check_document
from ollama_ls.scan import FileKind, IncrementalParser, scan, slot_at
from ollama_ls.scan.limits import (
    MAX_BRACKET_DEPTH,
    MAX_PARSE_BYTES,
    MAX_YAML_BLOCK_DEPTH,
    bracket_depth,
    limit_problem,
    yaml_block_depth,
)

_PARSE_IN_CHILD = (
    "import sys, tree_sitter, importlib\n"
    "grammar = importlib.import_module('tree_sitter_' + sys.argv[1])\n"
    "tree = tree_sitter.Parser(tree_sitter.Language(grammar.language())).parse(sys.stdin.buffer.read())\n"
    "print(tree.root_node.type)\n"
)


def parser_survives(grammar: str, text: str) -> bool:
    """Whether the grammar's parser, alone in a child process, parses `text` without dying."""
    child = subprocess.run(
        [sys.executable, "-c", _PARSE_IN_CHILD, grammar],
        input=text.encode(),
        capture_output=True,
        timeout=60,
    )
    return child.returncode == 0


# Block YAML shapes, each nested `depth` levels with a model name at the bottom.
def nested_mappings(depth: int) -> str:
    lines = ["ollama:"] + ["  " * (i + 1) + f"level{i}:" for i in range(depth)]
    return "\n".join(lines) + "\n" + "  " * (depth + 1) + "model: llama3.2\n"


def nested_lists(depth: int) -> str:
    lines = ["  " * i + "-" for i in range(depth)]
    return "\n".join(lines) + "\n" + "  " * depth + "- model: llama3.2\n"


def nested_list_items(depth: int) -> str:
    """`- - key:` lines: three levels a line."""
    lines = ["    " * i + f"- - level{i}:" for i in range(depth)]
    return "\n".join(lines) + "\n" + "    " * depth + "model: llama3.2\n"


YAML_SHAPES = {"mappings": nested_mappings, "lists": nested_lists, "list items": nested_list_items}


def deepest_surviving(grammar: str, make, low: int = 1, high: int = 400) -> int:
    """Binary search for the deepest nesting the parser survives (`high` crashes)."""
    assert parser_survives(grammar, make(low))
    if parser_survives(grammar, make(high)):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if parser_survives(grammar, make(middle)):
            low = middle
        else:
            high = middle
    return low


@pytest.mark.parametrize("shape", sorted(YAML_SHAPES))
def test_the_yaml_guard_stops_every_depth_that_crashes_the_parser(shape):
    make = YAML_SHAPES[shape]
    survives = deepest_surviving("yaml", make)
    print(f"tree-sitter-yaml survives {shape} nested {survives} deep")
    assert survives < 400, "the grammar no longer crashes: the limit could be raised"
    crashing = make(survives + 1).encode()
    assert yaml_block_depth(crashing) > MAX_YAML_BLOCK_DEPTH
    assert limit_problem(crashing, FileKind.YAML) is not None
    # ...with a margin: a quarter of the levels the parser survives are never used.
    assert yaml_block_depth(make(survives).encode()) >= MAX_YAML_BLOCK_DEPTH * 5 // 4


@pytest.mark.parametrize(
    ("grammar", "make"),
    [
        ("json", lambda depth: "[" * depth + "1" + "]" * depth),
        ("json", lambda depth: '{"a":' * depth + "1" + "}" * depth),
        ("toml", lambda depth: "a = " + "[" * depth + "1" + "]" * depth + "\n"),
        ("toml", lambda depth: "a = " + "{b = " * depth + "1" + "}" * depth + "\n"),
        ("yaml", lambda depth: "a: " + "[" * depth + "x" + "]" * depth + "\n"),
    ],
)
def test_bracket_grammars_survive_far_past_the_bracket_limit(grammar, make):
    # These parsers survive a hundred thousand levels; the limit is there for our converters.
    assert parser_survives(grammar, make(100_000))
    assert bracket_depth(make(MAX_BRACKET_DEPTH + 1).encode(), FileKind(grammar)) > MAX_BRACKET_DEPTH


@pytest.mark.parametrize("shape", sorted(YAML_SHAPES))
def test_yaml_at_the_limit_is_checked_and_past_it_is_reported(shape):
    make = YAML_SHAPES[shape]
    at_limit = max(d for d in range(1, 300) if yaml_block_depth(make(d).encode()) <= MAX_YAML_BLOCK_DEPTH)
    checked = make(at_limit)
    if shape == "mappings":
        assert [slot.value for slot in scan(checked, FileKind.YAML)] == ["llama3.2"]
    assert limit_problem(checked.encode(), FileKind.YAML) is None
    assert all(f.code != NOT_CHECKED for f in check_document(checked, FileKind.YAML, ["llama3.2"]))

    too_deep = make(at_limit + 1)
    assert scan(too_deep, FileKind.YAML) == []
    last = too_deep.splitlines()[-1]
    assert slot_at(too_deep, FileKind.YAML, len(too_deep.splitlines()) - 1, len(last)) is None
    [finding] = check_document(too_deep, FileKind.YAML, [])
    assert finding.code == NOT_CHECKED and finding.severity == "information"
    assert "too deeply nested" in finding.message and str(MAX_YAML_BLOCK_DEPTH) in finding.message


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        (FileKind.JSON, lambda d: '{"ollama": ' + '{"a": ' * d + '{"model": "llama3.2"}' + "}" * d + "}"),
        (FileKind.TOML, lambda d: "[ollama]\nx = " + "{a = " * d + '{model = "llama3.2"}' + "}" * d + "\n"),
        (FileKind.YAML, lambda d: "ollama:\n  x: " + "{a: " * d + "{model: llama3.2}" + "}" * d + "\n"),
    ],
)
def test_brackets_at_the_limit_are_checked_and_past_it_are_reported(kind, make):
    at_limit = max(d for d in range(MAX_BRACKET_DEPTH + 2) if bracket_depth(make(d).encode(), kind) <= MAX_BRACKET_DEPTH)
    assert [slot.value for slot in scan(make(at_limit), kind)] == ["llama3.2"]
    # The same as an open document edited (incremental parse, and the units of memo.py).
    state = IncrementalParser()
    assert [slot.value for slot in scan(make(at_limit).replace("llama3.2", "x"), kind, incremental=state)] == ["x"]
    assert [slot.value for slot in scan(make(at_limit), kind, incremental=state)] == ["llama3.2"]
    assert scan(make(at_limit + 1), kind) == []
    [finding] = check_document(make(at_limit + 1), kind, [])
    assert finding.code == NOT_CHECKED and "too deeply nested" in finding.message


def test_brackets_inside_strings_and_comments_do_not_count():
    text = 'a = "[[[[[[[[ \\" [[[[["  # [[[[[[[[\nb = \'[[[[\'\nc = [[1]]\n'
    assert bracket_depth(text.encode(), FileKind.TOML) == 2
    assert bracket_depth(b'{"a": "it\'s [[[[", "b": [1]}', FileKind.JSON) == 2
    # An apostrophe inside a plain YAML word does not open a string that hides brackets.
    assert bracket_depth(b"a: it's [[x]]\n", FileKind.YAML) == 2


def test_a_file_past_the_size_limit_is_reported_not_parsed():
    line = "ollama:\n  model: llama3.2\n"
    text = line * (MAX_PARSE_BYTES // len(line) + 1)
    assert scan(text, FileKind.YAML) == []
    [finding] = check_document(text, FileKind.YAML, [])
    assert finding.code == NOT_CHECKED and "MB" in finding.message
    assert scan(line * 1000, FileKind.YAML) != []


def test_line_formats_have_no_limits():
    deep = "OLLAMA_MODEL=llama3.2\n" + "#" * 10_000 + "\n"
    assert limit_problem(deep.encode(), FileKind.DOTENV) is None
    assert [slot.value for slot in scan(deep, FileKind.DOTENV)] == ["llama3.2"]


def random_block_yaml(rng, depth: int) -> str:
    """Mixed block nesting as people write it: keys, `- ` items, compact lists, block scalars."""
    lines, column = [], 0
    for level in range(depth):
        step, pad = rng.choice([1, 2, 4]), " " * column
        shape = rng.randrange(5)
        if shape == 0:
            lines.append(f"{pad}key{level}:")
        elif shape == 1:
            lines += [f"{pad}key{level}:", f"{pad}- item{level}:"]  # a compact list under its key
            column += 2
        elif shape == 2:
            lines.append(f"{pad}- - key{level}:")
            column += 4
        elif shape == 3:
            lines.append(f"{pad}- key{level}:")
            column += 2
        else:
            lines += [f"{pad}text{level}: |", f"{pad}{' ' * step}  some text", f"{pad}key{level}:"]
        column += step
    return "\n".join(lines) + "\n" + " " * column + "model: llama3.2\n"


def test_random_block_yaml_that_crashes_the_parser_is_always_stopped():
    import random

    rng = random.Random(20261130)
    crashed = 0
    for _ in range(24):
        text = random_block_yaml(rng, rng.randint(60, 240))
        if not parser_survives("yaml", text):
            crashed += 1
            assert yaml_block_depth(text.encode()) > MAX_YAML_BLOCK_DEPTH, text[:200]
    assert crashed > 0, "no sample crashed: the samples no longer test the guard"
