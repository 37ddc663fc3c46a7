"""TOML -> the node model (tree-sitter-toml): tables, arrays of tables, dotted keys."""

from __future__ import annotations

from tree_sitter import Node as TSNode

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
    for child in root.named_children:
        if child.type in ("table", "table_array_element"):
            header = next((c for c in child.named_children if c.type in _KEYS), None)
            if header is None:
                continue
            table = _descend(document, _key_parts(header, data), new_item=child.type != "table")
            _add_pairs(table, child, data)
    return [document]


def _add_pairs(mapping: Mapping, parent: TSNode, data: bytes) -> None:
    for child in parent.named_children:
        if child.type == "ERROR":
            _add_pairs(mapping, child, data)
        elif child.type in ("pair", "_inline_pair"):
            key = next((c for c in child.named_children if c.type in _KEYS), None)
            if key is None:
                continue
            *parents, last = _key_parts(key, data)
            _descend(mapping, parents).pairs.append((last, _pair_value(child, key, data)))


def _descend(mapping: Mapping, path: list[str], new_item: bool = False) -> Mapping:
    """The mapping at `path` below `mapping`, created on the way; with `new_item`,
    a new element appended to the array of tables at `path`."""
    for i, part in enumerate(path):
        last = i == len(path) - 1
        existing = next((v for k, v in reversed(mapping.pairs) if k == part), None)
        if last and new_item:
            if not isinstance(existing, Sequence):
                existing = Sequence()
                mapping.pairs.append((part, existing))
            existing.items.append(Mapping())
            return existing.items[-1]  # type: ignore[return-value]
        if isinstance(existing, Sequence) and existing.items and isinstance(existing.items[-1], Mapping):
            existing = existing.items[-1]
        if not isinstance(existing, Mapping):
            existing = Mapping()
            mapping.pairs.append((part, existing))
        mapping = existing
    return mapping


def _key_parts(key: TSNode, data: bytes) -> list[str]:
    if key.type == "dotted_key":
        return [part for child in key.named_children for part in _key_parts(child, data)]
    text = decode(data[key.start_byte : key.end_byte])
    if key.type == "quoted_key" and len(text) >= 2:
        text = text[1:-1]
    return [text]


def _pair_value(pair: TSNode, key: TSNode, data: bytes) -> Node:
    value = next((c for c in pair.named_children if c.id != key.id), None)
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
