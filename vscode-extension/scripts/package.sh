#!/usr/bin/env bash
# Builds ollama-ls-<version>-<target>.vsix: the bundled extension plus the Python server and its
# runtime dependencies for that platform, fetched as wheels (pip --platform --only-binary), so any
# target builds on any machine. Targets: linux-x64 (default), linux-arm64, darwin-x64,
# darwin-arm64, win32-x64; `scripts/package-all.sh` builds the five.
#
# Layout (run by the user's Python isolated, see src/serverLaunch.ts, which puts bundled/libs on
# sys.path and imports ollama_ls.cli.main):
#   bundled/libs/                  the server, pure-Python and abi3 dependencies
#   bundled/libs/_native/cp3XX/    the dependencies built for one CPython minor version
#                                  (pydantic-core, tree-sitter), for every supported version;
#                                  ollama_ls/cli/bundle.py adds the running Python's folder, or
#                                  stops with a message naming the supported versions.
# The emulator's aiohttp stack is left out (the editor never starts the emulator).
# Downloads are cached in ~/.cache/ollama-ls/wheels (OLLAMA_LS_CACHE).
# Usage: scripts/package.sh [--target T] [--python PYTHON] [--python-versions "3.10 3.11 ..."]
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore   # pip's warning when run as root (CI containers)
EXT="$(pwd)"
REPO_ROOT="$(cd .. && pwd)"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
TARGET="linux-x64"
PY_VERSIONS="${PY_VERSIONS:-3.10 3.11 3.12 3.13 3.14}"
CACHE="${OLLAMA_LS_CACHE:-$HOME/.cache/ollama-ls}/wheels"
while [ $# -gt 0 ]; do
    case "$1" in
        --python) PYTHON="$2"; shift 2 ;;
        --target) TARGET="$2"; shift 2 ;;
        --python-versions) PY_VERSIONS="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

case "$TARGET" in
    linux-x64) PLATFORMS="manylinux_2_28_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64" ;;
    linux-arm64) PLATFORMS="manylinux_2_28_aarch64 manylinux_2_17_aarch64 manylinux2014_aarch64" ;;
    darwin-x64) PLATFORMS="macosx_11_0_x86_64 macosx_10_13_x86_64 macosx_10_12_x86_64 macosx_10_9_x86_64" ;;
    darwin-arm64) PLATFORMS="macosx_11_0_arm64" ;;
    win32-x64) PLATFORMS="win_amd64" ;;
    *) echo "package.sh: unknown target $TARGET (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64)" >&2; exit 2 ;;
esac
PLATFORM_ARGS=()
for platform in $PLATFORMS; do PLATFORM_ARGS+=(--platform "$platform"); done

# What the build needs: node_modules (vsce, esbuild).
if [ ! -d node_modules/@vscode/vsce ] || [ ! -d node_modules/esbuild ]; then
    echo "[package] node_modules missing: npm ci"
    npm ci --no-audit --no-fund
fi

pip_fetch() {  # pip_fetch DEST PYVER ARGS...: install wheels for $TARGET, cached
    local dest="$1" pyver="$2"; shift 2
    local cache="$CACHE/$TARGET-cp${pyver/./}"
    mkdir -p "$cache"
    local common=(--quiet --disable-pip-version-check --only-binary=:all: --implementation cp
                  --python-version "$pyver" "${PLATFORM_ARGS[@]}")
    if ! "$PYTHON" -m pip download "${common[@]}" --no-index --find-links "$cache" --find-links "$WORK" \
            -d "$cache" "$@" >/dev/null 2>&1; then
        "$PYTHON" -m pip download "${common[@]}" --find-links "$WORK" -d "$cache" "$@"
    fi
    # --target: what the packaging Python has installed is no concern of the bundle's.
    "$PYTHON" -m pip install "${common[@]}" --no-index --find-links "$cache" --find-links "$WORK" \
        --no-compile --no-warn-conflicts --target "$dest" "$@"
}

WORK="$(mktemp -d)"
# Everything is built in a private copy of the extension ($STAGE), so that two builds (or a build
# and a running test) never see each other's bundled/ folder half written.
STAGE="$(mktemp -d)"
trap 'rm -rf "$WORK" "$STAGE"' EXIT
for item in package.json package-lock.json README.md LICENSE language-configuration.json syntaxes \
        .vscodeignore esbuild.mjs tsconfig.json src; do
    [ -e "$item" ] && cp -r "$item" "$STAGE/"
