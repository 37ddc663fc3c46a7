"""ollama-ls: a language server that brings an Ollama server into any editor."""

__version__ = "0.1.0"
