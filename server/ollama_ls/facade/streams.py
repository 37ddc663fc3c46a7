"""Streams as the facade hands them upward: plain chunks, never wire models.

A generation may fail over to another server until its first chunk has arrived (nothing has
reached the user yet); after that it stays where it started, because moving a half-written
answer to another server would write a different answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ollama_ls.client import CallMetrics, GenerateStream, OllamaError, PullProgress
from ollama_ls.facade.servers import SERVER_FAILURES, ServerPool
from ollama_ls.facade.thinking import ThinkSplitter


@dataclass(frozen=True)
class GenerationChunk:
    text: str  # what goes into the document
    thinking: str  # a thinking model's reasoning: shown as progress, never written
    done: bool


@dataclass(frozen=True)
class PullStatus:
    """One progress line of a pull."""

    status: str
    digest: str | None = None
    total: int | None = None
    completed: int | None = None


@dataclass(frozen=True)
class Embeddings:
    model: str
    vectors: tuple[tuple[float, ...], ...]


def pull_status(progress: PullProgress) -> PullStatus:
    return PullStatus(progress.status, progress.digest, progress.total, progress.completed)


class GenerationStream:
    """`async with tools.generate(...) as stream: async for chunk in stream`; closing it closes
    the HTTP stream at once, which is how Ollama is told to stop."""

    def __init__(
        self,
        pool: ServerPool,
        model: str,
        request: dict[str, Any],
        prepare: Callable[[], Awaitable[dict[str, Any]]] | None = None,
        on_answer: Callable[[], Any] | None = None,
    ) -> None:
        self._pool = pool
        self._model = model
        self._request = request
        self._prepare = prepare
        self._on_answer = on_answer  # the server answered: the model is loaded now
        self._splitter = ThinkSplitter()
        self._entered = False
        self._stream: GenerateStream | None = None
        self._first: GenerationChunk | None = None
        self._ended = False
        self.server: str | None = None  # the server that answered

    async def __aenter__(self) -> GenerationStream:
        """Open the stream and wait for its first chunk; entering again is a no-op."""
        if self._entered:
            return self
        self._entered = True
        if self._prepare is not None:
            self._request = {**self._request, **await self._prepare()}
        last_failure: OllamaError | None = None
        for endpoint in self._pool.candidates():
            stream = endpoint.client.generate(self._model, stream=True, **self._request)
            try:
                await stream.__aenter__()
                first = await stream.__anext__()
            except StopAsyncIteration:
                first = None
            except SERVER_FAILURES as failure:
                await stream.aclose()
                endpoint.breaker.record_failure()
                last_failure = failure
                continue
            except BaseException:
                await stream.aclose()
                raise
            endpoint.breaker.record_success()
            if self._on_answer is not None:
                self._on_answer()
            self._pool.active = endpoint
            self.server = endpoint.url
            self._stream = stream
            if first is None:
                self._ended = True
            else:
                self._first = self._chunk(first)
            return self
        assert last_failure is not None
        raise last_failure

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[GenerationChunk]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[GenerationChunk]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        if self._stream is not None and not self._ended:
            async for chunk in self._stream:
                yield self._chunk(chunk)
        rest = self._splitter.flush()
        if rest:
            yield GenerationChunk(rest, "", True)

    def _chunk(self, wire: Any) -> GenerationChunk:
        text, thinking = self._splitter.feed(wire.response or "")
        return GenerationChunk(text, (wire.thinking or "") + thinking, bool(wire.done))

    @property
    def metrics(self) -> CallMetrics | None:
        """Ollama's own counts, once the stream is done, failed or closed."""
        return None if self._stream is None else self._stream.metrics

    async def aclose(self) -> None:
        if self._stream is not None:
            await self._stream.aclose()


