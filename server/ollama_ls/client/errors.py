"""Every failure the client raises, and the one place that decides which one it is.

`error_from_response` maps what Ollama answered (status + body) to a subclass;
`error_from_transport` maps what httpx raised (no answer, timeout, lost connection).
The strings matched here are Ollama's own, listed in docs/client.md.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from ..modelname import CLOUD_DISABLED, CLOUD_SIGN_IN, is_cloud_name
from .host import is_local, without_credentials

# Who reads an error's advice: a user of this Python API, of the language server (its settings),
# or of the `ollama-ls` command line (its flags and environment variables). Each names the knob
# that fixes the problem where that reader can turn it.
Audience = Literal["python", "editor", "cli"]
AUDIENCES: tuple[Audience, ...] = ("python", "editor", "cli")

KNOBS: dict[str, dict[Audience, str]] = {
    "read_timeout": {
        "python": "read_timeout (or OLLAMA_TIMEOUT)",
        "editor": "the timeout setting (or OLLAMA_TIMEOUT)",
        "cli": "OLLAMA_TIMEOUT=SECONDS",
    },
    "first_token_timeout": {
        "python": "first_token_timeout",
        "editor": "the firstTokenTimeout setting",
        "cli": "--first-token-timeout SECONDS",
    },
    "ca_bundle": {
        "python": "ca_bundle (a PEM file)",
        "editor": "the caBundle setting (a PEM file)",
        "cli": "--ca-bundle FILE",
    },
    "api_key": {
        "python": "api_key (or OLLAMA_API_KEY)",
        "editor": "the apiKey setting (or OLLAMA_API_KEY)",
        "cli": "OLLAMA_API_KEY (sent as Authorization: Bearer <key>)",
    },
    "base_url": {
        "python": "base_url",
        "editor": "the baseUrl setting",
        "cli": "--host (or OLLAMA_HOST)",
    },
}


def knob(name: str, audience: Audience = "python") -> str:
    """How `audience` names a knob, e.g. knob("read_timeout", "cli") -> "OLLAMA_TIMEOUT=SECONDS"."""
    return KNOBS[name][audience]



CAPABILITIES = (
    "generate", "chat", "completion", "tools", "insert", "thinking",
    "vision", "audio", "embedding", "image generation",
)


class OllamaError(Exception):
    """Base of every client error. `str()` gives message, model, server and suggestion."""

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        server: str | None = None,
        status: int | None = None,
        ollama_message: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.model = model or None
        self.server = without_credentials(server) if server else None
        self.status = status
        self.ollama_message = ollama_message
        self.suggestion = suggestion

    def __str__(self) -> str:
        lines = [self.message]
        if self.model:
            lines.append(f"Model: {self.model}")
        if self.server:
            lines.append(f"Server: {self.server}")
        if self.suggestion:
            lines.append(self.suggestion)
        return "\n".join(lines)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.message!r}, model={self.model!r}, status={self.status!r})"


class ServerUnreachable(OllamaError):
    """No answer: nothing listening, DNS, TLS, connect timeout, or the connection dropped."""


class OllamaNotInstalled(ServerUnreachable):
    """Nothing answers on a local address and there is no `ollama` executable on PATH."""


class ModelNotFound(OllamaError):
    pass


class InvalidModelName(OllamaError):
    pass


class CapabilityUnsupported(OllamaError):
    """The model cannot do what was asked; `.capability` is e.g. "tools" or "thinking"."""

    def __init__(self, message: str, *, capability: str, **context) -> None:
        super().__init__(message, **context)
        self.capability = capability


class ContextWindowExceeded(OllamaError):
    pass


class ServerBusy(OllamaError):
    """Queue full, model overloaded (503) or rate limited (429): retry later."""


class RequestCanceled(OllamaError):
    pass


class Unauthorized(OllamaError):
    pass


class CloudModelUnavailable(OllamaError):
    """A :cloud / remote model this server will not run."""


class InvalidRequest(OllamaError):
    """Ollama rejected a parameter (think, keep_alive, options, format, ...)."""


class PullFailed(OllamaError):
    pass


class RequestTimedOut(OllamaError):
    """Ollama sent nothing for longer than the read timeout."""


class FirstTokenTimedOut(RequestTimedOut):
    """A generation's first chunk did not come within the first-token timeout."""