done
ln -s "$EXT/node_modules" "$STAGE/node_modules"
cd "$STAGE"
echo "[package] $TARGET: building the server wheel"
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$WORK" "$REPO_ROOT"
SERVER_WHEEL="$(ls "$WORK"/ollama_ls-*.whl)"

read -r FIRST_VERSION _ <<<"$PY_VERSIONS"
echo "[package] $TARGET: dependencies for Python $PY_VERSIONS"
rm -rf bundled
mkdir -p bundled/libs/_native
pip_fetch bundled/libs "$FIRST_VERSION" "$SERVER_WHEEL"
rm -rf bundled/libs/bin bundled/libs/*.dist-info/RECORD
for package in aiohttp aiohappyeyeballs aiosignal frozenlist multidict yarl propcache; do
    rm -rf "bundled/libs/$package" bundled/libs/"$package"-*.dist-info
done

# Move what was built for one CPython minor version to _native/cpXY, and fetch the same
# versions of those packages for the other Pythons.
NATIVE="$("$PYTHON" - "$STAGE/bundled/libs" "$FIRST_VERSION" <<'PY'
import pathlib, re, shutil, sys
libs, first = pathlib.Path(sys.argv[1]), "cp" + sys.argv[2].replace(".", "")
per_version = re.compile(r"\.(cpython-3\d+[^.]*|cp3\d+-win_amd64)\.(so|pyd)$")
native_root = libs / "_native" / first
pins = []
for info in libs.glob("*.dist-info"):
    top = (info / "top_level.txt").read_text().split() if (info / "top_level.txt").exists() else []
    record_names = [p.name for p in libs.rglob("*") if per_version.search(p.name)]
    name, version = info.name[: -len(".dist-info")].rsplit("-", 1)
    tops = top or [name.replace("-", "_").lower()]
    if any(per_version.search(p.name) for t in tops for p in (libs / t).rglob("*") if (libs / t).exists()):
        native_root.mkdir(parents=True, exist_ok=True)
        for t in tops:
            if (libs / t).exists():
                shutil.move(str(libs / t), str(native_root / t))
        shutil.move(str(info), str(native_root / info.name))
        pins.append(f"{name}=={version}")
print(" ".join(sorted(pins)))
PY
)"
echo "[package] $TARGET: per-version packages: $NATIVE"
for pyver in $PY_VERSIONS; do
    [ "$pyver" = "$FIRST_VERSION" ] && continue
    # shellcheck disable=SC2086
    pip_fetch "bundled/libs/_native/cp${pyver/./}" "$pyver" --no-deps $NATIVE
done
rm -rf bundled/libs/_native/*/bin
printf '%s\n' $PY_VERSIONS > bundled/libs/_native/VERSIONS

# When this machine can run the target, the server imports with the bundle.
if [ "$("$PYTHON" -c 'import sys, platform; print(sys.platform, platform.machine())')" = "linux x86_64" ] \
        && [ "$TARGET" = "linux-x64" ]; then
    "$PYTHON" -I - "$STAGE/bundled/libs" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import ollama_ls.cli.main, ollama_ls.lsp.server, pydantic_core  # noqa: E401
print(f"[package] the bundle imports with Python {sys.version.split()[0]}")
PY
fi

# vsce runs `vscode:prepublish` (esbuild --production) before packing.
VERSION="$(node -p "require('./package.json').version")"
OUT="ollama-ls-$VERSION-$TARGET.vsix"
node_modules/.bin/vsce package --no-dependencies --target "$TARGET" --out "$EXT/$OUT"
find bundled -name __pycache__ -prune -exec rm -rf {} +
if [ "$TARGET" = "linux-x64" ]; then
    # The host's bundle also goes to vscode-extension/bundled (development runs use it).
    rm -rf "$EXT/bundled.old"
    [ -d "$EXT/bundled" ] && mv "$EXT/bundled" "$EXT/bundled.old"
    mv bundled "$EXT/bundled"
    rm -rf "$EXT/bundled.old"
fi
echo "[package] wrote $EXT/$OUT ($(du -h "$EXT/$OUT" | cut -f1))"
