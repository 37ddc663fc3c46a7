"""The one place an OllamaError becomes an LSP error response."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcException

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
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