class PullTimedOut(PullFailed, RequestTimedOut):
    pass


class ProtocolError(OllamaError):
    """The answer is not Ollama's: HTML from a proxy, a malformed or truncated stream."""


class ConfigurationError(OllamaError):
    """The client settings themselves are unusable (unreadable CA bundle, bad URL)."""


class ServerError(OllamaError):
    """Any other error Ollama reported."""


# --- mapping an HTTP answer -------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    status: int
    message: str  # Ollama's text, or the raw body
    is_json: bool  # the body was Ollama's {"error": ...}
    endpoint: str
    model: str | None
    server: str
    audience: Audience = "python"

    def say(self, python: str, editor: str | None = None, cli: str | None = None) -> str:
        """The advice for this context's reader (cli defaults to editor's, editor to python's)."""
        if self.audience == "cli" and cli is not None:
            return cli
        if self.audience != "python" and editor is not None:
            return editor
        return python

    def knob(self, name: str) -> str:
        return knob(name, self.audience)

    def fields(self, **overrides) -> dict:
        fields = dict(model=self.model, server=self.server, status=self.status,
                      ollama_message=self.message or None)
        fields.update(overrides)
        return fields


def error_from_response(
    status: int,
    body: str | bytes,
    *,
    endpoint: str,
    model: str | None = None,
    server: str = "",
    audience: Audience = "python",
) -> OllamaError:
    """Map one Ollama answer (HTTP status + body, or a mid-stream error line) to an error;
    its suggestion is worded for `audience`."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if _looks_like_html(text):
        return _html_error(status, text, endpoint, model, server)
    message, extra = _ollama_message(text)
    context = _Context(status, message, bool(extra), endpoint, model, server, audience)
    for matcher, build in _RULES:
        match = matcher(context)
        if match:
            return build(context, match, extra)
    return _by_status(context, extra)


def _ollama_message(text: str) -> tuple[str, dict]:
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip(), {}
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"], data
    return text.strip(), {}


def _looks_like_html(text: str) -> bool:
    # Ollama's JSON escapes "<" inside strings, so a leading "<" is never Ollama.
    return text.lstrip().startswith("<")


def _html_error(status: int, text: str, endpoint: str, model: str | None, server: str):
    title = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
    page = f" ({title.group(1).strip()[:80]})" if title else ""
    return ProtocolError(
        f"{endpoint} answered with an HTML page{page}, HTTP {status}, not Ollama's JSON",
        model=model, server=server, status=status, ollama_message=None,
        suggestion="A proxy, gateway or captive portal is answering instead of Ollama: check the "
        "base URL and the proxy in front of Ollama (and that Ollama behind it is running).",
    )


def _unquote(quoted: str) -> str:
    """Undo Go's %q / '%s' quoting around a model name."""
    if quoted.startswith('"'):
        try:
            return json.loads(quoted)
        except ValueError:
            return quoted.strip('"')
    return quoted.strip("'")


def _pull_hint(name: str | None) -> str:
    return f"Run: ollama pull {name}" if name else "Run: ollama pull <model>"


def _message(pattern: str) -> Callable[[_Context], re.Match | None]:
    regex = re.compile(pattern, re.S)
    return lambda context: regex.match(context.message)


def _status(*codes: int) -> Callable[[_Context], bool]:
    return lambda context: context.status in codes


def _endpoint_is_pull(context: _Context) -> bool:
    return context.endpoint.endswith("/pull")


# Each builder gets (context, match, extra JSON fields) and returns the error.


