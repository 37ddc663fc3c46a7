"""Shared fixtures: the Ollama emulator is provided by its own pytest plugin."""

pytest_plugins = ["ollama_ls.emulator.pytest_plugin"]
