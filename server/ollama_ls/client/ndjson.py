"""Split an NDJSON byte stream into lines, whatever the read boundaries are."""

from __future__ import annotations


class LineSplitter:
    """Feed bytes as they arrive; get back the complete, non-blank lines.

    Splitting bytes on b"\\n" is safe for UTF-8: no multi-byte sequence contains 0x0A.
    """

    def __init__(self) -> None:
        self._partial: list[bytes] = []

    def feed(self, data: bytes) -> list[bytes]:
        if b"\n" not in data:
            if data:
                self._partial.append(data)
            return []
        if self._partial:
            self._partial.append(data)
            data = b"".join(self._partial)
            self._partial.clear()
        *lines, rest = data.split(b"\n")
        if rest:
            self._partial.append(rest)
        return [line for line in lines if line.strip()]

    def flush(self) -> list[bytes]:
        """At end of stream: the last line if it had no trailing newline."""
        rest = b"".join(self._partial)
        self._partial.clear()
        return [rest] if rest.strip() else []


def preview(line: bytes, limit: int = 120) -> str:
    """A line as it may appear in an error message: decoded and truncated."""
    text = line.decode("utf-8", "replace").strip()
    return text if len(text) <= limit else text[:limit] + "…"
