#!/usr/bin/env bash
# `npm start`: builds Quorum and opens VS Code with it loaded on the sample workspace.
# - With a desktop `code` on PATH: code --extensionDevelopmentPath=<repo> sample/
# - Otherwise: installs (once) and starts the VS Code server on loopback and prints the URL to open.
#   With no API key and no Ollama, the extension offers the recorded demo on first activation.
# Env: QUORUM_PORT (server port, default 8123 or the next free one), QUORUM_USE_SERVER=1 (server even
#      when `code` exists), QUORUM_START_DIR (server user data, default <QUORUM_CACHE_DIR or ~/.cache/quorum>/start),
#      QUORUM_SKIP_BUILD=1 (use dist/ as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
SAMPLE="$REPO/sample"
say() { printf '[quorum] %s\n' "$*" >&2; }

[[ -d "$SAMPLE" ]] || {
  say "the sample workspace $SAMPLE is missing; is this a complete checkout?"
  exit 1
}
use_server=1
[[ "${QUORUM_USE_SERVER:-0}" != 1 ]] && command -v code >/dev/null 2>&1 && use_server=0

if [[ "${QUORUM_SKIP_BUILD:-0}" != 1 ]]; then
  # Everything a fresh machine lacks: Debian packages, npm ci, Docker, offline images, the build,
  # and (without a desktop `code`) the VS Code server.
  say "setting up (first run installs packages; later runs take seconds)"
  if [[ "$use_server" = 1 ]]; then setup_args=(--vscode); else setup_args=(); fi
  bash scripts/setup.sh "${setup_args[@]}" || {
    say "setup failed (see above); fix it, or run with QUORUM_SKIP_BUILD=1 to use dist/ as it is"
    exit 1
  }
fi

if [[ "$use_server" = 0 ]]; then
  say "opening desktop VS Code with Quorum loaded from $REPO"
  exec code --extensionDevelopmentPath="$REPO" "$SAMPLE"
fi

say "no desktop 'code' found: using the VS Code server in the browser"
SERVER_DIR="$(bash scripts/installVscodeServer.sh)"
STATE="${QUORUM_START_DIR:-${QUORUM_CACHE_DIR:-$HOME/.cache/quorum}/start}"
mkdir -p "$STATE/user-data/User" "$STATE/extensions"
SETTINGS="$STATE/user-data/User/settings.json"
# First start only: a quiet workbench. Later edits by the user are kept.
if [[ ! -f "$SETTINGS" ]]; then
  # This machine may reach no registry: when the offline images built by setup exist, the sandbox
  # uses them (remove "quorum.sandbox.images" to use the public python/node images instead).
  images='{}'
  if docker image inspect quorum-offline/python:3.11 >/dev/null 2>&1; then
    images='{ "python": "quorum-offline/python:3.11", "javascript": "quorum-offline/node:20", "typescript": "quorum-offline/node:20", "bash": "quorum-offline/bash:5" }'
    say "sandbox images: the offline images built from this machine's binaries (quorum-offline/*)"
  fi
  cat >"$SETTINGS" <<JSON
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.ignoreRecommendations": true,
  "quorum.sandbox.images": $images
}
JSON
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${QUORUM_PORT:-8123}"
if [[ -z "${QUORUM_PORT:-}" ]]; then
  while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
elif ! port_free "$PORT"; then
  say "port $PORT is in use; pick another with QUORUM_PORT=..."
  exit 1
fi

# Loopback only and no connection token: reachable from this machine alone. For a remote machine,
# forward the port (ssh -L $PORT:127.0.0.1:$PORT host) rather than binding a public address.
setsid node "$SERVER_DIR/node_modules/code-server/lib/vscode/out/server-main.js" \
  --host 127.0.0.1 --port "$PORT" --without-connection-token --accept-server-license-terms \
  --extensions-dir "$STATE/extensions" --user-data-dir "$STATE/user-data" >"$STATE/server.log" 2>&1 &
SERVER_PID=$!
# Its own process group (setsid), so stopping also ends the extension host it spawned.
trap 'kill -- "-$SERVER_PID" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 120); do
  port_free "$PORT" || break
  kill -0 "$SERVER_PID" 2>/dev/null || {
    say "the VS Code server exited; see $STATE/server.log"
    exit 1
  }
  sleep 0.5
done

# The payload loads Quorum straight from this checkout (as --extensionDevelopmentPath does).
URL="$(node -e '
  const [port, folder, repo] = process.argv.slice(1);
  const url = new URL(`http://127.0.0.1:${port}/`);
  url.searchParams.set("folder", folder);
  url.searchParams.set("payload", JSON.stringify([["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${port}${repo}`]]));
  console.log(url.toString());
' "$PORT" "$SAMPLE" "$REPO")"

cat >&2 <<EOF

  VS Code with Quorum is running. Open this URL in a browser on this machine:

    $URL

  Then click the Quorum icon in the activity bar. With no API key and no Ollama, Quorum offers a
  demo with recorded answers; to use real models, add them to the "quorum.models" setting and run
  "Quorum: Set API Key", or start Ollama. Server log: $STATE/server.log. Stop with Ctrl+C.

EOF
wait "$SERVER_PID"
