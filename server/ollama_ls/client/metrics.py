"""One record per client call: timing and token counts, kept in a small ring buffer."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("ollama_ls.client.metrics")

CHARS_PER_TOKEN = 4  # rough English average, used only when Ollama sent no counts


@dataclass(frozen=True, slots=True)
class CallMetrics:
    endpoint: str  # "/api/chat"
    model: str | None
    duration_s: float
    status: int | None  # HTTP status; None when no answer arrived
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    tokens_per_second: float | None = None
    time_to_first_token_s: float | None = None
    chunk_count: int = 0
    estimated: bool = False  # token numbers are chars/4 guesses, not Ollama's counts
    cost: float = 0.0
    error: str | None = None  # the OllamaError class name when the call failed
    closed_early: bool = False  # the consumer closed a stream before done
    # Streamed chunks that carried thinking (Ollama sends about one token per chunk; its
    # eval_count counts thinking and answer together). None: the model did not think.
    thinking_tokens: int | None = None


class MetricsSink:
    """Keeps the last `capacity` records, logs each at DEBUG and tells listeners."""

    def __init__(self, capacity: int = 256) -> None:
        self._records: deque[CallMetrics] = deque(maxlen=capacity)
        self._listeners: list[Callable[[CallMetrics], None]] = []

    def record(self, metrics: CallMetrics) -> None:
        self._records.append(metrics)
        logger.debug("%s", metrics)
        for listener in self._listeners:
            try:
                listener(metrics)
            except Exception:  # a broken listener must not fail the call it measures
                logger.exception("metrics listener failed")

    def add_listener(self, listener: Callable[[CallMetrics], None]) -> None:
        self._listeners.append(listener)

    @property
    def records(self) -> list[CallMetrics]:
        return list(self._records)

    @property
    def last(self) -> CallMetrics | None:
        return self._records[-1] if self._records else None

    def clear(self) -> None:
        self._records.clear()


@dataclass(frozen=True, slots=True)
class TokenCounts:
    prompt_tokens: int | None
    completion_tokens: int | None
    tokens_per_second: float | None
    estimated: bool


def token_counts(
    ollama: object | None,
    *,
    prompt_chars: int,
    completion_chars: int,
    generating_s: float | None,
) -> TokenCounts:
    """Ollama's own counts from a final chunk/response, else a chars/4 estimate.

    `ollama` is anything with prompt_eval_count / eval_count / eval_duration attributes.
    `generating_s` is the wall time from first token to done, for the estimated rate.
    """
    prompt = getattr(ollama, "prompt_eval_count", None)
    completion = getattr(ollama, "eval_count", None)
    eval_ns = getattr(ollama, "eval_duration", None)
    if prompt is not None or completion is not None or eval_ns:
        # Ollama omits counters that are 0, so a missing one next to a present one means 0.
        completion = completion or 0
        rate = completion / (eval_ns / 1e9) if eval_ns else None
        return TokenCounts(prompt or 0, completion, rate, estimated=False)
    prompt_estimate = _estimate(prompt_chars)
    completion_estimate = _estimate(completion_chars)
    rate = completion_estimate / generating_s if generating_s and completion_estimate else None
    return TokenCounts(prompt_estimate, completion_estimate, rate, estimated=True)


def _estimate(chars: int) -> int:
    return -(-chars // CHARS_PER_TOKEN)  # ceiling


class CallRecorder:
    """Times one call and records its CallMetrics exactly once."""

    def __init__(self, sink: MetricsSink, endpoint: str, model: str | None) -> None:
        self.sink = sink
        self.endpoint = endpoint
        self.model = model
        self.started = time.perf_counter()
        self.first_token_at: float | None = None
        self.metrics: CallMetrics | None = None

    def first_token(self) -> None:
        if self.first_token_at is None:
            self.first_token_at = time.perf_counter()

    def generating_s(self) -> float | None:
        if self.first_token_at is None:
            return None
        return time.perf_counter() - self.first_token_at

    def finish(
        self,
        status: int | None,
        *,
        tokens: TokenCounts | None = None,
        chunk_count: int = 0,
        error: BaseException | None = None,
        closed_early: bool = False,
        thinking_tokens: int | None = None,
    ) -> CallMetrics:
        if self.metrics is not None:
            return self.metrics
        first = self.first_token_at
        self.metrics = CallMetrics(
            endpoint=self.endpoint,
            model=self.model,
            duration_s=time.perf_counter() - self.started,
            status=status,
            prompt_tokens=tokens.prompt_tokens if tokens else None,
            completion_tokens=tokens.completion_tokens if tokens else None,
            tokens_per_second=tokens.tokens_per_second if tokens else None,
            time_to_first_token_s=first - self.started if first is not None else None,
            chunk_count=chunk_count,
            estimated=tokens.estimated if tokens else False,
            error=type(error).__name__ if error is not None else None,
            closed_early=closed_early,
            thinking_tokens=thinking_tokens or None,
        )
        self.sink.record(self.metrics)
        return self.metrics
