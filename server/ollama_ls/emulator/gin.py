"""What Ollama's gin router does around the handlers: 404/405, trailing slashes, CORS, Host check."""

from __future__ import annotations

import ipaddress
import re
import socket

from aiohttp import web

NOT_FOUND = "404 page not found"
METHOD_NOT_ALLOWED = "405 method not allowed"

_ORIGIN_PATTERNS = [
    re.compile(r"^https?://(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?$"),
    re.compile(r"^(app|file|tauri|vscode-webview|vscode-file)://.*$"),
]
CORS_HEADERS = {
    "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS",
    "Access-Control-Allow-Headers": (
        "Origin,Content-Length,Content-Type,Authorization,User-Agent,Accept,X-Requested-With,"
        "OpenAI-Beta,x-stainless-arch,x-stainless-async,x-stainless-custom-poll-interval,"
        "x-stainless-helper-method,x-stainless-lang,x-stainless-os,x-stainless-package-version,"
        "x-stainless-poll-helper,x-stainless-retry-count,x-stainless-runtime,"
        "x-stainless-runtime-version,x-stainless-timeout"),
    "Access-Control-Max-Age": "43200",
}


def plain(status: int, text: str) -> web.Response:
    return web.Response(status=status, body=text.encode(), headers={"Content-Type": "text/plain"})


def not_found_or_redirect(request: web.Request, known_paths: set[str]) -> web.Response:
    """gin's RedirectTrailingSlash: 301 for GET, 307 otherwise; else `404 page not found`."""
    path = request.path
    if len(path) > 1 and path.endswith("/") and path.rstrip("/") in known_paths:
        status = 301 if request.method == "GET" else 307
        return web.Response(status=status, headers={"Location": path.rstrip("/")})
    return plain(404, NOT_FOUND)


def origin_allowed(origin: str, extra_origins: list[str]) -> bool:
    if origin in extra_origins or "*" in extra_origins:
        return True
    return any(pattern.match(origin) for pattern in _ORIGIN_PATTERNS)


def host_allowed(host_header: str) -> bool:
    """Ollama's allowedHostsMiddleware for a server on a loopback address."""
    host = host_header
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.lower()
    if host in ("", "localhost", socket.gethostname().lower()):
        return True
    if host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified
