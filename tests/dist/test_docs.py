"""The user docs point only inside the repository: every `docs/…`, `scripts/…`,
`vscode-extension/…` or `server/…` path they name exists, and none names a file elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = ["README.md", "docs/quickstart.md", "docs/troubleshooting.md", "docs/editors.md",
         "docs/cli.md"]
REPO_PATH = re.compile(r"(?<![\w/.~-])((?:docs|scripts|vscode-extension|server|tests)/[\w./-]*\w)")
OUTSIDE = re.compile(r"(?<![\w.~])(/(?:work|home|root|tmp|opt|Users)/[\w./-]+|file://\S+)")


@pytest.mark.parametrize("page", PAGES)
def test_named_paths_exist(page):
    text = (REPO / page).read_text()
    missing = []
    for path in set(REPO_PATH.findall(text)):
        if "<" in path or "*" in path or path.endswith((".vsix", "/ollama-ls")):
            continue  # build outputs, and templates like ollama-ls-<version>-<target>.vsix
        if not any(Path(candidate).exists() or list(REPO.glob(candidate.replace(str(REPO) + "/", "")))
                   for candidate in (str(REPO / path),)):
            missing.append(path)
    assert not missing, f"{page} names paths that do not exist: {sorted(missing)}"


@pytest.mark.parametrize("page", PAGES)
def test_no_path_outside_the_repository(page):
    found = OUTSIDE.findall((REPO / page).read_text())
    assert not found, f"{page} points outside the repository: {found}"
