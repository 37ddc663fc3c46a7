"""Helpers for the client's respx tests: a byte stream with awkward read boundaries."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from ollama_ls.client import ClientConfig, MetricsSink, OllamaClient

BASE = "http://ollama.test:11434"


def ndjson(*objects: dict) -> bytes:
    return b"".join(json.dumps(obj).encode() + b"\n" for obj in objects)


class ChunkedStream(httpx.AsyncByteStream):
    """Yields the given pieces as separate reads, then optionally raises `fail_with`."""

    def __init__(self, *pieces: bytes, fail_with: Exception | None = None) -> None:
        self.pieces = pieces
        self.fail_with = fail_with
        self.yielded = 0
        self.closed = False

    async def __aiter__(self):
        for piece in self.pieces:
            self.yielded += 1
            yield piece
        if self.fail_with is not None:
            raise self.fail_with

    async def aclose(self) -> None:
        self.closed = True


def split_every(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def streamed(*pieces: bytes, fail_with: Exception | None = None, status: int = 200):
    stream = ChunkedStream(*pieces, fail_with=fail_with)
    response = httpx.Response(
        status, headers={"content-type": "application/x-ndjson"}, stream=stream
    )
    return response, stream


def error_body(message: str, status: int) -> httpx.Response:
    return httpx.Response(status, json={"error": message})


@pytest.fixture
def ollama():
    """A respx router standing in for Ollama at BASE."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client():
    async with OllamaClient(ClientConfig(base_url=BASE), metrics=MetricsSink()) as client:
        yield client


def sent_json(route) -> dict:
    return json.loads(route.calls.last.request.content)
