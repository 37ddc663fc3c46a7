"""The files `ollama-ls check` looks at: the ones named, and the config files under the
directories named, skipping what git ignores and the usual dependency folders."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pathspec

from ollama_ls.scan import file_kind_for, is_excluded

SKIPPED_DIRECTORIES = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".ruff_cache",
     ".pytest_cache", "dist", "build", ".hg", ".svn"}
)  # fmt: skip


def config_files(paths: Sequence[str], excludes: Sequence[str] = ()) -> Iterator[str]:
    """Each path as given when it is a file; the config files below it when it is a directory."""
    for given in paths:
        if os.path.isdir(given):
            yield from _walk(Path(given), excludes)
        elif not is_excluded(given, excludes):
            yield given


def _walk(root: Path, excludes: Sequence[str]) -> Iterator[str]:
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        spec = _gitignore(here)
        if spec is not None:
            ignores.append((here, spec))
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES and not _ignored(here / name, True, ignores)
        )
        for name in sorted(files):
            path = here / name
            if file_kind_for(name) is None or _ignored(path, False, ignores):
                continue
            if not is_excluded(str(path), excludes):
                yield str(path)


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(path: Path, is_directory: bool, ignores: list[tuple[Path, pathspec.GitIgnoreSpec]]) -> bool:
    for base, spec in ignores:
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if spec.match_file(relative + ("/" if is_directory else "")):
            return True
    return False
