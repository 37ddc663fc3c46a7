"""`ollama-ls serve`: checks its arguments, answers `initialize` as soon as it can, then runs
the language server until the client leaves (or one Ctrl-C: exit 130).

Nothing here imports pygls or lsprotocol before the early answer (lsp/early_answer.py).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from ollama_ls.lsp.early_answer import EarlyAnswer


def run(
    args: argparse.Namespace, after_initialize_answer: Callable[[], None] = lambda: None
) -> int:
    """`ollama-ls serve`: stdio (or TCP) until the client leaves, or one Ctrl-C (exit 130).

    `after_initialize_answer` runs once the early answer is written (or could not be given):
    checks whose imports the editor should not wait for."""
    problem = _check_serve_args(args)
    if problem:
        print(f"ollama-ls serve: {problem}", file=sys.stderr)
        return 2
    try:
        handler: logging.Handler = (
            logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
        )
    except OSError as error:
        print(
            f"ollama-ls serve: cannot write the log file {args.log_file}: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(
        level=args.log_level,
        handlers=[handler],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls logs every message it sends and receives at INFO, initializationOptions (and with
    # them an API key) included; httpx logs request URLs. Neither belongs in a log.
    for noisy in ("pygls", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _stop_on_first_interrupt()
    if args.tcp:
        busy = _port_in_use(args.host, args.port)
        if busy:
            print(f"ollama-ls serve: cannot listen on {args.host}:{args.port}: {busy}",
                  file=sys.stderr)
            return 2
    stdin, early = (None, None)
    if not (args.tcp or sys.stdin.isatty()):
        stdin, early = _answer_initialize_early()
    after_initialize_answer()
    from ollama_ls.lsp.server import create_server

    server = create_server()
    server.protocol.early_answer = early
    interactive = sys.stderr.isatty() and (args.tcp or sys.stdin.isatty())
    if args.tcp:
        print(f"ollama-ls: language server on {args.host}:{args.port} (Ctrl-C to stop)",
              file=sys.stderr)
    elif sys.stdin.isatty():  # someone ran it by hand: say what it is waiting for
        print(
            "ollama-ls: language server on stdio, waiting for an editor to speak LSP "
            "(Ctrl-C to stop; see docs/language-server.md)",
            file=sys.stderr,
        )
    if interactive:
        print(_ollama_banner(), file=sys.stderr)
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io(stdin=stdin)
    return 0


def _answer_initialize_early() -> tuple[BinaryIO | None, EarlyAnswer | None]:
    """Answer `initialize` now if the first message is one; the stdin pygls is to read."""
    from ollama_ls.lsp.early_answer import Replay, answer_initialize

    try:
        consumed, early = answer_initialize(sys.stdin.buffer, sys.stdout.buffer)
    except (OSError, ValueError):  # stdin or stdout closed: pygls meets the same and stops
        return None, None
    return Replay(consumed, sys.stdin.buffer), early  # type: ignore[return-value]


def _check_serve_args(args: argparse.Namespace) -> str | None:
    if args.tcp and not 0 < args.port <= 65535:
        return f"--port must be between 1 and 65535 (got {args.port})"
    return None


def _port_in_use(host: str, port: int) -> str | None:
    """Why the TCP server could not listen on host:port, or None when it can."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as error:
        return f"unknown address ({getattr(error, 'strerror', None) or error})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return "the port is already in use (pick another with --port)"
            return error.strerror or str(error)
    return None


def _stop_on_first_interrupt() -> None:
    """Ctrl-C stops the server at once: no traceback, exit 130.

    pygls reads stdin in a worker thread that a KeyboardInterrupt cannot wake, so the default
    handler leaves the process waiting for that thread (a second Ctrl-C then dies with a fatal
    error). Nothing is in flight that needs more than the log flushed.
    """

    def stop(signum: int, frame: object) -> None:
        logging.shutdown()
        try:
            sys.stderr.write("\nollama-ls: stopped.\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - a closed stderr must not stop the exit
            pass
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, stop)
    if hasattr(signal, "SIGBREAK"):  # Windows' Ctrl-Break
        signal.signal(signal.SIGBREAK, stop)


def _ollama_banner() -> str:
    """Which Ollama the server will use (before any editor setting) and whether it answers."""
    import asyncio

    from ollama_ls.facade import OllamaEditorTools, ToolsConfig

    async def probe():
        async with OllamaEditorTools(ToolsConfig(timeout=3.0)) as tools:
            return await asyncio.wait_for(tools.check_status(force=True), 4.0)

    try:
        status = asyncio.run(probe())
    except (TimeoutError, asyncio.TimeoutError):  # the same class from Python 3.11 on
        return "ollama-ls: Ollama does not answer within 4 s (the editor's settings may name another)"
    except Exception as error:  # noqa: BLE001 - a banner never stops the server
        return f"ollama-ls: cannot check Ollama: {error}"
    url = re.sub(r"://[^/@\s]*@", "://", status.base_url)  # never show user:password@
    if status.reachable:
        return (f"ollama-ls: Ollama {status.version} at {url} answers "
                f"({status.model_count} models; the editor's baseUrl setting can change it)")
    return (
        f"ollama-ls: Ollama at {url} does not answer ({status.error}). Start it (ollama serve), "
        "set OLLAMA_HOST, or try the bundled emulator: python -m ollama_ls.emulator --port 11434"
    )
