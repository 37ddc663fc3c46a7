"""The `ollama-ls` command line: the language server, and Ollama at your shell prompt."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from ollama_ls.cli.bundle import use_bundled_native

use_bundled_native()  # before anything imports pydantic-core or tree-sitter

from ollama_ls import __version__  # noqa: E402

HOST_HELP = (
    "the Ollama server, as a URL (https://ollama.example.com) or in OLLAMA_HOST form "
    "(127.0.0.1:11434, :11434, example.com); default: OLLAMA_HOST, else http://127.0.0.1:11434"
)


class _RulesHelpFormatter(argparse.HelpFormatter):
    """Names the rules in `check --help` only when help is shown: the scanner they come from
    takes ~50 ms to import, which `serve` does not pay before answering `initialize`."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text and _RULES in text:
            from ollama_ls.scan import RULE_IDS

            text = text.replace(_RULES, ", ".join(sorted(RULE_IDS)))
        return text


_RULES = "{rule ids}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ollama-ls",
        description=__doc__,
        epilog="Run `ollama-ls COMMAND --help` for a command's options. Docs: docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"ollama-ls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="run the language server (stdio by default)",
        description="Run the language server for an editor: on stdio (what editors start), "
        "or on TCP with --tcp. One Ctrl-C stops it. The Ollama server it uses comes from the "
        "editor's settings, else OLLAMA_HOST, else http://127.0.0.1:11434.",
    )
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on with --tcp (default 127.0.0.1: this machine only); "
        "not the Ollama server",
    )  # fmt: skip
    serve.add_argument("--port", type=int, default=2087, help="TCP port, 1-65535 (default 2087)")
    serve.add_argument("--log-file", metavar="FILE", help="write the server log to FILE")
    serve.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log level (default WARNING)",
    )

    def command(
        name: str, help_text: str, description: str, data: bool = True
    ) -> argparse.ArgumentParser:
        command_parser = sub.add_parser(name, help=help_text, description=description)
        command_parser.add_argument("--host", dest="server", metavar="SERVER", help=HOST_HELP)
        command_parser.add_argument(
            "--ca-bundle", metavar="FILE",
            help="PEM file of CA certificates for a server with a private CA",
        )  # fmt: skip
        if data:
            command_parser.add_argument(
                "--json", action="store_true", help="print JSON on stdout instead of text"
            )
        return command_parser

    command(
        "status", "is the server up: version, models, running models, latency",
        "Ask the Ollama server whether it answers: version, model count, running models and "
        "latency. Exit 1 when it does not answer (within a few seconds) or refuses the request.",
    )  # fmt: skip
    command(
        "models", "list the installed models",
        "List the models installed on the Ollama server, as a table that fits the terminal "
        "(80 columns when piped; set COLUMNS to change it) or as JSON.",
    )  # fmt: skip
    command("show", "details of one model", "Show one installed model's details.").add_argument(
        "model", metavar="MODEL", help="model name, e.g. llama3.2 or qwen2.5-coder:1.5b"
    )
    command(
        "pull", "download a model, with progress (Ctrl-C cancels)",
        "Download a model from the registry, with progress on stderr (a bar in a terminal, "
        "a line every few seconds otherwise). Ctrl-C cancels; a new pull resumes.",
        data=False,
    ).add_argument("model", metavar="MODEL", help="model to download, e.g. llama3.2:3b")
    command("rm", "delete a model", "Delete an installed model.", data=False).add_argument(
        "model", metavar="MODEL", help="installed model to delete"
    )
    generate = command(
        "generate", "stream a completion to stdout",
        "Stream the model's answer to PROMPT on stdout; tokens and speed go to stderr. "
        "Ctrl-C stops it.",
        data=False,
    )  # fmt: skip
    generate.add_argument("model", metavar="MODEL", help="model to generate with")
    generate.add_argument("prompt", metavar="PROMPT", help="the prompt (quote it)")
    generate.add_argument("--system", help="system prompt")
    generate.add_argument(
        "--first-token-timeout", metavar="SECONDS", type=float, default=None,
        help="seconds to wait for the first token while the model loads (default 300); "
        "OLLAMA_TIMEOUT is the wait between tokens",
    )  # fmt: skip
    embed = command("embed", "embed a text", "Print the embedding of TEXT (a preview, or --json).")
    embed.add_argument("model", metavar="MODEL", help="embedding model, e.g. nomic-embed-text")
    embed.add_argument("text", metavar="TEXT", help="the text to embed (quote it)")
    command(
        "recommend", "the default model for this machine, and why",
        "Print the model the editor uses when none is set (stdout) and why (stderr), from "
        "the installed models and this machine's memory and GPU.",
    )  # fmt: skip

    check = sub.add_parser(
        "check",
        formatter_class=_RulesHelpFormatter,
        help="check model names in config files (for CI)",
        description="Check the Ollama model names in config files, as the editor does. "
        "Directories are walked (what .gitignore ignores, node_modules, .venv and .git are "
        "skipped). Exit 1 when a finding is an error, 2 when a file cannot be checked.",
    )
    check.add_argument(
        "files", nargs="+", metavar="PATH", help="config files, or directories to look through"
    )
    check.add_argument(
        "--disable", action="append", default=[], metavar="RULE",
        help="switch a tool's rules or a rule off: " + _RULES,
    )  # fmt: skip
    check.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB",
        help="files not to check, e.g. '**/fixtures/**'",
    )  # fmt: skip
    check.add_argument("--host", dest="server", metavar="SERVER", help=HOST_HELP)
    check.add_argument("--json", action="store_true", help="print JSON on stdout")
    check.add_argument(
        "--model-key", action="append", default=[], metavar="KEY",
        help="extra key holding a model name (repeatable)",
    )  # fmt: skip
    return parser


