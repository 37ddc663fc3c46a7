"""YAML -> the node model (tree-sitter-yaml), tolerant of half-typed documents."""

from __future__ import annotations

import re

from tree_sitter import Node as TSNode

from . import memo as _memo
from .languages import FileKind
from .nodes import Key, Mapping, Node, Opaque, Scalar, Sequence, empty_at
from .parsing import convert_whole, parse, parse_tolerantly, remap
from .positions import decode

_CONTENT = frozenset({
    "block_mapping", "block_sequence", "flow_mapping", "flow_sequence", "plain_scalar",
    "double_quote_scalar", "single_quote_scalar", "block_scalar", "alias", "ERROR",
})  # fmt: skip
_WRAPPERS = frozenset(("block_node", "flow_node"))
_LONGEST_NULL = 4  # bytes: tree-sitter-yaml's null_scalar is `null`, `Null`, `NULL` or `~`


def parse_yaml(data: bytes) -> list[Node]:
    """The documents of a YAML text. A broken text is parsed in top-level chunks,
    so that one bad line does not hide the rest of the file."""
    tree = parse(data, FileKind.YAML)
    if not tree.root_node.has_error:
        return convert_whole(tree, data, convert)
    merged = Mapping()
    roots: list[Node] = [merged]
    for start, end in _chunks(data):
        for root in parse_tolerantly(data[start:end], FileKind.YAML, convert):
            remap(root, lambda offset, start=start: offset + start)
            if isinstance(root, Mapping):
                merged.pairs.extend(root.pairs)
            else:
                roots.append(root)
    return roots


_TOP_LEVEL = re.compile(rb"^(?![ \t#\r\n]|-[ \t\r\n]|-$)", re.M)


def _chunks(data: bytes) -> list[tuple[int, int]]:
    """Spans that each start at a line beginning a top-level key (or `---`)."""
    starts = [m.start() for m in _TOP_LEVEL.finditer(data)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, [*starts[1:], len(data)], strict=True))


def convert(root: TSNode, data: bytes) -> list[Node]:
    if root.type == "ERROR":
        return [_error_mapping(root, data)]
    roots = []
    for child in root.named_children:
        if child.type == "document":
            roots.extend(convert(child, data))
        elif child.type in ("block_node", "flow_node", "ERROR"):
            roots.append(_value(child, data))
    return roots


def _value(node: TSNode, data: bytes) -> Node:
    kind = node.type
    while kind in _WRAPPERS:
        # Most nodes hold just their content: no list of children for them (a 10,000-line
        # file converts ~20,000 of these per edit). Each `.type` is a call into C: read once.
        if node.named_child_count == 1:
            inner = node.named_child(0)
            if inner is None:
                return Opaque()
            kind = inner.type
            if kind not in _CONTENT:
                return Opaque()
        else:
            inner = next((c for c in node.named_children if c.type in _CONTENT), None)
            if inner is None:
                return Opaque()
            kind = inner.type
        node = inner
    if kind == "plain_scalar":
        start, end = node.start_byte, node.end_byte
        # A null (`null`, `Null`, `NULL`, `~`) is never longer than 4 bytes: longer scalars
        # need no look at their children.
        if end - start <= _LONGEST_NULL:
            count = node.named_child_count
            if count == 1:
                child = node.named_child(0)
                if child is not None and child.type == "null_scalar":
                    return Opaque()
            elif count and any(c.type == "null_scalar" for c in node.named_children):
                return Opaque()
        return Scalar(_text_span(data, start, end), start, end, False)
    if kind in ("double_quote_scalar", "single_quote_scalar"):
        return _quoted(node, data)
    if kind == "block_mapping":
        mapping = Mapping()
        pairs = mapping.pairs
        for child in node.named_children:
            child_kind = child.type
            if child_kind == "block_mapping_pair":
                pair = _pair_of(child, data)
                if pair is not None:
                    pairs.append(pair)
            elif child_kind == "ERROR":
                pairs.extend(_error_mapping(child, data).pairs)
        return mapping
    if kind == "flow_mapping":
        # A loop, not a comprehension: one Python frame less per level of nesting.
        flow_pairs = []
        for child in node.named_children:
            if child.type in ("block_mapping_pair", "flow_pair"):
                pair = _pair_of(child, data)
                if pair is not None:
                    flow_pairs.append(pair)
        return Mapping(flow_pairs)
    if kind == "block_sequence":
        return Sequence([_item(c, data) for c in node.named_children if c.type == "block_sequence_item"])
    if kind == "flow_sequence":
        return Sequence(
            [_flow_item(c, data) for c in node.named_children if c.type in ("flow_node", "flow_pair")]
        )
    if kind == "ERROR":
        return _error_mapping(node, data)
    return Opaque()


def _quoted(node: TSNode, data: bytes) -> Scalar:
    quote = data[node.start_byte : node.start_byte + 1]
    start, end = node.start_byte + 1, node.end_byte
    if end - start >= 1 and data[end - 1 : end] == quote:
        end -= 1
    return Scalar(_text_span(data, start, end), start, end, quoted=True)


