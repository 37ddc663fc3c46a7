"""Commands that change what is installed or loaded: ollama.pull, ollama.delete, ollama.warmup,
ollama.unload, and ollama.cancel for any running operation."""

from __future__ import annotations

from typing import Any


from ollama_ls.lsp.errors import request_failed
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.payloads import CancelResult, ModelCommandResult, to_wire
from ollama_ls.lsp.command_helpers import first_argument, model_argument, pull_with_progress

PULL = "ollama.pull"
DELETE = "ollama.delete"
WARMUP = "ollama.warmup"
UNLOAD = "ollama.unload"
CANCEL = "ollama.cancel"


def register(server: OllamaLanguageServer) -> None:
    @server.command(PULL)
    async def pull(ls: OllamaLanguageServer, *args: Any) -> dict[str, Any]:
        return to_wire(await pull_with_progress(ls, model_argument(ls, args)))

    async def change_model(
        ls: OllamaLanguageServer, args: tuple[Any, ...], action: Any, done: str, status: str
    ) -> dict[str, Any]:
        from ollama_ls.client import OllamaError

        model = model_argument(ls, args)
        try:
            await action(ls.tools)(model)
        except OllamaError as error:
            ls.show_error(error)
            raise request_failed(error) from error
        ls.show(done.format(model=model))
        await ls.tools.check_status(force=True)
        return to_wire(ModelCommandResult(model, status))

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
        return to_wire(CancelResult(ls.operations.cancel(target)))