def _empty_name(c, m, extra):
    return InvalidModelName(
        f"No model name given: {c.message}", **c.fields(),
        suggestion="Set a model name, e.g. llama3.2 (see: ollama list).",
    )


def _invalid_name(c, m, extra):
    quoted = m.groupdict().get("name")
    name = c.model or (_unquote(quoted) if quoted else None)
    return InvalidModelName(
        f"Invalid model name: {c.message}", **c.fields(model=name),
        suggestion="Model names look like llama3.2, llama3.2:3b or user/model:tag "
        "(letters, digits, _ . - only; no spaces).",
    )


def _local_and_cloud(c, m, extra):
    return InvalidModelName(
        c.message, **c.fields(), suggestion="Use either the :local or the :cloud suffix, not both."
    )


def _not_found(c, m, extra):
    name = c.model or _unquote(m.group("name"))
    return ModelNotFound(
        f"Model {name!r} is not installed on this Ollama server", **c.fields(model=name),
        suggestion=_pull_hint(name),
    )


_CAPABILITY_HINTS_EDITOR = {
    "insert": "Pick a model with fill-in-the-middle support (e.g. qwen2.5-coder) for ghost text "
    "(the inlineCompletion.model setting).",
    "thinking": "Set the think setting to false, or pick a thinking model (e.g. qwen3).",
}
_CAPABILITY_HINTS_CLI = {
    "insert": "Pick a model with fill-in-the-middle support (e.g. qwen2.5-coder).",
    "thinking": "Pick a thinking model (e.g. qwen3).",
}

_CAPABILITY_HINTS = {
    "generate": "This model cannot generate text (is it an embedding model?); pick a chat model.",
    "chat": "This model cannot chat (is it an embedding model?); pick a chat model.",
    "completion": "This model cannot generate text; pick a chat model.",
    "tools": "Pick a model with tool support (e.g. llama3.1, qwen3), or send no tools.",
    "insert": "Pick a model with fill-in-the-middle support (e.g. qwen2.5-coder), or drop suffix.",
    "thinking": "Turn thinking off (think=False) or pick a thinking model (e.g. qwen3).",
    "vision": "Pick a vision model (e.g. llama3.2-vision, gemma3), or send no images.",
    "embedding": "Pick an embedding model (e.g. nomic-embed-text).",
}


def _capability(c, m, extra):
    capability = m.group("capability")
    name = c.model or _unquote(m.group("name"))
    return CapabilityUnsupported(
        f"{name} does not support {capability}", capability=capability, **c.fields(model=name),
        suggestion=(c.audience == "editor" and _CAPABILITY_HINTS_EDITOR.get(capability))
        or (c.audience == "cli" and _CAPABILITY_HINTS_CLI.get(capability))
        or _CAPABILITY_HINTS.get(capability, f"Pick a model that supports {capability}."),
    )


def _image_generation(c, m, extra):
    return CapabilityUnsupported(
        c.message, capability="generate", **c.fields(),
        suggestion="Image generation models cannot be used here; pick a text model.",
    )


def _context_exceeded(c, m, extra):
    return ContextWindowExceeded(
        "The input is longer than the model's context window", **c.fields(),
        suggestion=c.say(
            "Shorten the input, allow truncation (truncate=True), or raise num_ctx in options.",
            editor="Shorten the input, or raise the contextLength setting (num_ctx).",
            cli="Shorten the input, or use a model with a longer context "
            "(see: ollama-ls show MODEL).",
        ),
    )


def _busy(c, m, extra):
    if c.status == 429 or "rate limit" in c.message:
        hint = "Rate limited: wait a moment, then retry."
    elif "maximum pending" in c.message:
        hint = "Too many queued requests: retry shortly (the server's OLLAMA_MAX_QUEUE is full)."
    else:
        hint = "The server is busy: retry in a moment."
    return ServerBusy(f"Ollama is busy: {c.message or f'HTTP {c.status}'}", **c.fields(),
                      suggestion=hint)