def _pair(node: TSNode, data: bytes) -> list[tuple[str, Node]]:
    if node.type not in ("block_mapping_pair", "flow_pair"):
        return []
    pair = _pair_of(node, data)
    return [] if pair is None else [pair]


def _pair_of(node: TSNode, data: bytes) -> tuple[str, Node] | None:
    """The key and value of a `block_mapping_pair` or `flow_pair`; None without a string key."""
    key_node = node.child_by_field_name("key")
    if key_node is None:
        return None
    # Most keys and values are a word: a flow node holding one plain scalar longer than any null
    # (`null`, `~`) is read here at once, as `_key` and `_value` would read it (a large file
    # has ~10,000 pairs; the Python calls saved are a tenth of its conversion).
    key: str | None = None
    if key_node.named_child_count == 1:
        inner = key_node.named_child(0)
        if inner is not None and inner.type == "plain_scalar":
            start, end = inner.start_byte, inner.end_byte
            if end - start > _LONGEST_NULL:
                key = Key.at(_text_span(data, start, end), start, end)
    if key is None:
        key = _key(key_node, data)
        if key is None:
            return None
    value = node.child_by_field_name("value")
    if value is not None:
        kind = value.type
        # Units (memo.py) are block values: scalars and flow collections are cheaper to convert
        # again than to look up.
        if kind == "block_node" and (memo := _memo.active()) is not None:
            return (key, memo.value(value, data, _value))
        if kind == "flow_node" and value.named_child_count == 1:
            inner = value.named_child(0)
            if inner is not None and inner.type == "plain_scalar":
                start, end = inner.start_byte, inner.end_byte
                if end - start > _LONGEST_NULL:
                    return (key, Scalar(_text_span(data, start, end), start, end, False))
        return (key, _value(value, data))
    colon = next((c for c in node.children if c.type == ":"), None)
    return (key, empty_at(data, colon.end_byte) if colon else Opaque())


def _item(node: TSNode, data: bytes) -> Node:
    content = next((c for c in node.named_children if c.type in ("block_node", "flow_node")), None)
    if content is not None:
        if content.type == "block_node" and (memo := _memo.active()) is not None:
            return memo.value(content, data, _value)
        return _value(content, data)
    dash = next((c for c in node.children if c.type == "-"), None)
    return empty_at(data, dash.end_byte) if dash else Opaque()


def _flow_item(node: TSNode, data: bytes) -> Node:
    return Mapping(_pair(node, data)) if node.type == "flow_pair" else _value(node, data)


def _key(node: TSNode | None, data: bytes) -> str | None:
    if node is None:
        return None
    value = _value(node, data)
    return Key.at(value.text, value.start, value.end) if isinstance(value, Scalar) else None


def _error_mapping(error: TSNode, data: bytes) -> Mapping:
    """Rebuild the mappings inside an ERROR node from the columns of their keys."""
    root = Mapping()
    stack: list[tuple[int | None, Mapping]] = [(None, root)]

    def place(column: int, key: str, value: Node) -> None:
        while len(stack) > 1 and stack[-1][0] is not None and column < stack[-1][0]:
            stack.pop()
        top_column, top = stack[-1]
        if top_column is None:
            stack[-1] = (column, top)
        elif column > top_column and top.pairs and _is_empty(top.pairs[-1][1]):
            nested = Mapping()
            top.pairs[-1] = (top.pairs[-1][0], nested)
            stack.append((column, nested))
            top = nested
        top.pairs.append((key, value))

    def visit(node: TSNode) -> None:
        children = node.children
        i = 0
        while i < len(children):
            child = children[i]
            follows = children[i + 1] if i + 1 < len(children) else None
            if child.type in ("block_mapping_pair", "flow_pair"):
                for key, value in _pair(child, data):
                    place(child.start_point.column, key, value)
            elif child.type == "ERROR":
                visit(child)
            elif child.type in ("flow_node", "block_node") and follows and follows.type == ":":
                key = _key(child, data)
                after = children[i + 2] if i + 2 < len(children) else None
                value: Node = empty_at(data, follows.end_byte)
                i += 1
                if (
                    after is not None
                    and after.type in ("flow_node", "block_node")
                    and not (i + 2 < len(children) and children[i + 2].type == ":")
                ):
                    value = _value(after, data)
                    i += 1
                if key is not None:
                    place(child.start_point.column, key, value)
            elif child.type in ("flow_node", "block_node"):
                content = _value(child, data)
                if isinstance(content, Mapping):
                    for key, value in content.pairs:
                        place(child.start_point.column, key, value)
            i += 1

    visit(error)
    return root


def _is_empty(node: Node) -> bool:
    return isinstance(node, Scalar) and not node.text and not node.quoted


def _text(node: TSNode, data: bytes) -> str:
    return _text_span(data, node.start_byte, node.end_byte)


def _text_span(data: bytes, start: int, end: int) -> str:
    try:
        return data[start:end].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return decode(data[start:end])
