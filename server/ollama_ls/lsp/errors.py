"""The one place an OllamaError becomes an LSP error response."""

from __future__ import annotations

from pygls.exceptions import JsonRpcException

from ollama_ls.client import OllamaError

REQUEST_FAILED = -32803


def request_failed(error: OllamaError) -> JsonRpcException:
    return JsonRpcException(
        message=str(error),
        code=REQUEST_FAILED,
        data={
            "model": error.model,
            "server": error.server,
            "status": error.status,
            "suggestion": error.suggestion,
            "type": type(error).__name__,
        },
    )
