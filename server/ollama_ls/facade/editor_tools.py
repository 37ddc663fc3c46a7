"""OllamaEditorTools: everything an editor asks of Ollama, cached, coalesced and failed over.

One object per server configuration. It knows nothing of LSP: editors subscribe to status and
model-list changes with plain callbacks.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from ollama_ls.client import (
    CallMetrics,
    ClientConfig,
    OllamaClient,
    OllamaError,
    resolve_base_url,
)
from ollama_ls.client.errors import knob
from ollama_ls.modelname import ModelRefError, model_key, parse_name, strip_source_suffix
from ollama_ls.facade.breaker import CircuitBreaker
from ollama_ls.facade.config import Preferences, ToolsConfig
from ollama_ls.facade.hardware import HardwareProfile, read_hardware
from ollama_ls.facade.models import (
    Capabilities,
    GenerationSummary,
    ModelDetails,
    ModelSummary,
    NameCheck,
    RunningModelInfo,
    Status,
)
from ollama_ls.facade.recommend import Candidate, Recommendation, recommend
from ollama_ls.facade.servers import SERVER_FAILURES, Endpoint, ServerPool
from ollama_ls.facade.single_flight import SingleFlight
from ollama_ls.facade.status_monitor import StatusMonitor
from ollama_ls.facade.streams import Embeddings, GenerationStream, PullStatus, pull_status
from ollama_ls.facade.ttl_cache import TtlCache
from ollama_ls.listeners import Listeners
from ollama_ls.modelname import is_cloud_name
from ollama_ls.facade.wire_mapping import context_length, iso, running_info, summary

log = logging.getLogger(__name__)

# How long a look at /api/ps stays good for hover ("loaded now").
RUNNING_TTL = 5.0
_UNKNOWN = object()  # a cache miss, where None is a value (the server cannot say)

StatusListener = Callable[[Status | None, Status], Any]
ModelsListener = Callable[[list[ModelSummary]], Any]


class OllamaEditorTools:
    def __init__(
        self,
        config: ToolsConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        hardware_reader: Callable[[int], HardwareProfile] = read_hardware,
    ) -> None:
        self.config = config or ToolsConfig()
        self._clock = clock
        self._read_hardware = hardware_reader
        self.pool = ServerPool([self._endpoint(url) for url in self._server_urls()])
        self._flight = SingleFlight()
        self._models = TtlCache(self.config.model_cache_ttl, clock)
        self._details = TtlCache(self.config.model_cache_ttl, clock)
        self._running = TtlCache(RUNNING_TTL, clock)
        self._cloud_policy = TtlCache(self.config.model_cache_ttl, clock)
        self.monitor = StatusMonitor(self.config, clock, self._probe_status, self._after_probe)
        self._models_listeners: Listeners[[list[ModelSummary]]] = Listeners("model list")
        self._last_model_names: frozenset[str] | None = None
        self._generation_listeners: Listeners[[GenerationSummary]] = Listeners("generation")
        self.last_generation: GenerationSummary | None = None
        for endpoint in self.pool.endpoints:
            endpoint.client.metrics.add_listener(self._heard_call)

    # -- construction -----------------------------------------------------------------------

    def _server_urls(self) -> list[str]:
        primary = resolve_base_url(explicit=self.config.base_url, env=os.environ)
        fallbacks = [
            resolve_base_url(explicit=url, env=os.environ)
            for url in self.config.fallback_urls
            if url.strip()
        ]
        return list(dict.fromkeys([primary, *fallbacks]))

    def _endpoint(self, url: str) -> Endpoint:
        client_config = ClientConfig.from_settings(
            base_url=url,
            headers=self.config.headers,
            api_key=self.config.api_key,
            verify=self.config.verify_tls,
            ca_bundle=self.config.ca_bundle,
            read_timeout=self.config.timeout,
            first_token_timeout=self.config.first_token_timeout,
            advice_for=self.config.advice_for,
        )
        breaker = CircuitBreaker(
            self.config.failure_threshold, self.config.breaker_cool_down, self._clock
        )
        return Endpoint(url=url, client=OllamaClient(client_config), breaker=breaker)

    async def aclose(self) -> None:
        await self.pool.aclose()

    async def __aenter__(self) -> OllamaEditorTools:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        """The server requests go to now (the primary unless it failed over)."""
        return self.pool.active.url

    # -- subscriptions ----------------------------------------------------------------------

    def on_status_change(self, listener: StatusListener) -> Callable[[], None]:
        return self.monitor.changes.add(listener)

    def on_models_change(self, listener: ModelsListener) -> Callable[[], None]:
        return self._models_listeners.add(listener)

    def on_generation(self, listener: Callable[[GenerationSummary], Any]) -> Callable[[], None]:
        """Called after each streamed generation or chat that ended with Ollama's counts."""
        return self._generation_listeners.add(listener)

    def _heard_call(self, metrics: CallMetrics) -> None:
        finished = (
            metrics.endpoint in ("/api/generate", "/api/chat")
            and metrics.chunk_count > 0
            and metrics.error is None
            and not metrics.closed_early
            and metrics.completion_tokens is not None
        )
        if not finished:
            return
        self.last_generation = GenerationSummary(
            model=metrics.model or "",
            eval_count=metrics.completion_tokens,
            tokens_per_second=metrics.tokens_per_second,
            thinking_tokens=metrics.thinking_tokens,
            time_to_first_token_s=metrics.time_to_first_token_s,
            estimated=metrics.estimated,
        )
        self._generation_listeners.emit(self.last_generation)

    # -- status -----------------------------------------------------------------------------

    @property
    def last_status(self) -> Status | None:
        return self.monitor.last

    @property
    def consecutive_failures(self) -> int:
        return self.monitor.consecutive_failures

    async def check_status(self, force: bool = False) -> Status:
        """Throttled: at most one probe per `health_check_interval`, longer after failures."""
        return await self.monitor.check(force)

    async def _probe_status(self) -> Status:
        started = time.perf_counter()
        servers = tuple(endpoint.url for endpoint in self.pool.endpoints)
        try:
            version, models, running = await self.pool.call(self._status_calls)
        except OllamaError as error:
            return Status(
                reachable=False,
                base_url=self.pool.primary.url,
                error=error.message,
                suggestion=error.suggestion,
                servers=servers,
            )
        self._store_models(models)
        return Status(
            reachable=True,
            base_url=self.pool.active.url,
            version=version,
            model_count=len(models),
            running_models=tuple(self._store_running(running)),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            suggestion=self._loopback_advice(),
            servers=servers,
        )

    def _loopback_advice(self) -> str | None:
        """When `localhost` was refused and 127.0.0.1 answered (localhost resolves to ::1
        here, Ollama listens on IPv4 only): say which address to set."""
        url = self.pool.active.client.loopback_fallback
        if url is None:
            return None
        return (
            f"Ollama answers at {url} but not at localhost, which resolves to ::1 (IPv6) "
            "here while Ollama listens on 127.0.0.1 only; requests go to 127.0.0.1 for now. "
            f"Set {knob('base_url', self.config.advice_for)} to {url}."
        )

    async def _after_probe(self, previous: Status | None, status: Status) -> None:
        if previous is not None and not previous.reachable and status.reachable:
            await self._models_listeners.emit_async(self._cached_models() or [])
        if status.reachable:
            await self._announce_model_list()

    async def _status_calls(self, client: OllamaClient) -> tuple[str, list, list]:
        version, models, running = await asyncio.gather(
            client.version(), client.list_models(), client.running()
        )
        return version, models, running

    # -- models -----------------------------------------------------------------------------

    def _cached_models(self) -> list[ModelSummary] | None:
        return self._models.get(self.pool.active.url)

    def _store_models(self, wire_models: list) -> list[ModelSummary]:
        models = [summary(model) for model in wire_models]
        self._models.put(self.pool.active.url, models)
        return models

    async def list_available_models(self, force: bool = False) -> list[ModelSummary]:
        cached = None if force else self._cached_models()
        if cached is not None:
            return cached
        models = await self._flight.do("models", self._fetch_models)
        await self._announce_model_list()
        return models

    async def _fetch_models(self) -> list[ModelSummary]:
        wire_models = await self.pool.call(lambda client: client.list_models())
        return self._store_models(wire_models)

    async def _announce_model_list(self) -> None:
        models = self._cached_models()
        if models is None:
            return
        names = frozenset(model.name for model in models)
        previous, self._last_model_names = self._last_model_names, names
        if previous is not None and names != previous:
            await self._models_listeners.emit_async(models)

    def installed_names(self) -> list[str] | None:
        """Names from the cache only (no request): None when not known."""
        models = self._cached_models()
        return None if models is None else [model.name for model in models]

    async def find_installed(self, name: str) -> ModelSummary | None:
        key = model_key(name)
        for model in await self.list_available_models():
            if model_key(model.name) == key:
                return model
        return None

    async def _show(self, model: str) -> Any:
        key = (self.pool.active.url, model_key(model))
        cached = self._details.get(key)
        if cached is not None:
            return cached

        async def fetch() -> Any:
            details = await self.pool.call(lambda client: client.show(model))
            self._details.put((self.pool.active.url, key[1]), details)
            return details

        return await self._flight.do(("show", key), fetch)

    async def cloud_disabled(self) -> bool | None:
        """Whether the server refuses Ollama Cloud models (GET /api/status, cached like the
        model list); None when it cannot say (an Ollama without /api/status, or no answer)."""
        key = self.pool.active.url
        known = self._cloud_policy.get(key, _UNKNOWN)
        if known is not _UNKNOWN:
            return known

        async def fetch() -> bool | None:
            try:
                status = await self.pool.call(lambda client: client.server_status())
            except OllamaError:
                disabled = None
            else:
                disabled = status.cloud.disabled
            self._cloud_policy.put(key, disabled)
            return disabled

        return await self._flight.do(("cloud policy", key), fetch)

    async def get_supported_capabilities(self, model: str | None = None) -> Capabilities:
        name = model or await self.resolve_default_model_name()
        show = await self._show(name)
        raw = tuple(show.capabilities or ())
        # Models created before capabilities were recorded can generate.
        chat = "completion" in raw or not raw
        return Capabilities(
            model=name,
            chat=chat,
            streaming=chat,
            embeddings="embedding" in raw,
            tools="tools" in raw,
            vision="vision" in raw,
            insert="insert" in raw,
            thinking="thinking" in raw,
            context_length=context_length(show),
            raw=raw,
        )

    async def get_model_details(self, name: str) -> ModelDetails:
        """Everything hover shows: /api/show, the list entry and whether it is loaded now."""
        show, summary, running = await asyncio.gather(
            self._show(name), self.find_installed(name), self.running_models()
        )
        key = model_key(name)
        loaded = next((m for m in running if model_key(m.name) == key), None)
        details = show.details
        license_text = (show.license or "").strip()
        return ModelDetails(
            name=summary.name if summary else name,
            family=details.family or "",
            parameter_size=details.parameter_size or "",
            quantization=details.quantization_level or "",
            context_length=context_length(show),
            capabilities=tuple(show.capabilities or ()),
            size=summary.size if summary else None,
            modified_at=summary.modified_at if summary else iso(show.modified_at),
            license_first_line=license_text.splitlines()[0] if license_text else None,
            loaded=loaded is not None,
            loaded_size_vram=loaded.size_vram if loaded else None,
            loaded_context_length=loaded.context_length if loaded else None,
            loaded_until=loaded.expires_at if loaded else None,
            cloud=is_cloud_name(name) or bool(getattr(show, "remote_host", None)),
        )

    async def running_models(self) -> list[RunningModelInfo]:
        """What is loaded now; answers within RUNNING_TTL seconds come from the last look."""
        cached = self._running.get(self.pool.active.url)
        if cached is not None:
            return cached
        wire = await self._flight.do("running", lambda: self.pool.call(lambda c: c.running()))
        return self._store_running(wire)

    def _store_running(self, wire: list) -> list[RunningModelInfo]:
        running = [running_info(m) for m in wire]
        self._running.put(self.pool.active.url, running)
        return running

    # -- names and defaults -----------------------------------------------------------------

    @staticmethod
    def validate_model_name(name: str) -> NameCheck:
        try:
            base, source = strip_source_suffix(name)
        except ModelRefError as error:
            return NameCheck(False, str(error))
        parsed = parse_name(base)
        problem = parsed.first_problem()
        if problem:
            return NameCheck(False, f"invalid model name: {problem}")
        suffix = f" (from {source})" if source else ""
        return NameCheck(
            True,
            f"{parsed.display_shortest()} is a valid model name{suffix}",
            normalized=str(parsed),
            short=parsed.display_shortest(),
        )

    async def get_default_model(self) -> Recommendation:
        models = await self.list_available_models()
        try:
            running = await self.running_models()
        except OllamaError:
            running = []
        hardware = self._read_hardware(sum(model.size_vram for model in running))
        candidates = [
            Candidate(m.name, m.size, m.parameter_size, m.capabilities) for m in models
        ]
        return recommend(candidates, hardware)

    async def resolve_default_model_name(
        self, named_in_workspace: Sequence[str] = (), preferences: Preferences | None = None
    ) -> str:
        """The model to generate with when none is asked for: the setting; else an installed
        model the workspace's own configs name (most named first); else a loaded model that
        writes text; else the recommendation. Reasoning and embedding-only models only when
        nothing else fits."""
        default_model = (preferences or self.config.preferences()).default_model
        if default_model:
            return default_model
        models = await self.list_available_models()
        by_key = {model_key(m.name): m for m in models}
        counts = Counter(model_key(name) for name in named_in_workspace if name.strip())
        named = [by_key[key] for key, _ in counts.most_common() if key in by_key]
        try:
            running = [by_key[k] for k in (model_key(m.name) for m in await self.running_models()) if k in by_key]
        except OllamaError:
            running = []
        for candidate in (*named, *running):
            if _writes_text(candidate):
                return candidate.name
        return (await self.get_default_model()).model

    # -- changes to the model store ---------------------------------------------------------

    def invalidate(self) -> None:
        self._models.clear()
        self._details.clear()
        self._running.clear()
        self._cloud_policy.clear()

    async def refresh_models(self) -> list[ModelSummary]:
        self.invalidate()
        return await self.list_available_models(force=True)

    async def pull(self, model: str) -> AsyncIterator[PullStatus]:
        """Progress of a pull from the active server; the caches refresh when it ends."""
        client = self.pool.active.client
        try:
            async for progress in client.pull(model):
                yield pull_status(progress)
        finally:
            self.invalidate()
        await self.refresh_models()

    # Changes to the store go to the active server only: failing over would change another one.

    async def delete(self, model: str) -> None:
        try:
            await self.pool.active.client.delete(model)
        finally:
            self.invalidate()
        await self.refresh_models()

    async def copy(self, source: str, destination: str) -> None:
        try:
            await self.pool.active.client.copy(source, destination)
        finally:
            self.invalidate()
        await self.refresh_models()

    # -- generation -------------------------------------------------------------------------

    def generation_options(
        self, preferences: Preferences | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """The request's keyword arguments with the keep_alive setting added."""
        keep_alive = (preferences or self.config.preferences()).keep_alive
        if keep_alive is not None:
            overrides.setdefault("keep_alive", keep_alive)
        return overrides

    def generate(
        self, model: str, preferences: Preferences | None = None, **request: Any
    ) -> GenerationStream:
        """A streamed /api/generate (prompt, suffix, system, raw, think, options ...), failed
        over to another server only until its first chunk arrives. The contextLength setting
        goes in as options.num_ctx; the think setting only to models that can think.
        `preferences` (a workspace folder's) replace the settings this facade was made with."""
        preferences = preferences or self.config.preferences()
        request = self.generation_options(preferences, **request)
        if preferences.context_length is not None:
            options = dict(request.get("options") or {})
            options.setdefault("num_ctx", preferences.context_length)
            request["options"] = options
        return GenerationStream(
            self.pool,
            model,
            request,
            self._think_option(model, request, preferences.think),
            self._running.clear,
        )

    def _think_option(
        self, model: str, request: dict[str, Any], think: bool | str | None
    ) -> Callable[[], Awaitable[dict]]:
        async def option() -> dict[str, Any]:
            if "think" in request or think is None:
                return {}
            try:
                capabilities = await self.get_supported_capabilities(model)
            except OllamaError:
                return {}  # the generation itself will say what is wrong
            return {"think": think} if capabilities.thinking else {}

        return option

    async def embed(self, model: str, texts: str | list[str]) -> Embeddings:
        response = await self.pool.call(
            lambda client: client.embed(model, texts, **self.generation_options())
        )
        return Embeddings(response.model, tuple(tuple(v) for v in response.embeddings))

    async def warm_up(self, model: str, preferences: Preferences | None = None) -> None:
        keep_alive = (preferences or self.config.preferences()).keep_alive
        await self.pool.call(lambda client: client.load(model, keep_alive=keep_alive))
        await self.check_status(force=True)

    async def unload(self, model: str) -> None:
        await self.pool.call(lambda client: client.unload(model))
        await self.check_status(force=True)


__all__ = ["OllamaEditorTools", "SERVER_FAILURES"]


def _writes_text(model: ModelSummary) -> bool:
    """A general or code model: not embedding-only, not a reasoning model (which would think
    before every completion). Unknown capabilities count as general."""
    capabilities = set(model.capabilities)
    if not capabilities:
        return True
    return "completion" in capabilities and "thinking" not in capabilities
