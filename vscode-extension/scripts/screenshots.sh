#!/usr/bin/env bash
# Refreshes the quick start's pictures, docs/images/*.png, from the VS Code end-to-end test: builds
# the linux-x64 .vsix (scripts/package.sh), installs code-server when missing
# (scripts/install-code-server.sh), and runs test/e2e/run.mjs with OLLAMA_LS_SCREENSHOTS set,
# only the steps that take the pictures. Without that variable (CI, scripts/test-extension) the
# test writes no picture outside test-artifacts/, so committed files never change under a test run.
# Usage: scripts/screenshots.sh [output dir, default docs/images]
set -euo pipefail
cd "$(dirname "$0")/.."
EXT="$(pwd)"
REPO="$(cd .. && pwd)"
OUT="$(mkdir -p "${1:-$REPO/docs/images}" && cd "${1:-$REPO/docs/images}" && pwd)"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
ARTIFACTS="$REPO/test-artifacts/screenshots"
PICTURES="status-bar completion problems pull-progress generate"
mkdir -p "$ARTIFACTS"

[ -x "$REPO/.venv/bin/python" ] || "$REPO/scripts/install"

echo "[screenshots] code-server $CODE_SERVER_VERSION (log: $ARTIFACTS/install-code-server.log)"
CODE_SERVER_HOME="$("$EXT/scripts/install-code-server.sh" "$CODE_SERVER_VERSION" 2> "$ARTIFACTS/install-code-server.log" | tail -1)"

echo "[screenshots] the linux-x64 .vsix"
PYTHON="$REPO/.venv/bin/python" bash scripts/package.sh --target linux-x64 | grep '^\[package\]'
VERSION="$(node -p "require('./package.json').version")"
VSIX="$EXT/ollama-ls-$VERSION-linux-x64.vsix"

SHOTS="$ARTIFACTS/pictures"   # kept for a look when one is missing
rm -rf "$SHOTS"
echo "[screenshots] end-to-end test, the steps that take the pictures"
# The first step always runs (it opens config.yaml); these are the ones the pictures come from.
OLLAMA_LS_SCREENSHOTS="$SHOTS" node test/e2e/run.mjs --code-server "$CODE_SERVER_HOME" --vsix "$VSIX" \
    --repo "$REPO" --artifacts "$ARTIFACTS" \
    --only 'completion lists|Problems panel|Pull Model shows progress|Generate at Cursor streams|tooltip shows the server'

missing=()
for name in $PICTURES; do [ -s "$SHOTS/$name.png" ] || missing+=("$name.png"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "[screenshots] not written: ${missing[*]} (see the test's log above; docs/images unchanged)" >&2
    exit 1
fi
for name in $PICTURES; do cp "$SHOTS/$name.png" "$OUT/$name.png"; done
echo "[screenshots] wrote to $OUT:"
for name in $PICTURES; do echo "  $name.png $(du -k "$OUT/$name.png" | cut -f1) KB"; done