def _canceled(c, m, extra):
    return RequestCanceled(
        "The request was canceled", **c.fields(),
        suggestion="Nothing to do: the request was stopped before it finished.",
    )


def _cloud(c, m, extra):
    if "disabled" in c.message:
        hint = CLOUD_DISABLED + "."
    else:
        hint = "Add the remote host to OLLAMA_REMOTES on the server, or use a local model."
    return CloudModelUnavailable(c.message, **c.fields(), suggestion=hint)


def _unauthorized(c, m, extra):
    if c.status == 403 and not c.message:
        return Unauthorized(
            "Ollama refused the request (HTTP 403, empty body): the Host header was rejected",
            **c.fields(),
            suggestion="Ollama bound to 127.0.0.1 only accepts local host names. Connect via "
            "127.0.0.1/localhost, or start Ollama with OLLAMA_HOST=0.0.0.0 (and OLLAMA_ORIGINS "
            "for browser clients).",
        )
    signin = extra.get("signin_url")
    key = c.say(
        f"set an API key with {c.knob('api_key')}, or an Authorization header in headers",
        editor=f"set an API key with {c.knob('api_key')}, or an Authorization header in the "
        "headers setting",
        cli=f"set an API key with {c.knob('api_key')}",
    )
    if c.model and is_cloud_name(c.model):
        where = f" (or open {signin})" if signin else ""
        hint = f"{CLOUD_SIGN_IN}{where}; for a remote Ollama server behind a proxy, {key}."
        return Unauthorized(
            f"Not signed in to Ollama Cloud: {c.model} is a cloud model "
            f"({c.message or f'HTTP {c.status}'})",
            **c.fields(), suggestion=hint,
        )
    if signin:
        hint = f"Sign in: run `ollama signin` on the Ollama server's machine, or open {signin}."
    else:
        hint = key[0].upper() + key[1:] + "."
    return Unauthorized(f"Not authorized: {c.message or f'HTTP {c.status}'}", **c.fields(),
                        suggestion=hint)


def _invalid_request(hint: str, editor: str | None = None, cli: str | None = None):
    def build(c, m, extra):
        return InvalidRequest(c.message, **c.fields(),
                              suggestion=c.say(hint, editor=editor, cli=cli))

    return build


def _option_type(c, m, extra):
    return InvalidRequest(
        c.message, **c.fields(),
        suggestion=f'Fix the type of option "{m.group("option")}" '
        "(e.g. num_ctx is an integer, temperature a number, stop a list of strings).",
    )


def _pull_failed(c, m, extra):
    name = c.model
    if "file does not exist" in c.message:
        hint = (
            f"No model named {name!r} in the registry: check the name on "
            "https://ollama.com/library (tags look like llama3.2:3b)."
        )
    elif "insecure protocol" in c.message:
        hint = c.say("The registry is plain http: pull with insecure=True.",
                     editor="The registry is plain http: pull it with `ollama pull --insecure`.")
    elif "unauthorized" in c.message or "401" in c.message:
        hint = "The registry refused access: check the model is public, or sign in (ollama signin)."
    else:
        hint = "Retry the pull (it resumes); check the network and the Ollama server log."
    return PullFailed(f"Pull failed: {c.message}", **c.fields(), suggestion=hint)


def _no_such_endpoint(c, m, extra):
    return ProtocolError(
        f"{c.endpoint} does not exist on this server (HTTP {c.status}: {c.message[:80]})",
        **c.fields(),
        suggestion=f"Check that {c.knob('base_url')} points at Ollama (including any path "
        "prefix), or update Ollama: https://ollama.com/download",
    )


