#!/usr/bin/env bash
# Builds the .vsix and checks what it ships: the bundles and media, never src/, test/ or node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent package >/dev/null
files=$(npx vsce ls --no-dependencies)
echo "$files"
bad=$(echo "$files" | grep -E '^(src|test|node_modules|scripts|bench|sample|dist/test)/|\.(ts|map)$' | grep -v '\.d\.ts$' || true)
if [ -n "$bad" ]; then
  echo "the .vsix must not contain:" >&2
  echo "$bad" >&2
  exit 1
fi
for required in dist/extension.js dist/webview.js dist/cli.js media/panel.css; do
  echo "$files" | grep -qx "$required" || { echo "the .vsix lacks $required" >&2; exit 1; }
done
echo "package ok: $(echo "$files" | wc -l) files"
