#!/usr/bin/env bash
# Sets up what the tests and the demo need on a fresh Debian 12 machine, one part at a time, each
# idempotent (a part already in place takes a second):
#
#   npm      npm ci when node_modules is missing or older than the lockfile
#   docker   Debian's docker.io and busybox, a running Docker engine, the offline sandbox images
#   engines  the sandbox suites' other engines: rootful Podman and a second dockerd over TLS
#   browser  Debian's chromium (the webview suite drives the panel bundle in it)
#   vscode   the VS Code servers of the integration and browser suites (scripts/installVscodeServer.sh)
#   build    the bundles in dist/
#
# Usage: bash scripts/setup.sh [part ...]
#        no part: npm docker engines build (the demo, `npm run sandbox:images`);
#        --vscode: every part (what `npm start` without a desktop VS Code needs).
# `npm test` runs the parts each suite declares in scripts/runSuites.mjs, just before that suite.
# Never prompts: apt runs noninteractive and every npm/npx step with npm_config_yes=true; a failed
# download ends with a message naming what to install.
set -euo pipefail
# The whole script in one block: bash parses it before running any of it, so an edit to this file
# while a (minutes-long) set-up runs cannot shift what the running one reads next.
{
cd "$(dirname "$0")/.."
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

parts=()
for arg in "$@"; do
  case "$arg" in
    --vscode) parts+=(npm docker engines browser vscode build) ;;
    npm | docker | engines | browser | vscode | build | postgres) parts+=("$arg") ;;
    *)
      echo "setup: unknown part \"$arg\"; use npm, docker, engines, browser, vscode, build, postgres or --vscode" >&2
      exit 2
      ;;
  esac
done
[ "${#parts[@]}" -gt 0 ] || parts=(npm docker engines build)
want() { [[ " ${parts[*]} " == *" $1 "* ]]; }

log() { printf '[setup] %s\n' "$*" >&2; }
fail() {
  printf '[setup] %s\n' "$*" >&2
  exit 1
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages, all parts' at once (one apt-get update).
missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
if want docker || want engines; then
  need_cmd dockerd docker.io
  need_cmd busybox busybox
  # The Go toolchain the offline Go sandbox image is built from (scripts/buildSandboxImages.sh).
  ls /usr/lib/go-1.*/bin/go >/dev/null 2>&1 || missing+=(golang-1.19-go)
fi
if want engines; then
  need_cmd podman podman
  need_cmd curl curl
  need_cmd openssl openssl
fi
if want browser || want vscode; then need_cmd chromium chromium; fi
# The gateway's PostgreSQL tests (test/server): Debian's server; the suite starts the cluster itself.
if want postgres; then command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql/15 ] || missing+=(postgresql-15); fi
if want vscode; then
  need_cmd rg ripgrep
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "missing: ${missing[*]}; this is not a Debian/Ubuntu machine, install them with its package manager"
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq || fail "apt-get update failed; check access to the Debian mirror, or install by hand: apt-get install -y ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null ||
    fail "apt-get install failed; install by hand: apt-get install -y ${missing[*]}"
fi

# npm ci when node_modules is missing or older than the lockfile.
if want npm; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # npm ci empties node_modules first: through a symlink, that is another checkout's packages.
    [ ! -L node_modules ] || fail "node_modules is a symlink to $(readlink -f node_modules); npm ci would empty it. Give this checkout its own node_modules (rm node_modules && npm ci)"
    log "installing npm packages (npm ci)"
    npm ci --loglevel=error || fail "npm ci failed; is the npm registry reachable? (npm config get registry)"
  fi
fi

# A Docker engine: use the one DOCKER_HOST points at, else start dockerd when none answers.
# An engine that was killed rather than stopped leaves dead containerd shims behind; its containerd
# cleans them up at the next start, and with a few hundred that outlasts dockerd's own wait for
# containerd, so dockerd gives up once with "timeout waiting for containerd to start". Each try
# gets further through the clean-up, so try again.
start_dockerd() {
  : >/tmp/quorum-dockerd.log
  for attempt in 1 2 3; do
    log "starting dockerd (try $attempt of 3)"
    as_root sh -c 'setsid dockerd >>/tmp/quorum-dockerd.log 2>&1 </dev/null & echo $! >/tmp/quorum-dockerd.pid'
    for _ in $(seq 1 120); do
      docker info >/dev/null 2>&1 && return 0
      kill -0 "$(cat /tmp/quorum-dockerd.pid)" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$(cat /tmp/quorum-dockerd.pid)" 2>/dev/null && break
    log "dockerd exited: $(grep -v '^time=' /tmp/quorum-dockerd.log | tail -n 1)"
  done
  log "dockerd did not start; the end of /tmp/quorum-dockerd.log:"
  tail -n 15 /tmp/quorum-dockerd.log >&2
  return 1
}
if want docker || want engines; then
  if [ -z "${DOCKER_HOST:-}" ] && ! docker info >/dev/null 2>&1; then
    start_dockerd || exit 1
  fi
  log "building offline sandbox images"
  bash scripts/buildSandboxImages.sh >&2
fi

# The other engines of the sandbox suites (test/sandbox/testEngines.ts). One that cannot start
# makes its tests skip, each with the reason, in the summary: setup goes on.
if want engines; then
  log "starting rootful Podman and the TLS engine (own network namespace) with the offline images"
  bash scripts/startPodman.sh >/dev/null || log "Podman did not start: its sandbox tests will be skipped"
  bash scripts/startTlsEngine.sh >/dev/null || log "the TLS engine did not start: its sandbox tests will be skipped"
fi

if want vscode; then
  log "installing the VS Code servers for the integration and browser tests"
  bash scripts/installVscodeServer.sh >&2
fi

if want build; then
  log "building the extension"
  npm run --silent build >/dev/null || fail "npm run build failed; run it to see why"
fi
exit 0
}