def usage_problem(args: argparse.Namespace) -> str | None:
    """One line saying what is wrong with the arguments or OLLAMA_HOST, or None."""
    for name, value in vars(args).items():
        if name == "files":  # paths: any bytes the file system allows
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and not _is_utf8(item):
                shown = name.replace("_", "-")
                return f"the {shown} argument is not valid UTF-8 text"
    if args.command == "serve":  # OLLAMA_HOST: warned about once `initialize` is answered
        return None
    from ollama_ls.cli.advice import redact
    from ollama_ls.client import host as ollama_host

    server = getattr(args, "server", None)
    if server is not None:
        result = ollama_host.check_host(server)
        problem = result.error or (
            result.warnings[0].split(", using the default")[0] + " (a port is 0-65535)"
            if result.warnings else None
        )
        if not server.strip():
            problem = "it is empty"
        if problem:
            return f"--host {redact(server)!r}: {problem}"
    else:
        env_host = os.environ.get("OLLAMA_HOST", "")
        result = ollama_host.check_host(env_host)
        if result.error:
            return f"OLLAMA_HOST={redact(env_host)!r}: {result.error}"
        for warning in result.warnings:  # Ollama warns and goes on; so do we
            print(f"ollama-ls: warning: OLLAMA_HOST={redact(env_host)!r}: {warning}",
                  file=sys.stderr)
    ca_bundle = getattr(args, "ca_bundle", None)
    if ca_bundle and not os.path.isfile(ca_bundle):
        return f"--ca-bundle {ca_bundle!r}: no such file"
    first = getattr(args, "first_token_timeout", None)
    if first is not None and not 0 < first <= 86_400:
        return f"--first-token-timeout {first:g}: use seconds between 0 and 86400"
    return None


def warn_about_ollama_host() -> None:
    """`serve`: a bad OLLAMA_HOST is a warning only, since the editor's settings may name
    another server."""
    env_host = os.environ.get("OLLAMA_HOST", "")
    if not env_host.strip():
        return  # nothing to check: the client is not worth importing
    from ollama_ls.cli.advice import redact
    from ollama_ls.client import host as ollama_host

    result = ollama_host.check_host(env_host)
    for problem in (result.error, *result.warnings):
        if problem:
            print(f"ollama-ls: warning: OLLAMA_HOST={redact(env_host)!r}: {problem}",
                  file=sys.stderr)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in argv arrive as lone surrogates
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    problem = usage_problem(args)
    if problem:
        print(f"ollama-ls {args.command}: {problem}", file=sys.stderr)
        return 2
    if args.command == "serve":
        from ollama_ls.lsp.launch import run

        return run(args, after_initialize_answer=warn_about_ollama_host)
    from ollama_ls.cli import commands

    try:
        if args.command == "check":
            from ollama_ls.cli.check import run_check

            return asyncio.run(run_check(args))
        handler = getattr(commands, f"cmd_{args.command}")
        return asyncio.run(commands.run(handler, args))
    except KeyboardInterrupt:
        commands.end_partial_line()
        print("Cancelled.", file=sys.stderr)
        return 130
