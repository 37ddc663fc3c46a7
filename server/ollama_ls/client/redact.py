"""Credentials in URLs: kept for the request, never shown.

`http://token@host` and `http://user:password@host` authenticate (HTTP Basic, as curl and
httpx do), but the user:password part never reaches a status payload, a message or a log line.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .host import resolve_base_url as _resolve_host

# scheme://userinfo@ : userinfo has no "/", "?", "#", "@" or white space.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s\"'<>]+@")


def redact_url(url: str) -> str:
    """The URL as it may be shown: no user:password@."""
    return _USERINFO.sub(r"\1", url) if url else url


def redact_text(text: str) -> str:
    """Every URL's userinfo removed from free text (messages, suggestions, log lines)."""
    if not text or "@" not in text:
        return text
    return _USERINFO.sub(r"\1", text)


def split_userinfo(url: str) -> tuple[str, str | None]:
    """(the URL without userinfo, the userinfo as `user:password`, percent-decoded, or None)."""
    match = _USERINFO.match(url.strip())
    if match is None:
        return url, None
    scheme = match.group(1)
    userinfo = url.strip()[len(scheme) : match.end() - 1]
    return scheme + url.strip()[match.end() :], unquote(userinfo)


def basic_authorization(userinfo: str) -> str:
    """`Basic base64(user:password)`; a bare token is a user name with an empty password."""
    user, _, password = userinfo.partition(":")
    raw = f"{user}:{password}".encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def resolve_base_url(
    *,
    explicit: str | None = None,
    host: str | None = None,
    port: int | None = None,
    env: Mapping[str, str],
) -> str:
    """`host.resolve_base_url` that keeps a URL's userinfo (OLLAMA_HOST's too) through the
    normalisation, which would otherwise read `user:pw@host:1` as a host and a port."""
    userinfo = None
    if explicit and explicit.strip():
        explicit, userinfo = split_userinfo(explicit)
    elif env.get("OLLAMA_HOST"):
        stripped, userinfo = split_userinfo(env["OLLAMA_HOST"].strip().strip("\"'"))
        if userinfo is not None:
            env = {**env, "OLLAMA_HOST": stripped}
    url = _resolve_host(explicit=explicit, host=host, port=port, env=env)
    if userinfo is None:
        return url
    parts = urlsplit(url)
    user, sep, password = userinfo.partition(":")
    shown = quote(user, safe="") + (sep + quote(password, safe="") if sep else "")
    return urlunsplit(parts._replace(netloc=f"{shown}@{parts.netloc}"))


class _RedactingRecordFactory:
    """Removes userinfo from every log record's message, whoever logs it (httpx, pygls, us)."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's business
            return record
        if "@" in message and "://" in message:
            record.msg, record.args = redact_text(message), ()
        return record


def install_log_redaction() -> None:
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingRecordFactory):
        logging.setLogRecordFactory(_RedactingRecordFactory(factory))
