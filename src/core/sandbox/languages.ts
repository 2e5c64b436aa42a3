import { transform } from 'sucrase';
import type { Language } from '../types';
import type { ArchiveFile } from './archive';
import { BUILD_DIR, WORKDIR } from './limits';

/** Public images used when the settings name none; pulled on first use. */
export const DEFAULT_IMAGES: Readonly<Partial<Record<Language, string>>> = Object.freeze({
  python: 'python:3.12-slim',
  javascript: 'node:22-slim',
  typescript: 'node:22-slim',
  bash: 'bash:5',
  rust: 'rust:1-slim',
  go: 'golang:1-alpine',
});

/**
 * Go's build cache: compiled once per image into a derived image at GO_CACHE_SEED (see
 * compilerCache.ts), copied by the bootstrap into the tmpfs at GO_CACHE before the container
 * reports ready, so a run compiles only its own package.
 */
export const GO_CACHE_SEED = '/opt/quorum/gocache';
export const GO_CACHE = '/tmp/.gocache';
/** The environment of every Go build in the sandbox, seed and runs alike (else the cache misses). */
export const GO_BUILD_ENV = 'CGO_ENABLED=0 GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-buildvcs=false';

/** Languages compiled inside the container: they get an exec-able tmpfs for the binary (BUILD_DIR). */
export function compiledInContainer(language: Language): boolean {
  return language === 'rust' || language === 'go';
}

/** What goes into the container's working directory, and the command that runs it. */
export interface Program {
  readonly files: readonly ArchiveFile[];
  /** The argv of the program; the sandbox feeds stdin from a file. */
  readonly argv: readonly string[];
}

// ESM syntax at the start of a line: such a file must be run as a module (.mjs).
const ESM_SYNTAX = /^\s*(import\s[^(]|import\s*\{|export\s)/m;

/**
 * Turns source code into files plus an argv for one language. TypeScript is transpiled on the
 * host with sucrase (pure JS, fast) because the default node images have no TypeScript and
 * older ones no type stripping; the result is ordinary CommonJS for any node.
 */
export function programFor(language: Language, code: string, args: readonly string[] = []): Program {
  switch (language) {
    case 'python':
      return {
        files: [{ name: 'main.py', content: code }],
        argv: ['python3', `${WORKDIR}/main.py`, ...args],
      };
    case 'javascript': {
      const name = ESM_SYNTAX.test(code) ? 'main.mjs' : 'main.js';
      return { files: [{ name, content: code }], argv: ['node', `${WORKDIR}/${name}`, ...args] };
    }
    case 'typescript': {
      const js = transpileTypeScript(code);
      return {
        files: [
          { name: 'main.ts', content: code },
          { name: 'main.js', content: js },
        ],
        // sucrase keeps line numbers, so node's stack traces point at the TypeScript lines.
        argv: ['node', `${WORKDIR}/main.js`, ...args],
      };
    }
    case 'bash':
      return { files: [{ name: 'main.sh', content: code }], argv: ['bash', `${WORKDIR}/main.sh`, ...args] };
    case 'rust':
      // The compiler's errors reach the candidate's stderr and the exit status is rustc's (1) when
      // it does not build; a panic exits with 101, as usual.
      return compiledThenRun(
        'main.rs',
        code,
        `rustc --edition 2021 --crate-name main -o ${BUILD_DIR}/main ${WORKDIR}/main.rs`,
        args,
      );
    case 'go':
      // Built with `go build` rather than `go run`, whose own status (1) would hide the program's
      // (a panic exits with 2). Compile errors are go's: its status, `./main.go:LINE:COL: ...`.
      // No network and GOPROXY=off: only the standard library can be imported.
      return compiledThenRun(
        'main.go',
        code,
        `cd ${WORKDIR} && GOCACHE=${GO_CACHE} ${GO_BUILD_ENV} go build -o ${BUILD_DIR}/main main.go`,
        args,
      );
  }
}

/**
 * A language compiled in the container: `build` writes BUILD_DIR/main, which then runs with the
 * arguments, so the compiler's errors and status are the run's when it does not build.
 */
function compiledThenRun(file: string, code: string, build: string, args: readonly string[]): Program {
  return {
    files: [{ name: file, content: code }],
    argv: ['/bin/sh', '-c', `${build} && exec ${BUILD_DIR}/main "$@"`, 'main', ...args],
  };
}

export function transpileTypeScript(code: string): string {
  try {
    return transform(code, {
      transforms: ['typescript', 'imports'],
      filePath: 'main.ts',
    }).code;
  } catch (error) {
    // A syntax error is the candidate's fault, not the sandbox's: run it anyway so the
    // result carries node's own error message and a non-zero exit code.
    const message = error instanceof Error ? error.message : String(error);
    return `process.stderr.write(${JSON.stringify(`TypeScript syntax error: ${message}\n`)});\nprocess.exit(1);\n`;
  }
}

/** POSIX-shell quoting: everything inside single quotes is literal except the quote itself. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
