#!/usr/bin/env bash
# Builds the .vsix for every target (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64)
# and checks that each bundles wheels for its own platform (scripts/check-vsix.py).
# Usage: scripts/package-all.sh [package.sh options other than --target]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT="$(cd .. && pwd)"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
TARGETS="${TARGETS:-linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64}"
VERSION="$(node -p "require('./package.json').version")"
# linux-x64 last: bundled/ is left as its bundle, which development runs and the e2e test use.
ordered="$(printf '%s\n' $TARGETS | grep -v '^linux-x64$' || true) $(printf '%s\n' $TARGETS | grep '^linux-x64$' || true)"
for target in $ordered; do
    bash scripts/package.sh --target "$target" "$@" | grep '^\[package\]'
done
files=()
for target in $TARGETS; do files+=("ollama-ls-$VERSION-$target.vsix"); done
"$PYTHON" scripts/check-vsix.py "${files[@]}"
