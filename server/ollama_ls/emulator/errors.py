"""The one exception handlers raise to answer with Ollama's `{"error": ...}` body."""

from __future__ import annotations

JSON_UTF8 = "application/json; charset=utf-8"  # gin c.JSON
JSON_PLAIN = "application/json"  # set by Ollama before streaming, or by waitForStream
NDJSON = "application/x-ndjson"


class ApiError(Exception):
    def __init__(self, status: int, message: str, content_type: str = JSON_UTF8,
                 extra: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.content_type = content_type
        self.extra = extra or {}  # more members after "error" (e.g. "signin_url")


def go_quote(text: str) -> str:
    """Go's %q for the printable strings model names are made of."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'
