"""Tree-sitter parsing shared by the YAML, JSON and TOML scanners."""

from __future__ import annotations

from collections.abc import Callable
import threading
from functools import cache

import tree_sitter
import tree_sitter_json
import tree_sitter_toml
import tree_sitter_yaml

from .incremental import current_for
from .languages import FileKind
from .limits import check_limits
from .nodes import Key, Mapping, Node, Opaque, Scalar, Sequence
from .repair import Repair, repair

_GRAMMARS = {
    FileKind.YAML: tree_sitter_yaml.language,
    FileKind.JSON: tree_sitter_json.language,
    FileKind.TOML: tree_sitter_toml.language,
}


@cache
def _language(kind: FileKind) -> tree_sitter.Language:
    return tree_sitter.Language(_GRAMMARS[kind]())


_local = threading.local()


def _parser(kind: FileKind) -> tree_sitter.Parser:
    """One parser per thread and kind: the language server scans in a worker thread while
    hover and completion scan on the event loop's thread, and a parser is not thread-safe."""
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(kind)
    if parser is None:
        parser = parsers[kind] = tree_sitter.Parser(_language(kind))
    return parser


def parse(data: bytes, kind: FileKind) -> tree_sitter.Tree:
    """Every tree-sitter parse goes through here: past a limit it raises `TooComplex`, because
    the YAML grammar crashes the process on deep nesting (see limits.py)."""
    state = current_for(data)
    if state is not None:  # the whole open document, parsed from its previous tree
        state.check_limits(data, kind)
        return state.parse(_parser(kind), data, kind)
    check_limits(data, kind)
    return _parser(kind).parse(data)


def error_count(node: tree_sitter.Node) -> int:
    """How many ERROR and MISSING nodes the tree has."""
    count, todo = 0, [node]
    while todo:
        node = todo.pop()
        if node.has_error:
            count += node.is_error or node.is_missing
            todo.extend(node.children)
    return count


Convert = Callable[[tree_sitter.Node, bytes], list[Node]]


def convert_whole(tree: tree_sitter.Tree, data: bytes, convert: Convert) -> list[Node]:
    """`convert` a tree without errors of `data`; for an open document's text, through its memo
    (memo.py), which reuses what did not change since its last text."""
    state = current_for(data)
    if state is not None:
        return state.memo.convert(tree, data, convert, state.edit)
    return convert(tree.root_node, data)


def parse_tolerantly(data: bytes, kind: FileKind, convert: Convert) -> list[Node]:
    """Parse, and when the text is broken also parse a repaired copy and keep the
    tree with fewer errors. Offsets in the result always refer to `data`."""
    tree = parse(data, kind)
    if not tree.root_node.has_error:
        return convert_whole(tree, data, convert)
    fixed = repair(data, kind)
    if not fixed.inserts:
        return convert(tree.root_node, data)
    fixed_tree = parse(fixed.data, kind)
    if error_count(fixed_tree.root_node) > error_count(tree.root_node):
        return convert(tree.root_node, data)
    roots = convert(fixed_tree.root_node, fixed.data)
    return [_map_offsets(root, fixed) for root in roots]


def _map_offsets(node: Node, fixed: Repair) -> Node:
    return remap(node, fixed.original)


def remap(node: Node, offset: Callable[[int], int]) -> Node:
    """Rewrite every offset in `node` (in place) with `offset`; returns `node`."""
    if isinstance(node, Scalar):
        node.start, node.end = offset(node.start), offset(node.end)
        if node.typing_end is not None:
            node.typing_end = offset(node.typing_end)
    elif isinstance(node, Opaque) and node.start >= 0:
        node.start, node.end = offset(node.start), offset(node.end)
    elif isinstance(node, Mapping):
        for key, value in node.pairs:
            if isinstance(key, Key):
                key.start, key.end = offset(key.start), offset(key.end)
            remap(value, offset)
    elif isinstance(node, Sequence):
        for item in node.items:
            remap(item, offset)
    return node
