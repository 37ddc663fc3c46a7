"""Async client for Ollama's HTTP API: typed responses, mapped errors, per-call metrics.

Knows nothing of LSP. See docs/client.md.
"""

from .client import OllamaClient
from .config import ClientConfig
from .errors import (
    AUDIENCES,
    KNOBS,
    CapabilityUnsupported,
    CloudModelUnavailable,
    ConfigurationError,
    ContextWindowExceeded,
    InvalidModelName,
    InvalidRequest,
    ModelNotFound,
    OllamaError,
    OllamaNotInstalled,
    ProtocolError,
    PullFailed,
    PullTimedOut,
    RequestCanceled,
    RequestTimedOut,
    ServerBusy,
    ServerError,
    ServerUnreachable,
    Unauthorized,
    error_from_response,
    error_from_transport,
)
from .host import DEFAULT_BASE_URL, go_host, parse_ollama_host
from .redact import install_log_redaction, redact_text, redact_url, resolve_base_url
from .signals import on_server_failure
from .metrics import CallMetrics, MetricsSink
from .streams import ChatStream, GenerateStream, PullStream
from .wire import (
    ChatChunk,
    ChatResponse,
    EmbedResponse,
    GenerateChunk,
    GenerateResponse,
    ListedModel,
    Message,
    ModelDetails,
    PullProgress,
    RunningModel,
    ShowResponse,
    Tensor,
    ToolCall,
    ToolCallFunction,
)

__all__ = [
    "AUDIENCES",
    "DEFAULT_BASE_URL",
    "KNOBS",
    "CallMetrics",
    "CapabilityUnsupported",
    "ChatChunk",
    "ChatResponse",
    "ChatStream",
    "ClientConfig",
    "CloudModelUnavailable",
    "ConfigurationError",
    "ContextWindowExceeded",
    "EmbedResponse",
    "GenerateChunk",
    "GenerateResponse",
    "GenerateStream",
    "InvalidModelName",
    "InvalidRequest",
    "ListedModel",
    "Message",
    "MetricsSink",
    "ModelDetails",
    "ModelNotFound",
    "OllamaClient",
    "OllamaError",
    "OllamaNotInstalled",
    "ProtocolError",
    "PullFailed",
    "PullProgress",
    "PullStream",
    "PullTimedOut",
    "RequestCanceled",
    "RequestTimedOut",
    "RunningModel",
    "ServerBusy",
    "ServerError",
    "ServerUnreachable",
    "ShowResponse",
    "Tensor",
    "ToolCall",
    "ToolCallFunction",
    "Unauthorized",
    "error_from_response",
    "error_from_transport",
    "go_host",
    "parse_ollama_host",
    "on_server_failure",
    "redact_text",
    "redact_url",
    "resolve_base_url",
]

# URLs in log lines (ours, httpx's, pygls') lose their user:password@.
install_log_redaction()
