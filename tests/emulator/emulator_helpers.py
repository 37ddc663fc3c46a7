"""Small helpers shared by the emulator's tests."""

from __future__ import annotations

import json
from typing import Any

import httpx


def ndjson(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def keys(value: dict[str, Any]) -> list[str]:
    return list(value)
