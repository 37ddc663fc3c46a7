"""OllamaClient: one method per Ollama endpoint, on one pooled httpx.AsyncClient."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, overload

import httpx
from pydantic import BaseModel

from .. import __version__
from .config import ClientConfig
from .errors import CapabilityUnsupported, ConfigurationError, OllamaError, knob
from .loopback import LoopbackFallback, is_localhost
from .metrics import CallRecorder, MetricsSink, TokenCounts, token_counts
from .streams import ChatStream, GenerateStream, PullStream
from .transport import Target, read_body, read_json
from .wire import (
    ChatResponse,
    EmbedResponse,
    GenerateResponse,
    LegacyEmbedding,
    ListedModel,
    Message,
    ModelList,
    RunningList,
    RunningModel,
    ShowResponse,
    StatusResponse,
    VersionResponse,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
KeepAlive = float | str  # seconds, or a Go duration such as "5m"; negative keeps forever
Format = Literal["json"] | Mapping[str, Any]  # "json" or a JSON Schema object
Think = bool | Literal["low", "medium", "high", "max"]
Image = str | bytes  # base64 text, or raw bytes that are encoded for you


class OllamaClient:
    """Async client for one Ollama server. Use `async with` or call `aclose()`."""

    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        metrics: MetricsSink | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config if config is not None else ClientConfig.from_settings()
        self.metrics = metrics if metrics is not None else MetricsSink()
        cfg = self.config
        self._timeout = httpx.Timeout(
            connect=cfg.connect_timeout, read=cfg.read_timeout,
            write=cfg.read_timeout, pool=cfg.read_timeout,
        )
        self._pull_timeout = httpx.Timeout(
            connect=cfg.connect_timeout, read=cfg.pull_timeout,
            write=cfg.read_timeout, pool=cfg.read_timeout,
        )
        limits = httpx.Limits(
            max_connections=cfg.max_connections,
            max_keepalive_connections=min(cfg.max_connections, 10),
        )
        verify = _tls_verification(cfg)
        self._loopback: LoopbackFallback | None = None
        if is_localhost(cfg.base_url):
            # localhost may resolve to ::1 while Ollama listens on 127.0.0.1 only.
            inner = transport or httpx.AsyncHTTPTransport(verify=verify, limits=limits)
            transport = self._loopback = LoopbackFallback(inner, cfg.base_url)
        self._http = httpx.AsyncClient(
            base_url=cfg.base_url,
            headers={
                "User-Agent": f"ollama-ls/{__version__}",
                "Accept": "application/json, application/x-ndjson",
                **cfg.request_headers(),
            },
            timeout=self._timeout,
            limits=limits,
            verify=verify,
            # A redirect would carry the API key and custom headers to wherever it points:
            # API calls never follow one (transport.open_response names the target instead).
            follow_redirects=False,
            transport=transport,
        )

    @property
    def base_url(self) -> str:
        """The resolved server URL, without a trailing slash."""
        return self.config.base_url

    @property
    def loopback_fallback(self) -> str | None:
        """With a `localhost` base URL that was refused while 127.0.0.1 answers: the
        http://127.0.0.1:PORT requests go to instead (set the base URL to it)."""
        return self._loopback.fallback_url if self._loopback is not None else None

    def __repr__(self) -> str:
        return f"OllamaClient(base_url={self.base_url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> OllamaClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    # --- simple calls -------------------------------------------------------------------

    async def heartbeat(self) -> bool:
        """True when Ollama answers GET / ("Ollama is running"); raises otherwise."""
        await self._call("GET", "/", None)
        return True

    async def version(self) -> str:
        return (await self._call("GET", "/api/version", VersionResponse)).version

    async def server_status(self) -> StatusResponse:
        """Whether the server may run Ollama Cloud models. Ollama before /api/status: 404."""
        return await self._call("GET", "/api/status", StatusResponse)

    async def list_models(self) -> list[ListedModel]:
        return (await self._call("GET", "/api/tags", ModelList)).models

    async def running(self) -> list[RunningModel]:
        return (await self._call("GET", "/api/ps", RunningList)).models

    async def show(self, model: str, verbose: bool = False) -> ShowResponse:
        payload = {"model": model, "verbose": True} if verbose else {"model": model}
        return await self._call("POST", "/api/show", ShowResponse, model=model, payload=payload)

    async def delete(self, model: str) -> None:
        await self._call("DELETE", "/api/delete", None, model=model, payload={"model": model})

    async def copy(self, source: str, destination: str) -> None:
        payload = {"source": source, "destination": destination}
        await self._call("POST", "/api/copy", None, model=source, payload=payload)

    def pull(self, model: str, insecure: bool = False) -> PullStream:
        """Progress lines until "success"; raises PullFailed / PullTimedOut."""
        payload = {"model": model, "insecure": insecure, "stream": True}
        return self._stream(PullStream, "/api/pull", model, payload, timeout=self._pull_timeout)

    # --- generation ---------------------------------------------------------------------

    @overload
    def generate(self, model: str, prompt: str = ..., *, stream: Literal[False] = ...,
                 **options: Any) -> Awaitable[GenerateResponse]: ...
    @overload
    def generate(self, model: str, prompt: str = ..., *, stream: Literal[True],
                 **options: Any) -> GenerateStream: ...

    def generate(
        self,
        model: str,
        prompt: str = "",
        *,
        stream: bool = False,
        suffix: str | None = None,
        system: str | None = None,
        images: Sequence[Image] | None = None,
        format: Format | None = None,
        think: Think | None = None,
        raw: bool | None = None,
        keep_alive: KeepAlive | None = None,
        options: Mapping[str, Any] | None = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
    ) -> Awaitable[GenerateResponse] | GenerateStream:
        """POST /api/generate. Await it for one GenerateResponse, or pass stream=True."""
        payload = _without_none(
            model=model, prompt=prompt, suffix=suffix, system=system,
            images=_encode_images(images), format=format, think=think, raw=raw,
            keep_alive=keep_alive, options=options, logprobs=logprobs,
            top_logprobs=top_logprobs, stream=stream,
        )
        prompt_chars = len(prompt) + len(system or "") + len(suffix or "")
        if stream:
            return self._stream(GenerateStream, "/api/generate", model, payload,
                                prompt_chars=prompt_chars, first_token=True)

        def tokens(result: GenerateResponse) -> TokenCounts:
            return token_counts(result, prompt_chars=prompt_chars,
                                completion_chars=len(result.response) + len(result.thinking or ""),
                                generating_s=None)

        return self._call("POST", "/api/generate", GenerateResponse, model=model,
                          payload=payload, tokens=tokens)

    @overload
    def chat(self, model: str, messages: Sequence[Message | Mapping[str, Any]] = ..., *,
             stream: Literal[False] = ..., **options: Any) -> Awaitable[ChatResponse]:
        ...
    @overload
    def chat(self, model: str, messages: Sequence[Message | Mapping[str, Any]] = ..., *,
             stream: Literal[True], **options: Any) -> ChatStream: ...

    def chat(
        self,
        model: str,
        messages: Sequence[Message | Mapping[str, Any]] = (),
        *,
        stream: bool = False,
        tools: Sequence[Mapping[str, Any]] | None = None,
        format: Format | None = None,
        think: Think | None = None,
        keep_alive: KeepAlive | None = None,
        options: Mapping[str, Any] | None = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
    ) -> Awaitable[ChatResponse] | ChatStream:
        """POST /api/chat. Await it for one ChatResponse, or pass stream=True."""
        wire_messages = [_message_to_wire(message) for message in messages]
        payload = _without_none(
            model=model, messages=wire_messages, tools=list(tools) if tools else None,
            format=format, think=think, keep_alive=keep_alive, options=options,
            logprobs=logprobs, top_logprobs=top_logprobs, stream=stream,
        )
        prompt_chars = sum(len(message.get("content") or "") for message in wire_messages)
        if stream:
            return self._stream(ChatStream, "/api/chat", model, payload, prompt_chars=prompt_chars,
                                first_token=True)

        def tokens(result: ChatResponse) -> TokenCounts:
            answer = result.message
            return token_counts(result, prompt_chars=prompt_chars,
                                completion_chars=len(answer.content) + len(answer.thinking or ""),
                                generating_s=None)

        return self._call("POST", "/api/chat", ChatResponse, model=model, payload=payload,
                          tokens=tokens)

    # --- embeddings and residency ------------------------------------------------------

    async def embed(
        self,
        model: str,
        input: str | Sequence[str],
        dimensions: int | None = None,
        truncate: bool | None = None,
        *,
        keep_alive: KeepAlive | None = None,
        options: Mapping[str, Any] | None = None,
        legacy: bool = False,
    ) -> EmbedResponse:
        """POST /api/embed (normalised vectors); legacy=True uses /api/embeddings instead."""
        texts = [input] if isinstance(input, str) else list(input)
        prompt_chars = sum(map(len, texts))
        if legacy:
            return await self._embed_legacy(model, texts, keep_alive, options, prompt_chars)
        payload = _without_none(model=model, input=input if isinstance(input, str) else texts,
                                dimensions=dimensions, truncate=truncate,
                                keep_alive=keep_alive, options=options)
        return await self._call(
            "POST", "/api/embed", EmbedResponse, model=model, payload=payload,
            tokens=lambda r: token_counts(r, prompt_chars=prompt_chars, completion_chars=0,
                                          generating_s=None),
        )

    async def _embed_legacy(self, model, texts, keep_alive, options, prompt_chars):
        """One /api/embeddings call per text: that endpoint takes a single prompt."""
        vectors = []
        for text in texts or [""]:
            payload = _without_none(model=model, prompt=text, keep_alive=keep_alive,
                                    options=options)
            result = await self._call(
                "POST", "/api/embeddings", LegacyEmbedding, model=model, payload=payload,
                tokens=lambda r, n=len(text): token_counts(None, prompt_chars=n,
                                                           completion_chars=0, generating_s=None),
            )
            if result.embedding:
                vectors.append(result.embedding)
        return EmbedResponse(model=model, embeddings=vectors)

    async def load(self, model: str, keep_alive: KeepAlive | None = None) -> None:
        """Load the model into memory now (an empty prompt), optionally for keep_alive."""
        payload = _without_none(model=model, prompt="", stream=False, keep_alive=keep_alive)
        try:
            await self._call("POST", "/api/generate", GenerateResponse, model=model,
                             payload=payload)
        except CapabilityUnsupported as exc:
            if exc.capability != "generate":
                raise
            # An embedding model cannot generate; an empty /api/embed loads it instead.
            payload = _without_none(model=model, input=[], keep_alive=keep_alive)
            await self._call("POST", "/api/embed", EmbedResponse, model=model, payload=payload)

    async def unload(self, model: str) -> None:
        """Unload the model now (empty prompt with keep_alive 0; works for any model)."""
        payload = {"model": model, "prompt": "", "stream": False, "keep_alive": 0}
        await self._call("POST", "/api/generate", GenerateResponse, model=model, payload=payload)

    # --- machinery ----------------------------------------------------------------------

    def _target(self, endpoint: str, model: str | None, read_timeout: float) -> Target:
        return Target(endpoint, model, self.base_url, read_timeout, self.config.advice_for)

    async def _call(
        self,
        method: str,
        endpoint: str,
        model_type: type[ModelT] | None,
        *,
        model: str | None = None,
        payload: Mapping[str, Any] | None = None,
        tokens: Callable[[ModelT], TokenCounts] | None = None,
    ) -> ModelT | None:
        """One non-streamed call: parse the body as `model_type` (None: ignore it)."""
        recorder = CallRecorder(self.metrics, endpoint, model)
        target = self._target(endpoint, model, self.config.read_timeout)
        request = self._http.build_request(method, endpoint, json=payload)
        try:
            if model_type is None:
                result, status = None, (await read_body(self._http, request, target))[1]
            else:
                result, status = await read_json(self._http, request, target, model_type)
        except OllamaError as exc:
            recorder.finish(exc.status, error=exc)
            raise
        recorder.finish(status, tokens=tokens(result) if tokens else None)
        return result

    def _stream(self, stream_type, endpoint, model, payload, *, prompt_chars=0, timeout=None,
                first_token=False):
        """A streamed call. With `first_token`, the wait for the first chunk (model load,
        prompt evaluation) is `first_token_timeout`, the waits after it `read_timeout`: httpx
        then waits as long as the longer of the two and the stream enforces each."""
        timeout = timeout or self._timeout
        first_timeout = self.config.first_token_timeout if first_token else None
        target = self._target(endpoint, model, timeout.read)
        if first_timeout is not None:
            longest = max(first_timeout, timeout.read or 0.0)
            timeout = httpx.Timeout(connect=timeout.connect, read=longest,
                                    write=timeout.write, pool=timeout.pool)
        request = self._http.build_request("POST", endpoint, json=payload, timeout=timeout)
        recorder = CallRecorder(self.metrics, endpoint, model)
        return stream_type(self._http, request, target, recorder, prompt_chars=prompt_chars,
                           first_token_timeout=first_timeout)


def _tls_verification(config: ClientConfig) -> bool | ssl.SSLContext:
    if not config.verify:
        return False
    if not config.ca_bundle:
        return True
    try:
        return ssl.create_default_context(cafile=config.ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(
            f"Cannot read the CA bundle {config.ca_bundle}: {exc}", server=config.base_url,
            suggestion=f"Give a readable PEM file as {knob('ca_bundle', config.advice_for)}.",
        ) from exc


def _without_none(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _encode_images(images: Sequence[Image] | None) -> list[str] | None:
    if not images:
        return None
    return [
        base64.b64encode(image).decode("ascii") if isinstance(image, bytes) else image
        for image in images
    ]


def _message_to_wire(message: Message | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(message, Message):
        wire = message.model_dump(exclude_none=True)
    else:
        wire = dict(message)
    if wire.get("images"):
        wire["images"] = _encode_images(wire["images"])
    return wire
