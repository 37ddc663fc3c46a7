"""Wiring only: create the server, register every feature module, run it."""

from __future__ import annotations

import argparse
import logging
import sys

from ollama_ls.lsp import (
    code_actions,
    completion,
    configuration,
    custom_requests,
    diagnostics,
    documents,
    generate,
    hover,
    inline_completion,
    model_commands,
    status,
)
from ollama_ls.lsp.core import OllamaLanguageServer

FEATURES = (
    configuration,
    documents,
    status,
    custom_requests,
    diagnostics,
    completion,
    hover,
    code_actions,
    model_commands,
    generate,
    inline_completion,
)


def create_server() -> OllamaLanguageServer:
    server = OllamaLanguageServer()
    for feature in FEATURES:
        feature.register(server)
    return server


def run(args: argparse.Namespace) -> int:
    handler: logging.Handler = (
        logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    )
    logging.basicConfig(
        level=args.log_level,
        handlers=[handler],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls logs every message it sends and receives at INFO, initializationOptions (and with
    # them an API key) included; httpx logs request URLs. Neither belongs in a log.
    for noisy in ("pygls", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    server = create_server()
    if args.tcp:
        print(f"ollama-ls: language server on {args.host}:{args.port}", file=sys.stderr)
        server.start_tcp(args.host, args.port)
    else:
        if sys.stdin.isatty():  # someone ran it by hand: say what it is waiting for
            print(
                "ollama-ls: language server on stdio, waiting for an editor to speak LSP "
                "(Ctrl-C to stop; see docs/language-server.md)",
                file=sys.stderr,
            )
        server.start_io()
    return 0
