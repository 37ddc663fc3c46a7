"""`.env` files: `KEY=value` lines, judged by the environment-variable rules (envvars.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .lines import lines, value_span
from .nodes import Found, Scalar
from .positions import decode
from .envvars import EnvContext, env_slots
from .known_tools import TOOLS

_ASSIGNMENT = re.compile(rb"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=)[ \t]*")


def assignments(data: bytes) -> list[tuple[str, Scalar]]:
    """Every `KEY=value` of the file, the value with byte offsets into `data`."""
    found = []
    for offset, line in lines(data):
        match = _ASSIGNMENT.match(line)
        if not match:
            continue
        start, end, quoted = value_span(line, match.end(), comments=True)
        if line.startswith(b"#", match.end()):
            start = end = match.end()
        if quoted or end > start:
            value = Scalar(decode(line[start:end]), offset + start, offset + end, quoted)
        else:
            after_equals = offset + match.end(2)
            value = Scalar("", after_equals, after_equals, False, offset + match.end())
        found.append((decode(match.group(1)), value))
    return found


def find_env(data: bytes, model_keys: Sequence[str] = (), disabled: frozenset[str] = frozenset()) -> list[Found]:
    if "env" in disabled:
        return []
    tools = tuple(tool for tool in TOOLS if tool.id not in disabled)
    context = EnvContext(tools, tuple(model_keys), "provider-prefix" not in disabled)
    return env_slots(assignments(data), context)
