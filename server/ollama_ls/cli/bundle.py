"""The VS Code extension's bundled dependencies: the part built for one Python version.

A packaged extension (vscode-extension/scripts/package.sh) ships `bundled/libs` (the server and
what works on every Python) and `bundled/libs/_native/cpXY` (pydantic-core, tree-sitter: built for
one CPython minor version each). This adds the running Python's folder to sys.path before anything
imports them, or stops with a message naming the versions the bundle supports.
"""

from __future__ import annotations

import sys
from pathlib import Path


def use_bundled_native() -> None:
    libs = Path(__file__).resolve().parents[2]  # .../bundled/libs when run from the bundle
    native = libs / "_native"
    if not native.is_dir():
        return  # an ordinary install: pip chose the right wheels
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    folder = native / tag
    if folder.is_dir():
        if str(folder) not in sys.path:
            sys.path.insert(sys.path.index(str(libs)) + 1 if str(libs) in sys.path else 0,
                            str(folder))
        return
    versions_file = native / "VERSIONS"
    versions = versions_file.read_text().split() if versions_file.exists() else sorted(
        f"{p.name[2]}.{p.name[3:]}" for p in native.iterdir() if p.name.startswith("cp")
    )
    running = ".".join(map(str, sys.version_info[:2]))
    raise SystemExit(
        f"ollama-ls: the bundled server supports Python {', '.join(versions)}; "
        f"{sys.executable} is Python {running}. Set ollama.server.python to one of those "
        "interpreters, or ollama.server.path to an installed ollama-ls."
    )
