"""JSON and JSONC -> the node model (tree-sitter-json tolerates comments)."""

from __future__ import annotations

from tree_sitter import Node as TSNode

from .languages import FileKind
from .nodes import Key, Mapping, Node, Opaque, Scalar, Sequence, empty_at
from .parsing import parse_tolerantly
from .positions import decode


def parse_json(data: bytes) -> list[Node]:
    return parse_tolerantly(data, FileKind.JSON, convert)


def convert(root: TSNode, data: bytes) -> list[Node]:
    if root.type == "ERROR":
        return [_object(root, data)]
    return [_value(child, data) for child in root.named_children if child.type != "comment"]


def _value(node: TSNode, data: bytes) -> Node:
    if node.type == "string":
        return _string(node, data)
    if node.type == "object":
        return _object(node, data)
    if node.type == "array":
        return Sequence([_value(c, data) for c in node.named_children if c.type != "comment"])
    if node.is_missing or node.start_byte == node.end_byte:
        return empty_at(data, node.start_byte)
    if node.type == "ERROR":
        return _object(node, data)
    if node.type in _LITERALS:
        return Opaque(decode(data[node.start_byte : node.end_byte]), node.start_byte, node.end_byte)
    return Opaque()


_LITERALS = frozenset({"number", "true", "false"})


def _string(node: TSNode, data: bytes) -> Scalar:
    start, end = node.start_byte + 1, node.end_byte
    last = node.children[-1] if node.children else None
    if end > start and last is not None and last.type == '"' and not last.is_missing:
        end -= 1
    return Scalar(decode(data[start:end]), start, end, quoted=True)


def _object(node: TSNode, data: bytes) -> Mapping:
    """The pairs of an object; inside ERROR nodes, also `"key": value` left loose."""
    mapping = Mapping()
    for child in node.named_children:
        if child.type == "pair":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and key.type == "string":
                name = _string(key, data)
                mapping.pairs.append(
                    (Key.at(name.text, name.start, name.end), _pair_value(child, value, data))
                )
        elif child.type == "ERROR":
            mapping.pairs.extend(_object(child, data).pairs)
        elif child.type == "object" and node.type == "ERROR":
            mapping.pairs.extend(_object(child, data).pairs)
    return mapping


def _pair_value(pair: TSNode, value: TSNode | None, data: bytes) -> Node:
    if value is not None:
        return _value(value, data)
    colon = next((c for c in pair.children if c.type == ":"), None)
    return empty_at(data, colon.end_byte) if colon else Opaque()
