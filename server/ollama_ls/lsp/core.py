"""The server object: pygls' LanguageServer plus the state every feature shares."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ollama_ls import __version__
from ollama_ls.listeners import Listeners
from ollama_ls.lsp.events import DocumentEvents
from ollama_ls.lsp.folder_settings import FolderSettings, connection_differences, layered
from ollama_ls.lsp.operations import OperationRegistry
from ollama_ls.lsp.protocol import OllamaProtocol

# Kept off the path to the `initialize` answer (issue 12, docs/performance.md section 6): the
# settings (pydantic), the facade and its HTTP client are imported when first needed, and the
# initializationOptions are applied right after the answer is written (`apply_initial_settings`).
if TYPE_CHECKING:
    from ollama_ls.facade import OllamaEditorTools, Preferences
    from ollama_ls.lsp.settings import Settings

log = logging.getLogger(__name__)

_NOTHING: Any = object()


class OllamaLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ollama-ls", __version__, protocol_cls=OllamaProtocol)
        self._settings: Settings | None = None  # the server's: initializationOptions, later pushes
        self.folder_settings = FolderSettings()  # each workspace folder's, pulled by scopeUri
        # Emitted after either changes: features that cache what settings decide redo it.
        self.settings_changed: Listeners[[]] = Listeners("settings")
        self.initialized: Listeners[[]] = Listeners("initialized")
        self._tools: OllamaEditorTools | None = None  # built when first needed
        self._initial_settings: Any = _NOTHING  # initializationOptions, until applied
        self._reported_problems: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        # Coroutines run for every tools object once the client is initialized, and again each
        # time settings move the server elsewhere: features subscribe to it there.
        self.tools_listeners: list[Callable[[OllamaEditorTools], Awaitable[None]]] = []
        self.started = False
        self._trust_later_settings = True
        self._trusted_section: Any = None
        self._section: dict[str, Any] = {}  # the server's `ollama` section, as applied
        self.operations = OperationRegistry()  # running pulls and generations
        self.document_events = DocumentEvents()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from ollama_ls.lsp.settings import Settings

            self._settings = Settings()
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def tools(self) -> OllamaEditorTools:
        """The facade over the Ollama server the settings name (built on first use)."""
        if self._tools is None:
            from ollama_ls.facade import OllamaEditorTools

            self._tools = OllamaEditorTools(self.settings.tools_config())
        return self._tools

    @tools.setter
    def tools(self, tools: OllamaEditorTools) -> None:
        self._tools = tools

    # -- background work --------------------------------------------------------------------

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task:
        """Run in the background; keep a reference so the task is not collected; log failures."""
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def request_cancelled(self, request_id: Any) -> None:
        """`$/cancelRequest` arrived: cancel the operations that request started."""
        self.operations.cancel_request(request_id)

    # -- user-facing messages ---------------------------------------------------------------

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def show_error(self, error: Exception) -> None:
        self.show(str(error), types.MessageType.Error)

    # -- settings ---------------------------------------------------------------------------

    def defer_initial_settings(self, raw: Any) -> None:
        """The `initialize` handler: keep the initializationOptions for `apply_initial_settings`,
        which runs once the answer is written and before any later message is handled."""
        self._initial_settings = raw

    def apply_initial_settings(self) -> None:
        """Apply the initializationOptions kept by `defer_initial_settings` (once), then load
        what the features import lazily, so the first requests do not pay for it."""
        raw, self._initial_settings = self._initial_settings, _NOTHING
        if raw is _NOTHING:
            return
        old_tools = self._apply_settings(raw, initial=True)
        if old_tools is not None:  # started is False before `initialized`: nothing to attach
            self.spawn(self._close_when_idle(old_tools), name="close old tools")
        _load_feature_modules()

    async def apply_settings(self, raw: Any, *, initial: bool = False) -> None:
        """Settings from initializationOptions (`initial`) or a later change/pull.

        Never raises: a bad value is reported once and its default used; settings the client
        cannot be built from (a surprise the validators missed) fall back to the defaults.
        Untrusted sources (docs/reliability.md, "settings a project can set") keep only
        PROJECT_SAFE_KEYS; every other key keeps the user's own value.
        """
        old_tools = self._apply_settings(raw, initial=initial)
        if old_tools is not None:
            if self.started:
                await self.attach_tools()
            # A pull or generation running on the old server finishes there.
            self.spawn(self._close_when_idle(old_tools), name="close old tools")

    def _apply_settings(self, raw: Any, *, initial: bool) -> OllamaEditorTools | None:
        """`apply_settings` up to the new tools: the tools replaced, if any, to close."""
        from ollama_ls.client import redact_text
        from ollama_ls.facade import OllamaEditorTools
        from ollama_ls.lsp.settings import (
            TRUST_KEY,
            Settings,
            ignore_project_settings_from_env,
            parse_settings,
            section_of,
        )

        if initial:
            section = section_of(raw)
            # Only the editor's own initializationOptions (or the environment) can say this.
            self._trust_later_settings = section.get(TRUST_KEY) is not False
            self._trusted_section = None if ignore_project_settings_from_env() else raw
        if self._untrusted(initial=initial):
            raw = self._project_safe_only(raw)
        settings, problems = parse_settings(raw)
        for problem in problems:
            self._report(problem)
        self._section = section_of(raw)

        def tools_for(settings: Settings) -> OllamaEditorTools | None:
            """New tools when the settings move the server elsewhere (or none were built)."""
            if self._tools is None or self.settings.tools_config() != settings.tools_config():
                return OllamaEditorTools(settings.tools_config())
            return None

        try:
            new_tools = tools_for(settings)
        except Exception as error:  # noqa: BLE001 - a setting must never stop the server
            log.warning("settings rejected: %s", type(error).__name__)
            self._report(
                f"Settings could not be used ({redact_text(str(error)).splitlines()[0]}); "
                "using the defaults."
            )
            settings = Settings()
            try:
                new_tools = tools_for(settings)
            except Exception:  # noqa: BLE001 - e.g. a broken OLLAMA_HOST: keep what runs
                log.warning("default settings rejected too; keeping the current ones")
                return None
        self.settings = settings
        self.settings_changed.emit()
        if new_tools is None:
            return None
        old_tools, self._tools = self._tools, new_tools
        return old_tools

    def _untrusted(self, *, initial: bool) -> bool:
        """Whether settings from this source keep only PROJECT_SAFE_KEYS: always with the
        environment switch; for anything after initializationOptions when they said so."""
        from ollama_ls.lsp.settings import ignore_project_settings_from_env

        return ignore_project_settings_from_env() or (
            not initial and not self._trust_later_settings
        )

    def _project_safe_only(self, raw: Any) -> Any:
        """Settings from a source the user has not trusted: PROJECT_SAFE_KEYS only; every other
        key keeps the user's own value."""
        from ollama_ls.lsp.settings import (
            IGNORE_PROJECT_SETTINGS_ENV,
            TRUST_KEY,
            restrict_to_project_safe,
        )

        raw, ignored = restrict_to_project_safe(raw, self._trusted_section)
        if ignored:
            self._report(
                f"Ignored project-level settings {', '.join(sorted(ignored))}: "
                "project settings are not trusted here "
                f"({IGNORE_PROJECT_SETTINGS_ENV} or ollama.{TRUST_KEY}: false); "
                "set them in your user configuration or the environment."
            )
        return raw

    def apply_folder_settings(self, raw_by_folder: dict[str, Any]) -> None:
        """Each workspace folder's `ollama` section, as the client answered for its scopeUri,
        over the server's section (a folder whose answer is empty keeps the server's values).

        Never raises; a bad value is reported once and its default used, as for the server's.
        The connection stays the server's: a folder that sets it differently is told so once.
        """
        from ollama_ls.lsp.settings import parse_settings, section_of

        by_folder: dict[str, Settings] = {}
        for folder, raw in raw_by_folder.items():
            if self._untrusted(initial=False):
                raw = self._project_safe_only(raw)
            settings, problems = parse_settings(layered(self._section, section_of(raw)))
            for problem in problems:
                self._report(problem)
            differing = connection_differences(settings, self.settings)
            if differing:
                names = ", ".join(f"ollama.{name}" for name in differing)
                self._report(
                    f"The folder {folder} sets {names} differently: one server serves every "
                    "folder, so the workspace's (or your user) value applies. Set it there."
                )
            by_folder[folder] = settings
        self.folder_settings.replace(by_folder)
        self.settings_changed.emit()

    def settings_for(self, uri: str | None) -> Settings:
        """The settings a document is handled with: its workspace folder's, else the server's."""
        if uri is None:
            return self.settings
        return self.folder_settings.for_document(uri) or self.settings

    def preferences_for(self, uri: str | None) -> Preferences:
        """How to generate for a document (model, keepAlive, contextLength, think)."""
        return self.settings_for(uri).tools_config().preferences()

    def _report(self, problem: str) -> None:
        if problem not in self._reported_problems:
            self._reported_problems.add(problem)
            self.show(problem, types.MessageType.Warning)

    async def _close_when_idle(self, tools: OllamaEditorTools) -> None:
        while self.operations:
            await asyncio.sleep(0.5)
        await tools.aclose()

    async def attach_tools(self) -> None:
        for listener in list(self.tools_listeners):
            await listener(self.tools)


def _load_feature_modules() -> None:
    """Import what the features import when first needed (the scanner, the findings, the
    facade), then keep the long-lived objects out of the collector's full passes (see
    `diagnostics.register`): run after the `initialize` answer, before the next message."""
    import importlib

    for name in ("ollama_ls.scan", "ollama_ls.findings", "ollama_ls.facade.document_problems"):
        importlib.import_module(name)
    gc.freeze()