_KEEP_ALIVE_HINT = (
    'Use keep_alive as seconds (e.g. 300) or a duration with a unit (e.g. "5m", "1h"); '
    "a negative value keeps the model loaded."
)
_KEEP_ALIVE_HINT_EDITOR = (
    'Set keepAlive to seconds (e.g. 300) or a duration with a unit (e.g. "5m", "1h"); '
    "a negative value keeps the model loaded."
)
_THINK_HINT = 'Use think=True, think=False or one of "low", "medium", "high", "max".'
_THINK_HINT_EDITOR = 'Set the think setting to true, false, "low", "medium" or "high".'
_THINK_HINT_CLI = 'think is true, false or one of "low", "medium", "high", "max".'
_KEEP_ALIVE_HINT_CLI = (
    'keep_alive is seconds (e.g. 300) or a duration with a unit (e.g. "5m", "1h"); '
    "a negative value keeps the model loaded."
)
_NAME = r"(?P<name>\"(?:[^\"\\]|\\.)*\"|'[^']*')"

_RULES: list[tuple[Callable, Callable]] = [
    (_message(r"model '' not found$"), _empty_name),
    (_message(r"model is required$"), _empty_name),
    (_message(r'(?:source|destination) "" is invalid$'), _empty_name),
    (_message(r"invalid model name$"), _invalid_name),
    (_message(rf"(?:name|source|destination) {_NAME} is invalid$"), _invalid_name),
    (_message(r"use either :local or :cloud, not both"), _local_and_cloud),
    (_message(r"image generation models are not currently supported"), _image_generation),
    (_message(rf"(?P<name>\"(?:[^\"\\]|\\.)*\"|\S+) does not support "
              rf"(?P<capability>{'|'.join(CAPABILITIES)})\b"), _capability),
    (_message(r"the input length exceeds the context length"), _context_exceeded),
    (_message(r"ollama cloud is disabled|this server cannot run this remote model"), _cloud),
    (_message(r"server busy, please try again\.\s+maximum pending requests exceeded"), _busy),
    (_message(r"model is overloaded"), _busy),
    (_message(r"rate limit exceeded"), _busy),
    (_message(r"request canceled$"), _canceled),
    (_message(r'invalid think value|think must be a boolean or string'),
     _invalid_request(_THINK_HINT, _THINK_HINT_EDITOR, _THINK_HINT_CLI)),
    (_message(r"top_logprobs must be between 0 and 20"),
     _invalid_request("Use top_logprobs between 0 and 20.")),
    (_message(r"time: (?:missing unit|invalid duration|unknown unit)|Unsupported type: '"),
     _invalid_request(_KEEP_ALIVE_HINT, _KEEP_ALIVE_HINT_EDITOR, _KEEP_ALIVE_HINT_CLI)),
    (_message(r'option "(?P<option>[^"]+)" must be of'), _option_type),
    (_message(r"raw mode does not support template, system, or context"),
     _invalid_request("With raw=True, send no system, template or context.")),
    (_message(r"invalid format: "),
     _invalid_request('Use format="json" or a JSON Schema object.')),
    (_message(r"invalid input type"),
     _invalid_request("Embed input must be a string or a list of strings.")),
    (_message(r"missing request body"),
     _invalid_request("The request had no body: a client bug, please report it.")),
    (_message(rf"model {_NAME} not found"), _not_found),
    (_endpoint_is_pull, _pull_failed),
    (_status(401, 403), _unauthorized),
    (_status(429, 503), _busy),
    (_status(499), _canceled),
    (lambda c: c.status in (404, 405) and not c.is_json, _no_such_endpoint),
]


def _by_status(c: _Context, extra: dict) -> OllamaError:
    if c.status == 400:
        return InvalidRequest(c.message, **c.fields(),
                              suggestion="Check the request parameters.")
    return ServerError(
        f"Ollama reported an error: {c.message or f'HTTP {c.status}'}", **c.fields(),
        suggestion="Check the Ollama server log (ollama serve output, ~/.ollama/logs/server.log).",
    )


# --- mapping what httpx raised -----------------------------------------------------------


