"""Where the Ollama server is: OLLAMA_HOST parsing and base-URL resolution.

`go_host` is a line-by-line port of Ollama's `envconfig.Host()`, `parse_ollama_host` adds
`envconfig.ConnectableHost()`; both must keep matching the Go results (docs/client.md).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

DEFAULT_BASE_URL = "http://127.0.0.1:11434"
_DEFAULT_PORT = "11434"
# Go's url.URL.EscapedPath leaves these unescaped in a path (besides letters and digits).
_GO_PATH_SAFE = "/$&+,:;=@-_.~"


def go_var(value: str) -> str:
    """envconfig.Var: trim whitespace, then strip surrounding quote characters."""
    return value.strip().strip("\"'")


def go_host(value: str | None) -> str:
    """envconfig.Host(): the URL the Ollama server would bind, for an OLLAMA_HOST value."""
    raw = go_var(value or "").strip()
    default_port = _DEFAULT_PORT
    scheme, sep, hostport = raw.partition("://")
    if not sep:
        scheme, hostport = "http", raw
        if raw == "ollama.com":
            scheme, hostport = "https", "ollama.com:443"
    elif scheme == "http":
        default_port = "80"
    elif scheme == "https":
        default_port = "443"

    hostport, _, path = hostport.partition("/")
    split = _split_host_port(hostport)
    if split is None:
        host, port = "127.0.0.1", default_port
        ip = _parse_ip(hostport.strip("[]"))
        if ip is not None:
            host = ip
        elif hostport:
            host = hostport
    else:
        host, port = split

    if not _is_valid_port(port):
        port = default_port

    url = f"{scheme}://{_join_host_port(host, port)}"
    if path:
        url += "/" + quote(path, safe=_GO_PATH_SAFE)
    return url


def parse_ollama_host(value: str | None) -> str:
    """Host() then ConnectableHost(): the URL a Go Ollama client dials for OLLAMA_HOST=value.

    Unspecified bind addresses become loopback: 0.0.0.0 -> 127.0.0.1, [::] -> [::1].
    """
    url = go_host(value)
    scheme, rest = url.split("://", 1)
    hostport, slash, path = rest.partition("/")
    split = _split_host_port(hostport)
    if split is not None:
        host, port = split
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if ip is not None and ip.is_unspecified:
            host = "127.0.0.1" if ip.version == 4 else "::1"
            hostport = _join_host_port(host, port)
    return f"{scheme}://{hostport}{slash}{path}"


def resolve_base_url(
    *,
    explicit: str | None = None,
    host: str | None = None,
    port: int | None = None,
    env: Mapping[str, str],
) -> str:
    """Pick the base URL: explicit setting > OLLAMA_HOST > host + port settings > default.

    The result has no trailing slash; a path prefix (a proxy's /ollama) is kept.
    """
    if explicit and explicit.strip():
        chosen = explicit
    elif go_var(env.get("OLLAMA_HOST", "")):
        chosen = env["OLLAMA_HOST"]
    elif host or port:
        chosen = _host_port_setting(host, port)
    else:
        chosen = DEFAULT_BASE_URL
    return normalize_base_url(chosen)


def normalize_base_url(value: str) -> str:
    url = parse_ollama_host(value).rstrip("/")
    # Go dials an empty host (OLLAMA_HOST=":1234") as the local machine; httpx needs a name.
    return url.replace("://:", "://127.0.0.1:", 1)


def without_credentials(url: str) -> str:
    """The URL as it may be shown to people: no user:password@."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_port_setting(host: str | None, port: int | None) -> str:
    host = (host or "127.0.0.1").strip()
    if port is None:
        return host
    scheme, sep, rest = host.rpartition("://")
    hostport, slash, path = rest.partition("/")
    split = _split_host_port(hostport)
    name = split[0] if split else hostport.strip("[]")
    return f"{scheme}{sep}{_join_host_port(name, str(port))}{slash}{path}"


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """net.SplitHostPort; None where Go returns an error."""
    last_colon = hostport.rfind(":")
    if last_colon < 0:
        return None
    start, end_of_host = 0, 0
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0 or close + 1 != last_colon:
            return None
        host = hostport[1:close]
        start, end_of_host = 1, close + 1
    else:
        host = hostport[:last_colon]
        if ":" in host:
            return None
    if "[" in hostport[start:] or "]" in hostport[end_of_host:]:
        return None
    return host, hostport[last_colon + 1 :]


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _parse_ip(text: str) -> str | None:
    """net.ParseIP(text).String(), or None when Go would not parse it."""
    if "%" in text:  # Go's ParseIP has no zones
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _is_valid_port(port: str) -> bool:
    """strconv.ParseInt(port, 10, 32) succeeds and 0 <= n <= 65535."""
    digits = port[1:] if port[:1] in "+-" else port
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    return 0 <= int(port) <= 65535


# --- checking an OLLAMA_HOST / --host value before use ------------------------------------

_SCHEME_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#@\s]*@")
_HOST_CHARS = re.compile(r"^[A-Za-z0-9._~%!$&'()*+,;=\-]*$")


@dataclass(frozen=True)
class HostCheck:
    """What is wrong with a host value. `error`: unusable (Ollama would dial nonsense);
    `warnings`: what Ollama itself warns about and then replaces (an invalid port)."""

    error: str | None = None
    warnings: tuple[str, ...] = ()


def check_host(value: str | None) -> HostCheck:
    """Check an OLLAMA_HOST-form value (or URL) the way Ollama's envconfig.Host() reads it."""
    raw = _SCHEME_USERINFO.sub(r"\1", go_var(value or "").strip())
    if not raw:
        return HostCheck()
    if any(character.isspace() for character in raw):
        return HostCheck(error="it contains white space")
    scheme, sep, hostport = raw.partition("://")
    if sep and scheme.lower() not in ("http", "https"):
        return HostCheck(error=f"the scheme {scheme}:// is not http:// or https://")
    if not sep:
        hostport = raw
    hostport = hostport.partition("/")[0].partition("?")[0].partition("#")[0]
    split = _split_host_port(hostport)
    warnings: list[str] = []
    if split is None:
        host = hostport.strip("[]") if hostport.startswith("[") else hostport
        if ":" in hostport and _parse_ip(host) is None:
            return HostCheck(error=f"{hostport!r} is not a host name, an IP address or host:port")
    else:
        host, port = split
        if not _is_valid_port(port):
            default = "11434" if not sep else ("443" if scheme.lower() == "https" else "80")
            warnings.append(f"invalid port {port!r}, using the default {default}")
    if ":" in host:
        if _parse_ip(host) is None:
            return HostCheck(error=f"{host!r} is not an IPv6 address")
    elif not _HOST_CHARS.match(host):
        return HostCheck(error=f"{host!r} is not a host name")
    return HostCheck(warnings=tuple(warnings))
