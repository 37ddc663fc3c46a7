"""`ollama-ls check FILE...`: the editor's model-name diagnostics, for CI."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ollama_ls.findings import Finding
from ollama_ls.cli.config_files import config_files
from ollama_ls.scan import RULE_IDS, file_kind_for
from ollama_ls.cli.advice import redact
from ollama_ls.cli.commands import probe_status
from ollama_ls.facade import OllamaEditorTools, ToolsConfig
from ollama_ls.facade.document_problems import find_problems


def finding_line(path: str, finding: Finding) -> str:
    start = finding.range.start
    return f"{path}:{start.line + 1}:{start.character + 1}: {finding.severity} {finding.code} {finding.message}"


def finding_json(path: str, finding: Finding) -> dict:
    return {
        "path": path,
        "line": finding.range.start.line + 1,
        "column": finding.range.start.character + 1,
        "endLine": finding.range.end.line + 1,
        "endColumn": finding.range.end.character + 1,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "model": finding.model,
        "alternatives": list(finding.alternatives),
    }


async def run_check(args: argparse.Namespace) -> int:
    unknown = [rule for rule in args.disable if rule not in RULE_IDS]
    if unknown:
        print(
            f"ollama-ls check: unknown rule {unknown[0]!r} for --disable; known: "
            + ", ".join(sorted(RULE_IDS)),
            file=sys.stderr,
        )
        return 2
    missing = [path for path in args.files if not os.path.exists(path)]
    for path in missing:
        print(f"{path}: no such file or directory", file=sys.stderr)
    results: list[dict] = []
    exit_code = 2 if missing else 0
    async with OllamaEditorTools(ToolsConfig(base_url=args.server)) as tools:
        status = await probe_status(tools)
        if not status.reachable:
            print(
                f"note: Ollama is not reachable at {redact(status.base_url)}; only model names "
                "are checked, not whether they are installed.",
                file=sys.stderr,
            )
        existing = [path for path in args.files if path not in missing]
        for path in config_files(existing, args.exclude):
            kind = file_kind_for(path)
            if kind is None:
                print(
                    f"{path}: not a file ollama-ls checks (YAML, JSON, TOML, .env or Modelfile)",
                    file=sys.stderr,
                )
                exit_code = 2
                continue
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                print(f"{path}: cannot read: {error}", file=sys.stderr)
                exit_code = 2
                continue
            findings = await find_problems(
                tools, text, kind, args.model_key, str(Path(path).resolve()), args.disable
            )
            for finding in findings:
                if finding.severity == "error":
                    exit_code = max(exit_code, 1)
                if args.json:
                    results.append(finding_json(path, finding))
                else:
                    print(finding_line(path, finding))
    if args.json:
        print(json.dumps(results, indent=2))
    return exit_code
