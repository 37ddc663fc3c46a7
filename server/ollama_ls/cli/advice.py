"""What the CLI shows of an error: credentials redacted, advice in the shell's words.

The CLI asks the client for advice worded for it (`ToolsConfig(advice_for="cli")`: flags and
environment variables). `reword` is the safety net for a suggestion worded for the editor or the
Python API that still reaches the shell (a status carried over, a test's sample text).
"""

from __future__ import annotations

import re

from ollama_ls.client import AUDIENCES, KNOBS, OllamaError

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s\"'<>]+@")

# (what the client says, what the CLI says instead); matched as plain substrings.
_REWORDINGS: tuple[tuple[str, str], ...] = (
    ("raise the read timeout (OLLAMA_TIMEOUT or the readTimeout setting).",
     "raise the read timeout: OLLAMA_TIMEOUT=SECONDS ollama-ls ..."),
    ("raise the read timeout (OLLAMA_TIMEOUT or the timeout setting).",
     "raise the read timeout: OLLAMA_TIMEOUT=SECONDS ollama-ls ..."),
    ("Point the caBundle setting at your CA's PEM file",
     "Pass your CA's PEM file with --ca-bundle FILE"),
    ("Set an API key (OLLAMA_API_KEY or the apiKey setting) or an Authorization header.",
     "Set OLLAMA_API_KEY (sent as Authorization: Bearer <key>)."),
    ("The registry is plain http: pull with insecure=True.",
     "The registry is plain http: pull it with `ollama pull --insecure`."),
    ("Shorten the input, allow truncation (truncate=True), or raise num_ctx in options.",
     "Shorten the input, or use a model with a longer context (see: ollama-ls show MODEL)."),
    ("; or raise pull_timeout.", "."),
    ("; or raise the pull timeout.", "."),
    ("or raise the pull timeout", ""),
    # Each knob as the editor or the Python API names it, as the CLI does.
    *(
        (names[audience], names["cli"])
        for names in KNOBS.values()
        for audience in AUDIENCES
        if audience != "cli"
    ),
    (", or an Authorization header in the headers setting", ""),
    (", or an Authorization header in headers", ""),
)


def redact(text: str) -> str:
    """Every URL's user:password@ removed."""
    return _USERINFO.sub(r"\1", text) if text and "@" in text else text


def reword(suggestion: str | None) -> str | None:
    if not suggestion:
        return suggestion
    for said, instead in _REWORDINGS:
        suggestion = suggestion.replace(said, instead)
    return suggestion


def render_error(error: OllamaError) -> str:
    """`str(error)` with the CLI's advice: message, model, server, suggestion, one per line."""
    lines = [error.message]
    if error.model:
        lines.append(f"Model: {error.model}")
    if error.server:
        lines.append(f"Server: {error.server}")
    suggestion = reword(error.suggestion)
    if suggestion:
        lines.append(suggestion)
    return redact("\n".join(lines))
