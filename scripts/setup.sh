#!/usr/bin/env bash
# Everything the tests and the demo need on a fresh Debian 12 machine, idempotent:
# Debian packages (docker.io, chromium, busybox, ...), npm packages, a running Docker engine,
# the offline sandbox images and, with --vscode, the VS Code server used by the integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

want_vscode=0
[ "${1:-}" = "--vscode" ] && want_vscode=1

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v busybox >/dev/null 2>&1 || missing+=(busybox)
# The sandbox suites also run against Podman and against a second dockerd over TLS.
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "$want_vscode" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  # The Go toolchain the offline Go sandbox image is built from (scripts/buildSandboxImages.sh).
  ls /usr/lib/go-1.*/bin/go >/dev/null 2>&1 || missing+=(golang-1.19-go)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
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
if [ -z "${DOCKER_HOST:-}" ] && ! docker info >/dev/null 2>&1; then
  start_dockerd || exit 1
fi

log "building offline sandbox images"
bash scripts/buildSandboxImages.sh >&2

# The other engines of the sandbox suites (test/sandbox/testEngines.ts). One that cannot start
# makes its tests skip, each with the reason, in the summary: setup goes on.
log "starting rootful Podman and the TLS engine (own network namespace) with the offline images"
bash scripts/startPodman.sh >/dev/null || log "Podman did not start: its sandbox tests will be skipped"
bash scripts/startTlsEngine.sh >/dev/null || log "the TLS engine did not start: its sandbox tests will be skipped"

if [ "$want_vscode" = 1 ]; then
  log "installing the VS Code server for the integration tests"
  bash scripts/installVscodeServer.sh >&2
fi

log "building the extension"
npm run --silent build >/dev/null
