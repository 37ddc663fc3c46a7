"""The `ollama-ls` command line: the language server, and Ollama at your shell prompt."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from ollama_ls import __version__
from ollama_ls.scan import RULE_IDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ollama-ls", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ollama-ls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1", help="TCP address (default: loopback only)")
    serve.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    serve.add_argument("--log-file", help="write the server log to this file")
    serve.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log level (default WARNING)",
    )

    def command(name: str, help_text: str, data: bool = True) -> argparse.ArgumentParser:
        command_parser = sub.add_parser(name, help=help_text)
        command_parser.add_argument(
            "--host", dest="server", help="Ollama server (URL or OLLAMA_HOST form)"
        )
        if data:
            command_parser.add_argument("--json", action="store_true", help="print JSON")
        return command_parser

    command("status", "is the server up: version, models, running models, latency")
    command("models", "list the installed models")
    command("show", "details of one model").add_argument("model")
    command("pull", "download a model, with progress (Ctrl-C cancels)", data=False).add_argument(
        "model"
    )
    command("rm", "delete a model", data=False).add_argument("model")
    generate = command("generate", "stream a completion to stdout", data=False)
    generate.add_argument("model")
    generate.add_argument("prompt")
    generate.add_argument("--system", help="system prompt")
    embed = command("embed", "embed a text")
    embed.add_argument("model")
    embed.add_argument("text")
    command("recommend", "the default model for this machine, and why")

    check = sub.add_parser(
        "check",
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
        help="switch a tool's rules or a rule off: " + ", ".join(sorted(RULE_IDS)),
    )  # fmt: skip
    check.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB",
        help="files not to check, e.g. '**/fixtures/**'",
    )  # fmt: skip
    check.add_argument("--host", dest="server", help="Ollama server (URL or OLLAMA_HOST form)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument(
        "--model-key", action="append", default=[], help="extra key holding a model name"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "serve":
        from ollama_ls.lsp.server import run

        return run(args)
    try:
        if args.command == "check":
            from ollama_ls.cli.check import run_check

            return asyncio.run(run_check(args))
        from ollama_ls.cli import commands

        handler = getattr(commands, f"cmd_{args.command}")
        return asyncio.run(commands.run(handler, args))
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        return 130
