#!/usr/bin/env bash
# Builds ollama-ls-<version>-linux-x64.vsix: the bundled extension plus the Python server and its
# runtime dependencies (native wheels for this platform) in bundled/libs, run by the user's Python
# isolated (`python -I -u -c <code> serve`: the code puts bundled/libs first on sys.path and calls
# ollama_ls.cli.main:main; see src/serverLaunch.ts).
# Usage: scripts/package.sh [--python PYTHON] [--target linux-x64]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT="$(cd .. && pwd)"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
TARGET="linux-x64"
while [ $# -gt 0 ]; do
    case "$1" in
        --python) PYTHON="$2"; shift 2 ;;
        --target) TARGET="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

echo "[package] bundling the server with $("$PYTHON" --version) into bundled/libs"
rm -rf bundled
mkdir -p bundled/libs
# --no-compile: no .pyc (they are written at first run, per interpreter); only runtime deps.
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-compile --no-warn-script-location \
    --target bundled/libs "$REPO_ROOT"
rm -rf bundled/libs/bin bundled/libs/*.dist-info/RECORD
"$PYTHON" - <<'PY'
import sys
sys.path.insert(0, "bundled/libs")
import ollama_ls, pygls, pydantic_core  # the server and its native deps import with this Python
print(f"[package] bundled ollama_ls from {ollama_ls.__file__}")
PY

# vsce runs `vscode:prepublish` (esbuild --production) before packing.
VERSION="$(node -p "require('./package.json').version")"
OUT="ollama-ls-$VERSION-$TARGET.vsix"
npx --no-install vsce package --no-dependencies --target "$TARGET" --out "$OUT"
echo "[package] wrote $(pwd)/$OUT ($(du -h "$OUT" | cut -f1))"
