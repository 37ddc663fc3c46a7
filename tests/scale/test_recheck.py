"""Diagnostics at scale, as mechanisms (never timings): the installed-name index is built once
per model list, a recheck runs off the event loop, and a newer edit cancels an older recheck."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

from ollama_ls import findings
from ollama_ls.findings import check_document, installed_index
from ollama_ls.lsp import diagnostics
from ollama_ls.scan import FileKind, scan
from pygls.workspace import TextDocument

URI = "file:///w/agents.yaml"


def _yaml(references: int) -> str:
    lines = ["agents:"]
    for i in range(references):
        lines += [f"  - name: a{i}", "    provider: ollama", f"    model: model{i % 40}"]
    return "\n".join(lines) + "\n"


def test_the_installed_index_is_built_once_per_model_list(monkeypatch):
    installed = [f"model{i}:latest" for i in range(0, 1000, 2)]
    text = _yaml(300)
    slots = scan(text, FileKind.YAML)
    built = []
    original = findings.InstalledIndex.__init__

    def counting(self, names):
        built.append(len(names))
        original(self, names)

    monkeypatch.setattr(findings.InstalledIndex, "__init__", counting)
    findings._index_of.cache_clear()
    first = check_document(text, FileKind.YAML, installed, slots=slots, spelling=False)
    again = check_document(text, FileKind.YAML, list(installed), slots=slots, spelling=False)
    assert built == [500]  # one index for 300 references, and the same list reuses it
    assert first == again
    assert {f.code for f in first} == {"model-not-installed"}
    findings._index_of.cache_clear()


def test_without_spelling_the_findings_only_lose_spelling_alternatives():
    installed = ["llama3.2:latest", "llama3.2:1b", "qwen3:8b", "nomic-embed-text:latest"]
    text = "llm:\n  provider: ollama\n  model: llama3.2:3b\nb:\n  provider: ollama\n  model: qwen3:7b\n"
    full = check_document(text, FileKind.YAML, installed)
    quick = check_document(text, FileKind.YAML, installed_index(installed), spelling=False)
    assert [(f.code, f.message, f.range) for f in full] == [(f.code, f.message, f.range) for f in quick]
    # The other tags of the same model stay (first choice of the quick fix); the rest is looked
    # up by the quick fix when asked.
    assert full[0].alternatives[:2] == quick[0].alternatives == ("llama3.2:latest", "llama3.2:1b")
    assert full[1].alternatives and quick[1].alternatives == ("qwen3:8b",)


class _Server:
    """Just what DiagnosticsScheduler uses of the language server."""

    def __init__(self) -> None:
        self.settings = SimpleNamespace(
            diagnostics=SimpleNamespace(debounce_ms=0, enable=True),
            scan=SimpleNamespace(exclude_files=(), disable=()),
            model_keys=(),
        )
        self.documents = {URI: TextDocument(URI, _yaml(3), version=1, language_id="yaml")}
        self.workspace = SimpleNamespace(get_text_document=self.documents.__getitem__)
        self.tools = SimpleNamespace()
        self.published: list = []
        self._tasks: set = set()

    def settings_for(self, uri):
        return self.settings

    def spawn(self, coroutine, name=None):
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        return task

    def text_document_publish_diagnostics(self, params) -> None:
        self.published.append(params)


def test_a_newer_edit_cancels_an_older_recheck(monkeypatch):
    async def main() -> None:
        server = _Server()
        scheduler = diagnostics.DiagnosticsScheduler(server)
        started, release = threading.Event(), threading.Event()
        loop_thread = threading.get_ident()
        threads: list[int] = []
        runs: list[str] = []

        async def fake_find_problems(tools, text, kind, *args, run, **kwargs):
            def work():
                threads.append(threading.get_ident())
                runs.append(text)
                if len(runs) == 1:  # the first recheck is slow: it waits until released
                    started.set()
                    release.wait(5)
                return []

            return await run(work)

        monkeypatch.setattr(diagnostics, "find_problems", fake_find_problems)
        older = scheduler.schedule(URI, delay=0)
        while not started.is_set():
            await asyncio.sleep(0.001)
        # The event loop is free while the older recheck works: this line runs meanwhile.
        server.documents[URI] = TextDocument(URI, _yaml(4), version=2, language_id="yaml")
        newer = scheduler.schedule(URI, delay=0)
        assert older.cancelled and not newer.cancelled
        await asyncio.sleep(0)
        assert older.task.cancelled() or older.task.done()
        release.set()
        await newer.task
        with_versions = [(p.uri, p.version) for p in server.published]
        assert with_versions == [(URI, 2)]  # the older recheck published nothing
        assert runs == [_yaml(3), _yaml(4)]
        assert loop_thread not in threads  # the work ran off the event loop's thread
        scheduler._executor.shutdown(wait=True)

    asyncio.run(main())


def test_a_cancelled_recheck_that_waits_for_the_worker_never_runs(monkeypatch):
    async def main() -> None:
        server = _Server()
        scheduler = diagnostics.DiagnosticsScheduler(server)
        ran: list[int] = []

        async def fake_find_problems(tools, text, kind, *args, run, **kwargs):
            return await run(lambda: ran.append(len(text)) or [])

        monkeypatch.setattr(diagnostics, "find_problems", fake_find_problems)
        blocker = threading.Event()
        scheduler._executor.submit(blocker.wait, 5)  # the worker is busy
        first = scheduler.schedule(URI, delay=0)
        await asyncio.sleep(0.01)
        second = scheduler.schedule(URI, delay=0)  # cancels `first` while it is queued
        blocker.set()
        await second.task
        assert first.cancelled and ran == [len(_yaml(3))]
        assert [p.version for p in server.published] == [1]
        scheduler._executor.shutdown(wait=True)

    asyncio.run(main())
