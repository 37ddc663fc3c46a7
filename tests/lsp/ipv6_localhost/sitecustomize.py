"""Put on PYTHONPATH of a test's `ollama-ls` process: that process acts as if its localhost
resolved to ::1 (the client's one resolver hook, ollama_ls.client.loopback)."""

from ollama_ls.client import loopback

loopback.LOCALHOST_ADDRESS = "::1"
