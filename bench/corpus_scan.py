"""Scan time of the whole config-file corpus (`tests/fixtures/configs/`), today's scanner beside
the scanner of an earlier commit, in one run.

    .venv/bin/python bench/corpus_scan.py [--before REV] [--quick]

The earlier scanner (default: the commit before the per-tool rules) is read out of git into a
temporary package, so both run in the same process on the same files. Each pass scans every
corpus file once with the parse cache cleared; the figure is the median pass, over ~2 s of passes.
The slot counts show what each one finds.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import print_machine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "configs"
DEFAULT_BEFORE = "0a210ee"  # the scanner before the tool rules (issue: config formats)


def load_scanner_at(revision: str, into: Path):
    """`ollama_ls/scan` as it was at `revision`, imported as the package `scan_before`."""
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{revision}:server/ollama_ls/scan"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    package = into / "scan_before"
    package.mkdir()
    for name in listing:
        if name.endswith(".py"):
            source = subprocess.run(
                ["git", "show", f"{revision}:server/ollama_ls/scan/{name}"],
                cwd=ROOT, check=True, capture_output=True,
            ).stdout
            (package / name).write_bytes(source)
    sys.path.insert(0, str(into))
    return importlib.import_module("scan_before")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "expected.yaml")


def one_pass(scanner, files: list[tuple[Path, str, object]], with_path: bool) -> tuple[float, int]:
    scanner._found_cached.cache_clear()
    found = 0
    started = time.perf_counter()
    for path, text, kind in files:
        if with_path:
            found += len(scanner.scan(text, kind, path=str(path)))
        else:
            found += len(scanner.scan(text, kind))
    return time.perf_counter() - started, found


def measure(scanner, files, with_path: bool, seconds: float) -> tuple[float, int]:
    samples: list[float] = []
    found = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < 5:
        elapsed, found = one_pass(scanner, files, with_path)
        samples.append(elapsed)
    return statistics.median(samples), found


def large_yaml(entries: int = 2000) -> str:
    """A 10,000-line config: LiteLLM entries, a provider-keyed section, an environment."""
    parts = ["model_list:"]
    for i in range(entries // 2):
        parts += [f"  - model_name: local-{i}", "    litellm_params:",
                  f"      model: ollama_chat/llama3.2:{i % 7}b", "      api_base: http://localhost:11434",
                  "      temperature: 0.2"]
    parts.append("services:")
    for i in range(entries // 2):
        parts += [f"  svc{i}:", "    provider: ollama", f"    model: qwen2.5-coder:{i % 3}b",
                  "    options: {num_ctx: 8192}", "    retries: 3"]
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default=DEFAULT_BEFORE, help="git revision of the earlier scanner")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print_machine()
    import ollama_ls.scan as after

    with tempfile.TemporaryDirectory() as temporary:
        before = load_scanner_at(args.before, Path(temporary))
        paths = corpus_files()
        files_after = [(p, p.read_text(encoding="utf-8"), after.file_kind_for(str(p))) for p in paths]
        files_after = [f for f in files_after if f[2] is not None]
        files_before = [(p, t, before.FileKind(k.value)) for p, t, k in files_after]
        size = sum(len(t.encode()) for _, t, _ in files_after)
        seconds = 0.5 if args.quick else 2.0
        print(f"corpus: {len(files_after)} files, {size / 1024:.1f} KB, "
              f"{sum(t.count(chr(10)) for _, t, _ in files_after)} lines")
        print()
        print(f"| scanner | median pass (all files) | per file | slots found |")
        print(f"|---|---|---|---|")
        for label, scanner, files, with_path in (
            (f"before ({args.before})", before, files_before, False),
            ("after (today)", after, files_after, True),
        ):
            elapsed, found = measure(scanner, files, with_path, seconds)
            print(f"| {label} | {elapsed * 1000:.2f} ms | {elapsed * 1000 / len(files):.3f} ms | {found} |")
        big = large_yaml()
        print()
        print(f"one generated YAML of {big.count(chr(10)):,} lines ({len(big.encode()) // 1024} KB):")
        print()
        print("| scanner | median scan | slots found |")
        print("|---|---|---|")
        for label, scanner, kind, with_path in (
            (f"before ({args.before})", before, before.FileKind.YAML, False),
            ("after (today)", after, after.FileKind.YAML, True),
        ):
            elapsed, found = measure(scanner, [(Path("/w/config.yaml"), big, kind)], with_path, seconds)
            print(f"| {label} | {elapsed * 1000:.1f} ms | {found} |")


if __name__ == "__main__":
    main()
