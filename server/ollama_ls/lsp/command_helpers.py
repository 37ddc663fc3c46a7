"""Helpers the commands share (arguments, a pull with progress), so that no feature module
imports another."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.operations import Cancelled, Operation
from ollama_ls.lsp.payloads import PullResult


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


async def pull_with_progress(server: OllamaLanguageServer, model: str) -> PullResult:
    """Pull a model showing one overall, monotone percentage; returns the command result."""
    from ollama_ls.client import OllamaError
    from ollama_ls.facade.pull_tracker import PullTracker

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
            return PullResult(model, "cancelled", cancelled=True)
        except OllamaError as error:
            operation.finish(f"Pull of {model} failed")
            server.show_error(error)
            return PullResult(model, "error", cancelled=False, error=str(error))
        operation.report(f"{model} pulled", 100, force=True)
        operation.finish(f"{model} pulled")
    server.show(f"Pulled {model}.", types.MessageType.Info)
    await server.tools.check_status(force=True)
    return PullResult(model, "success", cancelled=False)


def models_named_in_workspace(server: OllamaLanguageServer, kinds: tuple[str, ...]) -> list[str]:
    """Model names the open config files give for slots of `kinds`, as often as they appear."""
    from ollama_ls.scan import file_kind_for, scan

    names: list[str] = []
    for uri, document in list(server.workspace.text_documents.items()):
        kind = file_kind_for(uri, getattr(document, "language_id", None))
        if kind is None:
            continue
        settings = server.settings_for(uri)
        slots = scan(document.source, kind, settings.model_keys, uri, settings.scan.disable)
        names += [slot.value for slot in slots if slot.kind in kinds]
    return names
