"""`localhost` that resolves to ::1 while Ollama listens on 127.0.0.1 only.

Ollama listens on 127.0.0.1:11434 by default. On a machine whose `localhost` resolves to the
IPv6 loopback (::1) first or only, a base URL of http://localhost:11434 is refused although
Ollama runs. `LoopbackFallback` sits under httpx for a `localhost` base URL: when connecting
fails, it tries 127.0.0.1 once; when that answers, every later request goes there, and
`fallback_url` says so (the status then suggests setting the base URL to it).
"""

from __future__ import annotations

import httpx

IPV4_LOOPBACK = "127.0.0.1"

# Where a request to `localhost` is sent first: None leaves it to the system's resolver. The
# one hook for tests on machines whose localhost resolves to 127.0.0.1: set it to "::1" (in
# the process, or from a sitecustomize for a subprocess) to act as one that resolves to ::1.
LOCALHOST_ADDRESS: str | None = None


def is_localhost(url: str | httpx.URL) -> bool:
    return httpx.URL(str(url)).host.lower() == "localhost"


def _to(request: httpx.Request, host: str) -> httpx.Request:
    """The same request sent to another address; the Host header still says localhost."""
    return httpx.Request(
        request.method, request.url.copy_with(host=host), headers=request.headers,
        stream=request.stream, extensions=request.extensions,
    )


class LoopbackFallback(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, base_url: str) -> None:
        self._inner = inner
        self._base_url = httpx.URL(base_url)
        self._address = LOCALHOST_ADDRESS
        self.use_ipv4 = False

    @property
    def fallback_url(self) -> str | None:
        """The base URL requests go to instead of localhost, once 127.0.0.1 answered."""
        if not self.use_ipv4:
            return None
        return str(self._base_url.copy_with(host=IPV4_LOOPBACK)).rstrip("/")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not is_localhost(request.url):
            return await self._inner.handle_async_request(request)
        if self.use_ipv4:
            return await self._inner.handle_async_request(_to(request, IPV4_LOOPBACK))
        first = request if self._address is None else _to(request, self._address)
        try:
            return await self._inner.handle_async_request(first)
        except httpx.ConnectError as refused:
            if "SSL" in str(refused) or "CERTIFICATE" in str(refused):
                raise  # it answered: the handshake is the problem, not the address
            try:
                response = await self._inner.handle_async_request(_to(request, IPV4_LOOPBACK))
            except httpx.ConnectError:
                raise refused from None
            self.use_ipv4 = True
            return response

    async def aclose(self) -> None:
        await self._inner.aclose()
