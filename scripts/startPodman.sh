#!/usr/bin/env bash
# A rootful Podman engine on a unix socket, with the offline sandbox images, for the suites that
# run the sandbox against Podman (test/sandbox, QUORUM_TEST_ENGINES). Idempotent; prints the
# DOCKER_HOST to use. Needs root and the images built by scripts/buildSandboxImages.sh.
#   bash scripts/startPodman.sh          start (or reuse) the service, load missing images
#   bash scripts/startPodman.sh stop     stop the service this script started
set -euo pipefail

SOCK=/run/quorum-podman.sock
PIDFILE=/run/quorum-podman.pid
LOG=/tmp/quorum-podman.log
log() { printf '[podman] %s\n' "$*" >&2; }

if [ "${1:-}" = stop ]; then
  [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
  rm -f "$PIDFILE"
  exit 0
fi

if ! command -v podman >/dev/null 2>&1; then
  log "installing Debian's podman"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null; } || {
    log "apt-get install podman failed; install it by hand: apt-get install -y podman"
    exit 1
  }
fi

answers() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://podman/_ping >/dev/null 2>&1; }
if ! answers; then
  log "starting podman system service on $SOCK"
  rm -f "$SOCK"
  # --time=0: the service never exits for lack of clients (the suites connect now and then).
  # From /: conmon writes its `oom` marker file into the working directory it inherits.
  (cd / && exec setsid podman system service --time=0 "unix://$SOCK") >"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 60); do answers && break; sleep 0.5; done
  answers || { log "the service did not answer; end of $LOG:"; tail -n 20 "$LOG" >&2; exit 1; }
fi

# Podman cannot pull here either: the offline images come from the Docker engine.
# The images the suites run on this engine (QUORUM_ENGINE_IMAGES=all loads every offline image).
IMAGES="${QUORUM_ENGINE_IMAGES:-quorum-offline/python:3.11 quorum-offline/node:20 quorum-offline/bash:5}"
[ "$IMAGES" = all ] && IMAGES="$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^quorum-offline/')"
for tag in $IMAGES; do
  docker image inspect "$tag" >/dev/null 2>&1 || { log "no $tag in the Docker engine (scripts/buildSandboxImages.sh)"; continue; }
  want="$(docker image inspect -f '{{.Id}}' "$tag")"
  have="$(podman image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  if [ "sha256:$have" != "$want" ] && [ "$have" != "$want" ]; then
    log "loading $tag"
    docker save "$tag" | podman load -q >/dev/null
  fi
done
echo "unix://$SOCK"
