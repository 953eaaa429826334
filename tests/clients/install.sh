#!/usr/bin/env bash
# Installs what the editor-client tests (tests/clients/) need, idempotently:
#   apt:  neovim, emacs-nox + elpa-eglot (eglot 1.9 for Emacs 28) + dockerfile-mode + yaml-mode,
#         chromium, and libkrb5-dev + ripgrep for the code-server build;
#   npm:  code-server 4.100.3 (the last release for Node 20) and playwright-core, into
#         $DOCKWISE_CLIENT_TOOLS (default ~/.cache/dockwise-clients), which the tests look in.
# Works as root or with sudo; each step is skipped when its result is already there.
set -euo pipefail

TOOLS="${DOCKWISE_CLIENT_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/dockwise-clients}"
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
RG_CACHE_VERSION=1.15.11   # the @vscode/ripgrep that code-server 4.100.3 pins
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

need=()
command -v nvim >/dev/null 2>&1 || need+=(neovim)
command -v emacs >/dev/null 2>&1 || need+=(emacs-nox)
[ -d /usr/share/emacs/site-lisp/elpa-src ] && ls /usr/share/emacs/site-lisp/elpa-src | grep -q '^eglot-' || need+=(elpa-eglot)
ls /usr/share/emacs/site-lisp/elpa-src 2>/dev/null | grep -q '^dockerfile-mode-' || need+=(elpa-dockerfile-mode)
ls /usr/share/emacs/site-lisp/elpa-src 2>/dev/null | grep -q '^yaml-mode-' || need+=(elpa-yaml-mode)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
    echo "== apt-get install ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi

CS="$TOOLS/cs"
if [ ! -x "$CS/node_modules/.bin/code-server" ] \
        || ! XDG_CONFIG_HOME="$TOOLS/xdg" XDG_DATA_HOME="$TOOLS/xdg" "$CS/node_modules/.bin/code-server" --version 2>/dev/null \
            | grep -q "^$CODE_SERVER_VERSION"; then
    echo "== npm install code-server@$CODE_SERVER_VERSION (a few minutes: native modules are compiled)"
    mkdir -p "$CS" "$TOOLS/tmp"
    # @vscode/ripgrep's postinstall downloads rg from GitHub: seed its cache with Debian's rg
    RGC="$TOOLS/tmp/vscode-ripgrep-cache-$RG_CACHE_VERSION"
    mkdir -p "$RGC" "$TOOLS/tmp/rgtar"
    cp "$(command -v rg)" "$TOOLS/tmp/rgtar/rg"
    tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TOOLS/tmp/rgtar" rg
    (
        cd "$CS"
        [ -f package.json ] || npm init -y >/dev/null
        TMPDIR="$TOOLS/tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
            npm_config_build_from_source=true npm install --no-audit --no-fund \
            "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
    )
fi
if [ ! -d "$CS/node_modules/playwright-core" ]; then
    (cd "$CS" && npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION")
fi
XDG_CONFIG_HOME="$TOOLS/xdg" XDG_DATA_HOME="$TOOLS/xdg" "$CS/node_modules/.bin/code-server" --version | head -1
echo "client tools in $TOOLS"
