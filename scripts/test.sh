#!/usr/bin/env bash
# The README's test command (`npm test`): runs every suite, each after the set-up it needs
# (scripts/runSuites.mjs declares it per suite; scripts/setup.sh does it), on a fresh machine too.
# Pass suite names to run a subset: `npm test -- unit` needs no apt, no Docker and no VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/runSuites.mjs --setup "$@"
