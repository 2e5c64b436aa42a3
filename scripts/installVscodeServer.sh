#!/usr/bin/env bash
# Installs the VS Code server shipped inside code-server 4.100.3 (VS Code 1.100.3) into a cache
# directory outside the repo, so the integration and browser tests (and `npm start` on a machine
# without a desktop `code`) can run a real VS Code with only the npm registry and Debian apt.
#
# Idempotent: a stamp file marks a finished install and a second run returns at once.
# Usage: bash scripts/installVscodeServer.sh   (prints the install directory on its last line)
# Env:   QUORUM_VSCODE_SERVER_DIR  install directory (default ~/.cache/quorum/vscode-server-1.100.3)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
DIR="${QUORUM_VSCODE_SERVER_DIR:-$HOME/.cache/quorum/vscode-server-1.100.3}"
STAMP="$DIR/.quorum-installed-$CODE_SERVER_VERSION"
VSCODE_DIR="$DIR/node_modules/code-server/lib/vscode"

fail() {
  echo "installVscodeServer: $*" >&2
  exit 1
}
step() { echo "installVscodeServer: $*" >&2; }

if [[ -f "$STAMP" && -f "$VSCODE_DIR/out/server-main.js" ]]; then
  echo "$DIR"
  exit 0
fi

command -v node >/dev/null || fail "node is not on PATH; install Node 20 first."
command -v npm >/dev/null || fail "npm is not on PATH; install Node 20 (with npm) first."

# System packages: the browser the tests drive, Kerberos headers for the `kerberos` addon, and
# ripgrep (VS Code's search binary cannot be downloaded here, so the Debian one is used).
missing=()
for pkg in chromium libkrb5-dev ripgrep; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || fail "missing Debian packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
  step "apt-get installing ${missing[*]}"
  apt-get update -qq || fail "apt-get update failed; check network access to the Debian mirror."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    fail "apt-get install ${missing[*]} failed."
fi
for tool in make g++ python3; do
  command -v "$tool" >/dev/null || fail "'$tool' is needed to rebuild VS Code's native addons; run: apt-get install -y build-essential python3"
done

# Build in a scratch directory beside the target and move it into place at the end, so an
# interrupted run never leaves a half-installed server that looks finished.
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9
if [[ -f "$STAMP" ]]; then # another run finished while this one waited for the lock
  echo "$DIR"
  exit 0
fi
WORK="$DIR.partial"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
echo '{"name":"quorum-vscode-server","private":true}' >package.json

step "npm install code-server@$CODE_SERVER_VERSION (no install scripts)"
npm_config_unsafe_perm=true npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2 ||
  fail "npm install code-server@$CODE_SERVER_VERSION failed; is the npm registry reachable?"
command -v node-gyp >/dev/null || npm install -g --no-audit --no-fund node-gyp >&2 || fail "npm install -g node-gyp failed."
npm rebuild argon2 >&2 || fail "npm rebuild argon2 failed."

cd node_modules/code-server/lib/vscode
step "npm install VS Code's own production dependencies"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2 || fail "npm install in lib/vscode failed."
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
step "rebuilding native addons (node-pty, watcher, kerberos, ...)"
npm rebuild node-pty @parcel/watcher kerberos native-watchdog @vscode/spdlog @vscode/deviceid >&2 ||
  fail "npm rebuild of VS Code's native addons failed; see the output above."
# The server resolves its modules through node_modules.asar, which only exists in packaged builds.
ln -sfn node_modules node_modules.asar
step "npm install the built-in extensions' dependencies"
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2) ||
  fail "npm install in lib/vscode/extensions failed."
[[ -f out/server-main.js ]] || fail "out/server-main.js is missing after install; the code-server package layout changed."

cd /
rm -rf "$DIR"
mv "$WORK" "$DIR"
date -u +%FT%TZ >"$STAMP"
step "done"
echo "$DIR"
