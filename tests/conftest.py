"""Shared fixtures: the Ollama emulator is provided by its own pytest plugin."""

import pathlib

import pytest

pytest_plugins = ["ollama_ls.emulator.pytest_plugin"]

# Tests that start `ollama-ls` as a subprocess (the language server over stdio, the CLI) are
# end to end: `pytest -m "not e2e"` (./scripts/test --fast) leaves them out.
_E2E_FOLDERS = {"lsp", "cli", "reliability"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if pathlib.Path(str(item.fspath)).parent.name in _E2E_FOLDERS:
            item.add_marker(pytest.mark.e2e)
