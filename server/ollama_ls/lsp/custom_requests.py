"""Custom requests that expose the editor tools to any client: ollama/models, ollama/capabilities,
ollama/validateModelName, ollama/defaultModel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ollama_ls.lsp.errors import request_failed
from ollama_ls.lsp.core import OllamaLanguageServer
from ollama_ls.lsp.payloads import (
    CapabilitiesResult,
    DefaultModelResult,
    HardwareInfo,
    ModelInfo,
    ValidateModelNameResult,
    to_wire,
)

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
    from ollama_ls.facade import ModelSummary

MODELS = "ollama/models"
CAPABILITIES = "ollama/capabilities"
VALIDATE_MODEL_NAME = "ollama/validateModelName"
DEFAULT_MODEL = "ollama/defaultModel"


def model_payload(model: ModelSummary) -> dict[str, Any]:
    return to_wire(
        ModelInfo(
            name=model.name,
            size=model.size,
            digest=model.digest,
            modified_at=model.modified_at,
            family=model.family,
            parameter_size=model.parameter_size,
            quantization=model.quantization,
            capabilities=list(model.capabilities),
            context_length=model.context_length,
        )
    )


def _param(params: Any, name: str) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


def register(server: OllamaLanguageServer) -> None:
    @server.feature(MODELS)
    async def models(ls: OllamaLanguageServer, params: Any) -> list[dict[str, Any]]:
        from ollama_ls.client import OllamaError

        try:
            found = await ls.tools.list_available_models(force=bool(_param(params, "force")))
        except OllamaError as error:
            raise request_failed(error) from error
        return [model_payload(model) for model in found]

    @server.feature(CAPABILITIES)
    async def capabilities(ls: OllamaLanguageServer, params: Any) -> dict[str, Any]:
        from ollama_ls.client import OllamaError

        try:
            result = await ls.tools.get_supported_capabilities(_param(params, "model") or None)
        except OllamaError as error:
            raise request_failed(error) from error
        return to_wire(
            CapabilitiesResult(
                model=result.model,
                chat=result.chat,
                streaming=result.streaming,
                embeddings=result.embeddings,
                tools=result.tools,
                vision=result.vision,
                insert=result.insert,
                thinking=result.thinking,
                context_length=result.context_length,
                capabilities=list(result.raw),
            )
        )

    @server.feature(VALIDATE_MODEL_NAME)
    def validate_model_name(ls: OllamaLanguageServer, params: Any) -> dict[str, Any]:
        check = ls.tools.validate_model_name(str(_param(params, "name") or ""))
        return to_wire(
            ValidateModelNameResult(check.is_valid, check.message, check.normalized, check.short)
        )

    @server.feature(DEFAULT_MODEL)
    async def default_model(ls: OllamaLanguageServer, params: Any) -> dict[str, Any]:
        from ollama_ls.client import OllamaError

        uri = _param(params, "uri")  # optional: a document, for its workspace folder's model
        configured = ls.settings_for(uri if isinstance(uri, str) else None).model or None
        try:
            choice = await ls.tools.get_default_model()
            installed = (
                choice.installed
                if configured is None
                else await ls.tools.find_installed(configured) is not None
            )
        except OllamaError as error:
            raise request_failed(error) from error
        hardware = choice.hardware
        return to_wire(
            DefaultModelResult(
                model=configured or choice.model,
                configured=configured is not None,
                installed=installed,
                reason="set by the ollama.model setting" if configured else choice.reason,
                recommended=choice.model,
                alternatives=list(choice.alternatives),
                hardware=HardwareInfo(
                    hardware.total_ram, hardware.available_ram, hardware.total_vram,
                    hardware.vram_source,
                ),
            )
        )  # fmt: skip
