"""Commands that change what is installed or loaded: ollama.pull, ollama.delete, ollama.warmup,
ollama.unload, and ollama.cancel for any running operation."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ollama_ls.client import OllamaError
from ollama_ls.lsp.errors import request_failed
from ollama_ls.lsp.language_server import OllamaLanguageServer
from ollama_ls.lsp.operations import Cancelled, Operation, cancel_operations
from ollama_ls.tools.pull_tracker import PullTracker

PULL = "ollama.pull"
DELETE = "ollama.delete"
WARMUP = "ollama.warmup"
UNLOAD = "ollama.unload"
CANCEL = "ollama.cancel"


def first_argument(args: tuple[Any, ...]) -> dict[str, Any]:
    """Commands take one object; a bare string is accepted as the model name."""
    if not args:
        return {}
    first = args[0]
    if isinstance(first, str):
        return {"model": first}
    return first if isinstance(first, dict) else {}


def model_argument(server: OllamaLanguageServer, args: tuple[Any, ...]) -> str:
    model = str(first_argument(args).get("model") or "").strip()
    if not model:
        message = "Which model? Pass {\"model\": \"name\"}, e.g. {\"model\": \"llama3.2\"}."
        server.show(message, types.MessageType.Error)
        raise JsonRpcInvalidParams(message)
    check = server.tools.validate_model_name(model)
    if not check.is_valid:
        server.show(f"{model}: {check.message}", types.MessageType.Error)
        raise JsonRpcInvalidParams(f"{model}: {check.message}")
    return model


async def pull_with_progress(server: OllamaLanguageServer, model: str) -> dict[str, Any]:
    """Pull a model showing one overall, monotone percentage; returns the command result."""
    tracker = PullTracker()
    async with Operation(server, "pull", f"Pulling {model}", model) as operation:

        async def consume() -> None:
            async for progress in server.tools.pull(model):
                tracker.update(progress.status, progress.digest, progress.total, progress.completed)
                operation.report(tracker.message(), tracker.percentage)

        try:
            await operation.run(consume())
        except Cancelled:
            operation.finish(f"Pull of {model} cancelled")
            server.show(f"Pull of {model} cancelled.", types.MessageType.Info)
            return {"model": model, "status": "cancelled", "cancelled": True}
        except OllamaError as error:
            operation.finish(f"Pull of {model} failed")
            server.show_error(error)
            return {"model": model, "status": "error", "cancelled": False, "error": str(error)}
        operation.report(f"{model} pulled", 100, force=True)
        operation.finish(f"{model} pulled")
    server.show(f"Pulled {model}.", types.MessageType.Info)
    await server.tools.check_status(force=True)
    return {"model": model, "status": "success", "cancelled": False}


def register(server: OllamaLanguageServer) -> None:
    @server.command(PULL)
    async def pull(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        return await pull_with_progress(ls, model_argument(ls, args))

    async def change_model(
        ls: OllamaLanguageServer, args: tuple[Any, ...], action: Any, done: str, status: str
    ) -> dict[str, Any]:
        model = model_argument(ls, args)
        try:
            await action(ls.tools)(model)
        except OllamaError as error:
            ls.show_error(error)
            raise request_failed(error) from error
        ls.show(done.format(model=model))
        await ls.tools.check_status(force=True)
        return {"model": model, "status": status}

    @server.command(DELETE)
    async def delete(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        return await change_model(ls, args, lambda t: t.delete, "Deleted {model}.", "deleted")

    @server.command(WARMUP)
    async def warmup(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        return await change_model(ls, args, lambda t: t.warm_up, "{model} is loaded.", "loaded")

    @server.command(UNLOAD)
    async def unload(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        return await change_model(ls, args, lambda t: t.unload, "{model} is unloaded.", "unloaded")

    @server.command(CANCEL)
    def cancel(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        target = first_argument(args).get("id")
        return {"cancelled": cancel_operations(ls, target)}