def error_from_transport(
    exc: httpx.HTTPError,
    *,
    endpoint: str,
    model: str | None = None,
    server: str = "",
    read_timeout: float | None = None,
    audience: Audience = "python",
) -> OllamaError:
    """Map an httpx exception (no usable answer) to an error, advice worded for `audience`."""
    context = dict(model=model, server=server)
    if isinstance(exc, httpx.ConnectTimeout):
        return ServerUnreachable(
            f"Timed out connecting to Ollama at {without_credentials(server)}", **context,
            suggestion="Check the host and port, and that no firewall blocks them.",
        )
    if isinstance(exc, httpx.TimeoutException):
        waited = f" for {read_timeout:g} s" if read_timeout else ""
        if endpoint.endswith("/pull"):
            more = "; or raise pull_timeout" if audience == "python" else ""
            return PullTimedOut(
                f"The pull made no progress{waited}", **context,
                suggestion="Check the network, then pull again (it resumes where it stopped)"
                f"{more}.",
            )
        return read_timed_out(endpoint, read_timeout, audience, **context)
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(exc, audience=audience, **context)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return ServerUnreachable(
            f"The connection to Ollama was lost during {endpoint}", **context,
            suggestion="Ollama may have stopped or crashed: check it is running (ollama ps) "
            "and look at its server log.",
        )
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return ConfigurationError(
            f"Cannot use the Ollama URL {without_credentials(server)}: {exc}", **context,
            suggestion="Use an http:// or https:// URL, e.g. http://127.0.0.1:11434",
        )
    return ServerUnreachable(f"Request to Ollama failed: {type(exc).__name__}", **context,
                             suggestion="Check that Ollama is running and reachable.")


def read_timed_out(
    endpoint: str, read_timeout: float | None, audience: Audience = "python", **context
) -> RequestTimedOut:
    """Nothing arrived for `read_timeout` seconds between two chunks of an answer."""
    waited = f" for {read_timeout:g} s" if read_timeout else ""
    return RequestTimedOut(
        f"Ollama sent nothing{waited} on {endpoint}", **context,
        suggestion="The model may still be loading or the machine is overloaded: retry, or "
        f"raise the read timeout: {knob('read_timeout', audience)}.",
    )


def first_token_timed_out(
    endpoint: str, waited: float, audience: Audience = "python", *, model: str | None,
    server: str,
) -> FirstTokenTimedOut:
    """No first chunk within the first-token timeout (a cold model loads before it)."""
    name = model or "the model"
    return FirstTokenTimedOut(
        f"No answer from {name} within {waited:g} s on {endpoint}: the model may still be "
        "loading into memory", model=model, server=server,
        suggestion="A model that is not loaded yet can take minutes to load from a slow disk: "
        f"retry, or raise the first-token timeout: {knob('first_token_timeout', audience)}.",
    )


def _connect_error(
    exc: httpx.ConnectError, *, model: str | None, server: str, audience: Audience = "python"
) -> OllamaError:
    shown = without_credentials(server)
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return ServerUnreachable(
            f"TLS handshake with {shown} failed: {text[:200]}", model=model, server=server,
            suggestion=f"Give your CA's certificate with {knob('ca_bundle', audience)} (never "
            "turn verification off for a server you do not control).",
        )
    if is_local(server):
        if shutil.which("ollama") is None:
            return OllamaNotInstalled(
                f"Ollama is not running at {shown}, and the ollama command is not installed",
                model=model, server=server, suggestion="Install: https://ollama.com/download",
            )
        return ServerUnreachable(f"Ollama is not running at {shown}", model=model, server=server,
                                 suggestion="Start it: ollama serve")
    return ServerUnreachable(
        f"Cannot connect to Ollama at {shown}", model=model, server=server,
        suggestion="Check the address, that Ollama runs there with OLLAMA_HOST=0.0.0.0, "
        "and that no firewall blocks the port.",
    )
