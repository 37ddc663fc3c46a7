"""Streamed calls: async iterators and async context managers over one NDJSON response.

Closing a stream closes its HTTP connection at once; that is how Ollama is told to stop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from .errors import OllamaError
from .metrics import CallMetrics, CallRecorder, TokenCounts, token_counts
from .ndjson import LineSplitter, preview
from .transport import Target, open_response
from .wire import ChatChunk, GenerateChunk, PullProgress, ToolCall

ChunkT = TypeVar("ChunkT", bound=BaseModel)


class NdjsonStream(Generic[ChunkT]):
    """Yields one typed chunk per NDJSON line until Ollama says it is done."""

    chunk_type: type[ChunkT]

    def __init__(
        self,
        http: httpx.AsyncClient,
        request: httpx.Request,
        target: Target,
        recorder: CallRecorder,
        *,
        prompt_chars: int = 0,
        first_token_timeout: float | None = None,
    ) -> None:
        self._http = http
        self._request = request
        self._target = target
        self._recorder = recorder
        self._prompt_chars = prompt_chars
        self._response: httpx.Response | None = None
        self._bytes: AsyncIterator[bytes] | None = None
        self._splitter = LineSplitter()
        self._lines: list[bytes] = []
        self._status: int | None = None
        self._chunk_count = 0
        self._done = False
        self._closed = False
        # With a first-token timeout: the deadline for the first line (from the first send),
        # and the read timeout enforced here between lines (httpx waits the longer of the two).
        self._first_token_timeout = first_token_timeout
        self._first_deadline: float | None = None
        self._thinking_chunks = 0  # generate/chat: chunks that carried thinking

    # --- public surface -----------------------------------------------------------------

    @property
    def metrics(self) -> CallMetrics | None:
        """Set once the stream is done, failed or closed."""
        return self._recorder.metrics

    @property
    def done(self) -> bool:
        return self._done

    async def __aenter__(self):
        try:
            await self._open()
        except BaseException as exc:
            await self._fail(exc)
            raise
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    def __aiter__(self):
        return self

    async def __anext__(self) -> ChunkT:
        if self._closed:
            raise StopAsyncIteration
        try:
            await self._open()
            while True:
                line = await self._next_line()
                if line is None:
                    if not self._done:
                        raise self._target.protocol_error(
                            f"The {self._target.endpoint} stream ended before done", self._status
                        )
                    await self._close_response()
                    raise StopAsyncIteration
                if not self._done:
                    break
            chunk = self._parse(line)
            self._chunk_count += 1
            self._absorb(chunk)
            if self._done:
                self._recorder.finish(
                    self._status, tokens=self._tokens(chunk), chunk_count=self._chunk_count,
                    thinking_tokens=self._thinking_chunks,
                )
            return chunk
        except StopAsyncIteration:
            raise
        except BaseException as exc:
            await self._fail(exc)
            raise

    async def aclose(self) -> None:
        """Stop now: close the HTTP connection (Ollama stops generating) and record metrics."""
        if self._closed:
            return
        if not self._done:
            self._recorder.finish(
                self._status, tokens=self._tokens(None), chunk_count=self._chunk_count,
                closed_early=True, thinking_tokens=self._thinking_chunks,
            )
        await self._close_response()

    # --- for subclasses -----------------------------------------------------------------

    def _absorb(self, chunk: ChunkT) -> None:
        """Accumulate what the chunk carries; set self._done on the last one."""
        raise NotImplementedError

    def _tokens(self, final: ChunkT | None) -> TokenCounts | None:
        return None

    # --- machinery ----------------------------------------------------------------------

    async def _open(self) -> None:
        if self._response is not None or self._closed:
            return
        if self._first_token_timeout is None:
            self._response = await open_response(self._http, self._request, self._target)
        else:
            self._response = await self._before_first_line(
                open_response(self._http, self._request, self._target)
            )
        self._status = self._response.status_code
        self._bytes = self._response.aiter_bytes()

    async def _next_line(self) -> bytes | None:
        while not self._lines:
            try:
                data = await self._read()
            except StopAsyncIteration:
                self._lines = self._splitter.flush()
                return self._lines.pop(0) if self._lines else None
            except httpx.HTTPError as exc:
                if self._done:  # everything arrived; a broken ending changes nothing
                    return None
                raise self._target.transport_error(exc) from exc
            self._lines = self._splitter.feed(data)
        return self._lines.pop(0)

    async def _read(self) -> bytes:
        if self._first_token_timeout is None:
            return await self._bytes.__anext__()
        if self._chunk_count == 0:
            return await self._before_first_line(self._bytes.__anext__())
        try:
            async with asyncio.timeout(self._target.read_timeout):
                return await self._bytes.__anext__()
        except TimeoutError:
            raise self._target.read_timeout_error() from None

    async def _before_first_line(self, step):
        """`step` (sending, or reading the body) within the first-token deadline."""
        loop = asyncio.get_running_loop()
        if self._first_deadline is None:
            self._first_deadline = loop.time() + self._first_token_timeout
        try:
            async with asyncio.timeout_at(self._first_deadline):
                return await step
        except TimeoutError:
            raise self._target.first_token_timeout_error(self._first_token_timeout) from None

    def _parse(self, line: bytes) -> ChunkT:
        if self._chunk_count == 0 and line.lstrip().startswith(b"<"):
            raise self._target.response_error(self._status or 200, line)
        try:
            chunk = self.chunk_type.model_validate_json(line)
        except ValidationError:
            raise self._target.protocol_error(
                f"Malformed line in the {self._target.endpoint} stream: {preview(line)}",
                self._status,
            ) from None
        if chunk.error is not None:
            raise self._target.response_error(self._status or 200, line)
        return chunk

    async def _fail(self, exc: BaseException) -> None:
        error = exc if isinstance(exc, OllamaError) else None
        self._recorder.finish(
            error.status if error is not None and error.status else self._status,
            tokens=self._tokens(None) if self._chunk_count else None,
            chunk_count=self._chunk_count, error=error, closed_early=error is None,
        )
        await self._close_response()

    async def _close_response(self) -> None:
        self._closed = True
        if self._response is not None:
            await self._response.aclose()


class _TextStream(NdjsonStream[ChunkT]):
    """Shared by generate and chat: accumulated answer text and thinking."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._text: list[str] = []
        self._thinking: list[str] = []
        self.tool_calls: list[ToolCall] = []
        self.final: ChunkT | None = None

    @property
    def text(self) -> str:
        """The answer so far (all of it once done); kept when the stream fails."""
        return "".join(self._text)

    @property
    def thinking(self) -> str:
        return "".join(self._thinking)

    @property
    def done_reason(self) -> str | None:
        return self.final.done_reason if self.final is not None else None

    def _add(self, text: str, thinking: str | None, tool_calls: list[ToolCall] | None) -> None:
        if text or thinking:
            self._recorder.first_token()
        if text:
            self._text.append(text)
        if thinking:
            self._thinking.append(thinking)
            self._thinking_chunks += 1
        if tool_calls:
            self.tool_calls.extend(tool_calls)

    def _finish_chunk(self, chunk: ChunkT) -> None:
        if chunk.done:
            self._done = True
            self.final = chunk

    def _tokens(self, final: ChunkT | None) -> TokenCounts:
        return token_counts(
            final,
            prompt_chars=self._prompt_chars,
            completion_chars=sum(map(len, self._text)) + sum(map(len, self._thinking)),
            generating_s=self._recorder.generating_s(),
        )


class GenerateStream(_TextStream[GenerateChunk]):
    chunk_type = GenerateChunk

    def _absorb(self, chunk: GenerateChunk) -> None:
        self._add(chunk.response, chunk.thinking, chunk.tool_calls)
        self._finish_chunk(chunk)


class ChatStream(_TextStream[ChatChunk]):
    chunk_type = ChatChunk

    def _absorb(self, chunk: ChatChunk) -> None:
        message = chunk.message
        self._add(message.content, message.thinking, message.tool_calls)
        self._finish_chunk(chunk)


class PullStream(NdjsonStream[PullProgress]):
    """Progress lines of /api/pull; done at {"status": "success"}."""

    chunk_type = PullProgress

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.last: PullProgress | None = None

    def _absorb(self, chunk: PullProgress) -> None:
        self.last = chunk
        if chunk.status == "success":
            self._done = True
