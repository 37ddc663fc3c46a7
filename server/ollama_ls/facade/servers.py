"""The primary server and its fallbacks, each behind a circuit breaker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from ollama_ls.client import (
    OllamaClient,
    OllamaNotInstalled,
    ProtocolError,
    ServerBusy,
    ServerUnreachable,
)
from ollama_ls.facade.breaker import CircuitBreaker

T = TypeVar("T")

# Failures that say "this server cannot serve anyone now", as opposed to "this request is wrong".
SERVER_FAILURES = (ServerUnreachable, OllamaNotInstalled, ProtocolError, ServerBusy)


@dataclass
class Endpoint:
    url: str
    client: OllamaClient
    breaker: CircuitBreaker


class ServerPool:
    """Routes each request to the first server whose breaker lets it through.

    A stream is pinned by its caller to the endpoint it started on (`active`), so a stream
    already running is never moved to another server.
    """

    def __init__(self, endpoints: list[Endpoint]) -> None:
        if not endpoints:
            raise ValueError("at least one server is needed")
        self.endpoints = endpoints
        self.active = endpoints[0]

    @property
    def primary(self) -> Endpoint:
        return self.endpoints[0]

    def candidates(self) -> list[Endpoint]:
        allowed = [endpoint for endpoint in self.endpoints if endpoint.breaker.allows_request()]
        # With every breaker open, still try them all: refusing outright helps nobody.
        return allowed or list(self.endpoints)

    async def call(self, operation: Callable[[OllamaClient], Awaitable[T]]) -> T:
        last_failure: Exception | None = None
        for endpoint in self.candidates():
            try:
                result = await operation(endpoint.client)
            except SERVER_FAILURES as failure:
                endpoint.breaker.record_failure()
                last_failure = failure
                continue
            endpoint.breaker.record_success()
            self.active = endpoint
            return result
        assert last_failure is not None
        raise last_failure

    async def aclose(self) -> None:
        for endpoint in self.endpoints:
            await endpoint.client.aclose()
