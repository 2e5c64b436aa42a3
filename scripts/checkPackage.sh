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
# dist/vendor/: the packages the extension loads on first use (esbuild.config.mjs LAZY_VENDORS).
for required in dist/extension.js dist/webview.js dist/cli.js media/panel.css dist/vendor/o200k_base.js dist/vendor/openai.js dist/vendor/dockerode.js; do
  echo "$files" | grep -qx "$required" || { echo "the .vsix lacks $required" >&2; exit 1; }
done
# The activation bundle stays small: the heavy packages load on first use (issue 23).
size=$(stat -c %s dist/extension.js)
if [ "$size" -gt 1572864 ]; then
  echo "dist/extension.js is $size bytes, over 1.5 MB: a heavy package is bundled into activation (see LAZY_VENDORS in esbuild.config.mjs)" >&2
  exit 1
fi
echo "package ok: $(echo "$files" | wc -l) files (dist/extension.js: $size bytes)"
