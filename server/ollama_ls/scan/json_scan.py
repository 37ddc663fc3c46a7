"""JSON and JSONC -> the node model (tree-sitter-json tolerates comments)."""

from __future__ import annotations

from tree_sitter import Node as TSNode

from . import memo as _memo
from .languages import FileKind
from .nodes import Key, Mapping, Node, Opaque, Scalar, Sequence, empty_at
from .parsing import parse_tolerantly
from .positions import decode

# Units of the memo (memo.py) for an open document; strings and literals are cheaper to convert
# again than to look up.
_UNIT_TYPES = frozenset(("object", "array"))


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
        return _items(node, data)
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
    if not node.has_error:  # closed by its quote (most strings: no child nodes built)
        end -= 1
    else:
        last = node.children[-1] if node.children else None
        if end > start and last is not None and last.type == '"' and not last.is_missing:
            end -= 1
    return Scalar(decode(data[start:end]), start, end, quoted=True)


def _object(node: TSNode, data: bytes) -> Mapping:
    """The pairs of an object; inside ERROR nodes, also `"key": value` left loose."""
    mapping = Mapping()
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            if key is not None and key.type == "string":
                name = _string(key, data)
                # Inline, not in a helper: the limits allow 256 nested brackets, and each level
                # costs this converter Python frames (RecursionError is caught as a last resort).
                value = child.child_by_field_name("value")
                if value is None:
                    converted = _missing_value(child, data)
                elif value.type in _UNIT_TYPES and (memo := _memo.active()) is not None:
                    converted = memo.value(value, data, _value)
                else:
                    converted = _value(value, data)
                mapping.pairs.append((Key.at(name.text, name.start, name.end), converted))
        elif child.type == "ERROR":
            mapping.pairs.extend(_object(child, data).pairs)
        elif child.type == "object" and node.type == "ERROR":
            mapping.pairs.extend(_object(child, data).pairs)
    return mapping


def _items(node: TSNode, data: bytes) -> Sequence:
    memo = _memo.active()
    items: list[Node] = []
    for child in node.named_children:
        if child.type == "comment":
            continue
        if memo is not None and child.type in _UNIT_TYPES:
            items.append(memo.value(child, data, _value))
        else:
            items.append(_value(child, data))
    return Sequence(items)


def _missing_value(pair: TSNode, data: bytes) -> Node:
    colon = next((c for c in pair.children if c.type == ":"), None)
    return empty_at(data, colon.end_byte) if colon else Opaque()
