"""Entry point of the `ollama-ls` command line (subcommands land with the editor-tools issue)."""

from __future__ import annotations

import argparse
import sys

from ollama_ls import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ollama-ls", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ollama-ls {__version__}")
    parser.parse_args(argv)
    parser.print_help(sys.stderr)
    return 2
