"""TOML -> the node model (tree-sitter-toml): tables, arrays of tables, dotted keys."""

from __future__ import annotations

from tree_sitter import Node as TSNode

from . import memo as _memo
from .languages import FileKind
from .nodes import Mapping, Node, Opaque, Scalar, Sequence, empty_at
from .parsing import parse_tolerantly
from .positions import decode

_KEYS = ("bare_key", "quoted_key", "dotted_key")


def parse_toml(data: bytes) -> list[Node]:
    return parse_tolerantly(data, FileKind.TOML, convert)


def convert(root: TSNode, data: bytes) -> list[Node]:
    document = Mapping()
    _add_pairs(document, root, data)
    memo = _memo.active()
    for child in root.named_children:
        if child.type in ("table", "table_array_element"):
            header = _header(child)
            if header is None:
                continue
            path = _key_parts(header, data)
            if child.type == "table":
                _add_pairs(_descend(document, path), child, data)
            elif memo is not None:
                # An element of an array of tables ([[agents]]) is a unit of the memo: the usual
                # shape of a long TOML file.
                _descend(document, path, memo.value(child, data, _element))
            else:
                _descend(document, path, _element(child, data))
    return [document]


def _header(table: TSNode) -> TSNode | None:
    """The key of a `[table]` or `[[table]]` header: its first named child (asking for that one
    alone spares building every pair's node of a long table)."""
    first = table.named_child(0)
    if first is not None and first.type in _KEYS:
        return first
    return next((c for c in table.named_children if c.type in _KEYS), None)


def _element(node: TSNode, data: bytes) -> Mapping:
    element = Mapping()
    _add_pairs(element, node, data)
    return element


def _add_pairs(mapping: Mapping, parent: TSNode, data: bytes) -> None:
    for child in parent.named_children:
        if child.type == "ERROR":
            _add_pairs(mapping, child, data)
        elif child.type in ("pair", "_inline_pair"):
            # A pair is its key, then its value: read the two alone where it has that shape
            # (building every child node of each pair was half of a long file's conversion).
            key = child.named_child(0)
            if child.named_child_count == 2 and key is not None and key.type in _KEYS:
                value = child.named_child(1)
            else:
                key = next((c for c in child.named_children if c.type in _KEYS), None)
                if key is None:
                    continue
                value = next((c for c in child.named_children if c.id != key.id), None)
            *parents, last = _key_parts(key, data)
            _descend(mapping, parents).pairs.append((last, _pair_value(child, value, data)))


def _descend(mapping: Mapping, path: list[str], item: Node | None = None) -> Mapping:
    """The mapping at `path` below `mapping`, created on the way; with `item`, `item` appended
    to the array of tables at `path`."""
    for i, part in enumerate(path):
        last = i == len(path) - 1
        existing = next((v for k, v in reversed(mapping.pairs) if k == part), None)
        if last and item is not None:
            if not isinstance(existing, Sequence):
                existing = Sequence()
                mapping.pairs.append((part, existing))
            existing.items.append(item)
            return mapping
        if isinstance(existing, Sequence) and existing.items and isinstance(existing.items[-1], Mapping):
            if isinstance(existing.items[-1], _memo.UNITS):
                # A table below an element ([agents.options] after [[agents]]) adds to it: add
                # to a copy, never to what the memo keeps.
                existing.items[-1] = _detached(existing.items[-1])
            existing = existing.items[-1]
        if not isinstance(existing, Mapping):
            existing = Mapping()
            mapping.pairs.append((part, existing))
        mapping = existing
    return mapping


def _detached(node: Node) -> Node:
    """`node` with every mapping and sequence in it copied (values shared)."""
    if isinstance(node, Mapping):
        return Mapping([(key, _detached(value)) for key, value in node.pairs])
    if isinstance(node, Sequence):
        return Sequence([_detached(item) for item in node.items])
    return node


def _key_parts(key: TSNode, data: bytes) -> list[str]:
    if key.type == "dotted_key":
        return [part for child in key.named_children for part in _key_parts(child, data)]
    text = decode(data[key.start_byte : key.end_byte])
    if key.type == "quoted_key" and len(text) >= 2:
        text = text[1:-1]
    return [text]


def _pair_value(pair: TSNode, value: TSNode | None, data: bytes) -> Node:
    if value is None or value.is_missing or value.start_byte == value.end_byte:
        equals = next((c for c in pair.children if c.type == "="), None)
        return empty_at(data, equals.end_byte) if equals else Opaque()
    return _value(value, data)


def _value(node: TSNode, data: bytes) -> Node:
    if node.type == "string":
        return _string(node, data)
    if node.type == "array":
        return Sequence([_value(c, data) for c in node.named_children if c.type != "comment"])
    if node.type == "inline_table":
        table = Mapping()
        _add_pairs(table, node, data)
        return table
    if node.type in _LITERALS:
        return Opaque(decode(data[node.start_byte : node.end_byte]), node.start_byte, node.end_byte)
    return Opaque()


_LITERALS = frozenset({"integer", "float", "boolean"})


def _string(node: TSNode, data: bytes) -> Scalar:
    raw = data[node.start_byte : node.end_byte]
    quote = raw[:3] if raw[:3] in (b'"""', b"'''") else raw[:1]
    start, end = node.start_byte + len(quote), node.end_byte
    if end - start >= len(quote) and raw.endswith(quote):
        end -= len(quote)
    return Scalar(decode(data[start:end]), start, end, quoted=True)
