"""Sending one request and turning every way it can fail into an OllamaError."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from .errors import (
    Audience,
    ConfigurationError,
    OllamaError,
    ProtocolError,
    error_from_response,
    error_from_transport,
    first_token_timed_out,
    read_timed_out,
)
from .ndjson import preview
from .redact import redact_url
from .signals import report_server_failure

logger = logging.getLogger("ollama_ls.client")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Target:
    """What a call is about, for error messages: never carries credentials."""

    endpoint: str  # "/api/chat", without the base URL's path prefix
    model: str | None
    server: str
    read_timeout: float
    audience: Audience = "python"  # whose words the errors' advice uses

    def response_error(self, status: int, body: str | bytes) -> OllamaError:
        return error_from_response(
            status, body, endpoint=self.endpoint, model=self.model, server=self.server,
            audience=self.audience,
        )

    def transport_error(self, exc: httpx.HTTPError) -> OllamaError:
        return error_from_transport(
            exc, endpoint=self.endpoint, model=self.model, server=self.server,
            read_timeout=self.read_timeout, audience=self.audience,
        )

    def read_timeout_error(self) -> OllamaError:
        return read_timed_out(self.endpoint, self.read_timeout, self.audience,
                              model=self.model, server=self.server)

    def first_token_timeout_error(self, waited: float) -> OllamaError:
        return first_token_timed_out(self.endpoint, waited, self.audience,
                                     model=self.model, server=self.server)

    def redirect_error(self, status: int, location: str) -> ConfigurationError:
        shown = redact_url(location) or "(no Location header)"
        return ConfigurationError(
            f"{self.endpoint} answered HTTP {status}, a redirect to {shown}; ollama-ls does not "
            "follow redirects, so the API key and headers never go to another address",
            model=self.model, server=self.server, status=status,
            suggestion="Set the base URL to the address the server redirects to (for example "
            "https:// instead of http://), or fix the proxy in between.",
        )

    def protocol_error(self, message: str, status: int | None = None) -> ProtocolError:
        return ProtocolError(
            message, model=self.model, server=self.server, status=status,
            suggestion="The answer is not what Ollama sends: check the base URL and any proxy "
            "in between, then retry.",
        )


async def open_response(
    http: httpx.AsyncClient, request: httpx.Request, target: Target
) -> httpx.Response:
    """Send; return a 2xx response with its body unread, or raise the mapped error."""
    logger.debug("%s %s model=%s", request.method, target.endpoint, target.model)
    try:
        response = await http.send(request, stream=True)
    except httpx.HTTPError as exc:
        error = target.transport_error(exc)
        if isinstance(exc, httpx.TransportError):
            report_server_failure(target.server)
        raise error from exc
    logger.debug("%s %s -> %d", request.method, target.endpoint, response.status_code)
    if response.is_redirect:
        await response.aclose()
        location = response.headers.get("location", "")
        if location:
            location = str(response.url.join(location))
        raise target.redirect_error(response.status_code, location)
    if response.is_success and "text/html" not in response.headers.get("content-type", ""):
        return response
    try:
        body = await response.aread()
    except httpx.HTTPError:
        body = b""
    finally:
        await response.aclose()
    raise target.response_error(response.status_code, body)


async def read_json(
    http: httpx.AsyncClient, request: httpx.Request, target: Target, model_type: type[ModelT]
) -> tuple[ModelT, int]:
    """A non-streamed call: the body parsed as `model_type`, and the HTTP status."""
    body, status = await read_body(http, request, target)
    try:
        return model_type.model_validate_json(body), status
    except ValidationError as exc:
        if body.lstrip().startswith(b"<"):
            raise target.response_error(status, body) from exc
        raise target.protocol_error(
            f"Unexpected answer from {target.endpoint}: {preview(body)}", status
        ) from exc


async def read_body(
    http: httpx.AsyncClient, request: httpx.Request, target: Target
) -> tuple[bytes, int]:
    response = await open_response(http, request, target)
    try:
        return await response.aread(), response.status_code
    except httpx.HTTPError as exc:
        raise target.transport_error(exc) from exc
    finally:
        await response.aclose()
