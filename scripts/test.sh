#!/usr/bin/env bash
# The README's test command (`npm test`): sets up a fresh machine, then runs every suite.
# Pass suite names to run a subset: `npm test -- unit sandbox`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --vscode
exec node scripts/runSuites.mjs "$@"
