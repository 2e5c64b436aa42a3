/**
 * How a project's tests run: found from the snapshot's files (only reads them), or given by the
 * user (`project.testCommand` in quorum.config.json, the setting `quorum.project.testCommand`).
 *
 * A TestCommand's `argv` is always `['sh', '-c', LINE]`, where LINE is the project's own test
 * command as a person would type it in the project folder: the package.json script, `python3 -m
 * pytest`, `go test ./...`, the override. `testScript` turns it into the POSIX sh script the
 * sandbox runs (busybox sh is enough) with the project copy as working directory and
 * QUORUM_REPORT_DIR / QUORUM_SCRATCH set. The script adds what makes the run readable and
 * contained — the runner's report flags (JUnit XML, `-json`), node_modules/.bin on PATH, caches and
 * temporary files in the scratch directory, no bytecode in the project — and exits with the test
 * command's own status, saved right after it ran (SWE-bench's record_test_exit_code). The same
 * TestCommand always gives the same script, so a record's TestCommand says what ran.
 *
 * Runners and their reports (file names inside $QUORUM_REPORT_DIR, read by testReports.ts):
 * - package.json `scripts.test`, run as npm runs it (`sh -c SCRIPT`, node_modules/.bin first on
 *   PATH; the image needs no npm). A script that is one `node … --test …` command, or a `&&`
 *   chain ending in one (`tsc -p . && node --test dist/test/`), is `node-test`: that command's
 *   reporters become JUnit into `junit.xml` plus `spec` on stdout. Any other script is `command`:
 *   its exit status is the only evidence. (npm's pretest/posttest scripts are not run.)
 * - Python: `pytest` when the project configures it (pytest.ini, pyproject.toml
 *   [tool.pytest.ini_options], setup.cfg [tool:pytest], tox.ini [pytest], a conftest.py), lists
 *   it as a dependency, ships it in its .venv, or has test files that import it, with `--junitxml=junit.xml -p no:cacheprovider
 *   --continue-on-collection-errors`; when pytest does not
 *   import in the image the script falls back to the unittest runner. Otherwise `unittest`: the
 *   result-writing runner of unittestReporter.ts, into `unittest.json`. The script writes which ran
 *   into `runner`.
 * - Go (`go.mod`): `go test -json -vet=off ./...` into `go.json`, modules from vendor/ when there
 *   is one (else `-mod=mod`), GOPROXY=off, the build cache in the scratch directory (seeded from
 *   the image's Go cache when it has one). vet is a linter, not a test: off.
 * - Rust (`Cargo.toml`): `cargo test --offline --no-fail-fast` (every test target runs even when
 *   one fails), target directory in the scratch directory, output tee'd into `cargo.txt`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GO_CACHE_SEED } from '../sandbox/languages';
import type { ProjectLanguage, RunnerKind, TestCommand } from './types';
import { UNITTEST_REPORTER_SOURCE } from './unittestReporter';

export const DEFAULT_TEST_TIMEOUT_S = 120;

/** The detected pytest command; only this exact line falls back to unittest when pytest is missing. */
export const PYTEST_COMMAND = 'python3 -m pytest';
/** The detected unittest command (run through Quorum's result-writing runner). */
export const UNITTEST_COMMAND = 'python3 -m unittest discover';
export const GO_COMMAND = 'go test ./...';
export const CARGO_COMMAND = 'cargo test --offline';

/** Report file names inside $QUORUM_REPORT_DIR. */
export const REPORT_FILES = Object.freeze({
  junit: 'junit.xml',
  unittest: 'unittest.json',
  go: 'go.json',
  cargo: 'cargo.txt',
  /** `pytest` or `unittest`: which of the two a Python script really ran. */
  runner: 'runner',
});

const NPM_DEFAULT_TEST = /no test specified/;
/** Characters that make a command line more than one simple command. */
const SHELL_OPERATORS = /[;&|<>`\n]|\$\(/;

export interface TestCommandOverride {
  /** A shell command line from `project.testCommand` / `quorum.project.testCommand`. */
  readonly command?: string;
  readonly timeoutS?: number;
  /** Where the command came from, in words (default `project.testCommand`). */
  readonly source?: string;
}

/**
 * The project's test command, or undefined when none is found. `files` are the snapshot's paths
 * relative to `root` with `/` separators; only those files are read.
 */
export function detectTestCommand(
  root: string,
  language: ProjectLanguage,
  files: readonly string[],
  override: TestCommandOverride = {},
): TestCommand | undefined {
  const timeoutS =
    override.timeoutS !== undefined && Number.isFinite(override.timeoutS) && override.timeoutS > 0
      ? override.timeoutS
      : DEFAULT_TEST_TIMEOUT_S;
  const make = (runner: RunnerKind, line: string, source: string): TestCommand => ({
    argv: ['sh', '-c', line],
    runner,
    source,
    timeoutS,
  });
  const configured = override.command?.trim();
  if (configured) {
    const where = override.source ?? 'project.testCommand';
    return make(runnerOfCommand(configured), configured, `${where} (${configured})`);
  }
  const has = new Set(files);
  const read = (file: string): string => (has.has(file) ? readText(join(root, file)) : '');
  switch (language) {
    case 'javascript':
    case 'typescript': {
      const script = packageTestScript(read('package.json'));
      if (!script) return undefined;
      return make(runnerOfCommand(script), script, `package.json scripts.test (${script})`);
    }
    case 'python': {
      const pytest = pytestConfigured(files, read);
      if (pytest) return make('pytest', PYTEST_COMMAND, pytest);
      if (!files.some((f) => /(^|\/)test[^/]*\.py$/.test(f) && !isDependency(f))) return undefined;
      return make('unittest', UNITTEST_COMMAND, 'test*.py files (unittest)');
    }
    case 'go':
      return has.has('go.mod') && files.some((f) => f.endsWith('_test.go'))
        ? make('go', GO_COMMAND, 'go.mod')
        : undefined;
    case 'rust':
      return has.has('Cargo.toml') ? make('cargo', CARGO_COMMAND, 'Cargo.toml') : undefined;
  }
}

/**
 * Which runner's report a command line can give: its last command is recognisably pytest,
 * `node --test`, `go test` or `cargo test`, and the line is that one simple command or a `&&`
 * chain ending in it (`tsc -p . && node --test dist/test/`: the build, then the tests); else
 * `command`. Only the last command gets the report flags.
 */
export function runnerOfCommand(line: string): RunnerKind {
  const chain = andChain(line);
  if (!chain) return 'command';
  const last = chain[chain.length - 1];
  if (isNodeTest(last)) return 'node-test';
  if (/^(pytest|py\.test|python3?(\.\d+)? -m pytest)(\s|$)/.test(last)) return 'pytest';
  if (/^go test(\s|$)/.test(last)) return 'go';
  if (/^cargo test(\s|$)/.test(last)) return 'cargo';
  return 'command';
}

/** The simple commands of `A && B && C`, or undefined when the line has any other shell syntax. */
function andChain(line: string): string[] | undefined {
  const parts = line
    .trim()
    .split('&&')
    .map((p) => p.trim());
  return parts.every((p) => p && !SHELL_OPERATORS.test(p)) ? parts : undefined;
}

/** The line with its last command rewritten (the runner's report flags). */
function withLast(line: string, rewrite: (last: string) => string): string {
  const chain = andChain(line) ?? [line.trim()];
  return [...chain.slice(0, -1), rewrite(chain[chain.length - 1])].join(' && ');
}

/** One `node` command with the `--test` flag. */
function isNodeTest(command: string): boolean {
  const words = command.trim().split(/\s+/);
  return words[0] === 'node' && words.includes('--test');
}

function packageTestScript(text: string): string | undefined {
  if (!text) return undefined;
  try {
    const pkg = JSON.parse(text) as { scripts?: Record<string, unknown> };
    const test = pkg.scripts?.test;
    return typeof test === 'string' && test.trim() && !NPM_DEFAULT_TEST.test(test) ? test.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Where pytest is configured or required, in words, or undefined. */
function pytestConfigured(files: readonly string[], read: (file: string) => string): string | undefined {
  if (files.includes('pytest.ini')) return 'pytest.ini';
  if (/^\[tool\.pytest\.ini_options\]/m.test(read('pyproject.toml')))
    return 'pyproject.toml [tool.pytest.ini_options]';
  if (/^\[tool:pytest\]/m.test(read('setup.cfg'))) return 'setup.cfg [tool:pytest]';
  if (/^\[pytest\]/m.test(read('tox.ini'))) return 'tox.ini [pytest]';
  const conftest = files.find((f) => f === 'conftest.py' || f.endsWith('/conftest.py'));
  if (conftest) return conftest;
  const requirements = files.filter((f) => /^requirements[^/]*\.txt$/.test(f));
  for (const file of [...requirements, 'pyproject.toml', 'setup.cfg', 'setup.py', 'Pipfile']) {
    if (/^\s*["']?pytest\b/m.test(read(file)) || /["']pytest[-\s<>=~!"'[]/.test(read(file)))
      return `${file} (requires pytest)`;
  }
  const installed = files.find((f) =>
    /^\.?venv\/lib\/python[^/]+\/site-packages\/pytest\/__init__\.py$/.test(f),
  );
  if (installed) return `${installed.split('/')[0]} (pytest installed)`;
  // Test files written for pytest (a bounded look: pytest-style tests mean nothing to unittest).
  const tests = files
    .filter((f) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f) && !isDependency(f))
    .slice(0, 200);
  const importer = tests.find((f) => /^\s*(import pytest|from pytest import)\b/m.test(read(f)));
  return importer ? `${importer} (imports pytest)` : undefined;
}

function isDependency(path: string): boolean {
  return /^(\.venv|venv|node_modules)\//.test(path);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const R = '"$QUORUM_REPORT_DIR"';
const S = '"$QUORUM_SCRATCH"';
const HEREDOC_END = 'QUORUM_UNITTEST_PY';

/** The POSIX sh script that runs a test command in the sandbox (see the module comment). */
export function testScript(cmd: TestCommand): string {
  const line = commandLine(cmd);
  return [
    `# Quorum: the project's tests, ${cmd.runner} (${cmd.source.replace(/[\r\n]+/g, ' ')})`,
    ': "${QUORUM_REPORT_DIR:?}" "${QUORUM_SCRATCH:?}"',
    `mkdir -p ${S}/tmp`,
    `export TMPDIR=${S}/tmp PYTHONDONTWRITEBYTECODE=1 npm_lifecycle_event=test`,
    'export PATH="$PWD/node_modules/.bin:$PATH"',
    ...runnerLines(cmd.runner, line),
    'exit "$status"',
    '',
  ].join('\n');
}

/** The command line of a TestCommand (`sh -c LINE`, or any other argv quoted into one). */
export function commandLine(cmd: TestCommand): string {
  const [a, b, line] = cmd.argv;
  if ((a === 'sh' || a === '/bin/sh') && b === '-c' && cmd.argv.length === 3 && line !== undefined)
    return line;
  return cmd.argv.map(shellQuote).join(' ');
}

function runnerLines(runner: RunnerKind, line: string): string[] {
  switch (runner) {
    case 'node-test':
      return [`sh -c ${shellQuote(withLast(line, withNodeReporters))}`, 'status=$?'];
    case 'pytest': {
      if (line !== PYTEST_COMMAND) {
        // The project's own pytest command: as written, no fallback.
        return [
          `echo pytest > ${R}/runner`,
          `sh -c ${shellQuote(withLast(line, pytestWithReport))}`,
          'status=$?',
        ];
      }
      return [
        pythonChoice(),
        `if "$PY" -c 'import pytest' >/dev/null 2>&1; then`,
        `  echo pytest > ${R}/runner`,
        `  ${pytestWithReport(PYTEST_COMMAND).replace(/^python3 /, '"$PY" ')}`,
        '  status=$?',
        'else',
        // Not indented: the here-document's end line must start the line.
        ...unittestLines(),
        'fi',
      ];
    }
    case 'unittest':
      return [pythonChoice(), ...unittestLines()];
    case 'go':
      return [
        `mkdir -p ${S}/gocache`,
        `[ -d ${GO_CACHE_SEED} ] && cp -R ${GO_CACHE_SEED}/. ${S}/gocache/ 2>/dev/null`,
        `if [ -f vendor/modules.txt ]; then mode=vendor; else mode=mod; fi`,
        `export GOFLAGS="-mod=$mode -buildvcs=false" GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off GOCACHE=${S}/gocache GOTMPDIR=${S}/tmp`,
        'command -v gcc >/dev/null 2>&1 || export CGO_ENABLED=0',
        `sh -c ${shellQuote(withLast(line, (last) => `${goWithJson(last)} > "$QUORUM_REPORT_DIR/go.json"`))}`,
        'status=$?',
      ];
    case 'cargo':
      return [
        `export CARGO_TARGET_DIR=${S}/target CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0 RUST_BACKTRACE=0`,
        // The pipe's status is tee's: the test command's own goes through a file.
        `{ sh -c ${shellQuote(withLast(line, cargoAllTargets))} 2>&1; echo $? > ${S}/cargo.status; } | tee ${R}/cargo.txt`,
        `status=$(cat ${S}/cargo.status 2>/dev/null)`,
        '[ -n "$status" ] || status=1',
      ];
    case 'command':
      return [`sh -c ${shellQuote(line)}`, 'status=$?'];
  }
}

function pythonChoice(): string {
  return 'PY=python3; command -v python3 >/dev/null 2>&1 || PY=python';
}

function unittestLines(): string[] {
  if (UNITTEST_REPORTER_SOURCE.split('\n').includes(HEREDOC_END))
    throw new Error('heredoc end in the reporter');
  return [
    `echo unittest > ${R}/runner`,
    `cat > ${S}/quorum_unittest.py <<'${HEREDOC_END}'`,
    ...UNITTEST_REPORTER_SOURCE.trimEnd().split('\n'),
    HEREDOC_END,
    `"$PY" ${S}/quorum_unittest.py`,
    'status=$?',
  ];
}

/** `node … --test …` with Quorum's reporters (JUnit into the report directory, spec on stdout) instead of its own. */
export function withNodeReporters(line: string): string {
  const own = line
    .trim()
    .replace(/\s--test-reporter(-destination)?(=\S+|\s+(?!-)\S+)/g, '')
    .replace(/^node\b/, '');
  return `node --test-reporter=junit --test-reporter-destination="$QUORUM_REPORT_DIR/junit.xml" --test-reporter=spec --test-reporter-destination=stdout${own}`;
}

function pytestWithReport(line: string): string {
  // A module that does not import would otherwise stop the whole session: the rest still runs.
  return `${line.trim()} -p no:cacheprovider --continue-on-collection-errors --junitxml="$QUORUM_REPORT_DIR/junit.xml"`;
}

function goWithJson(line: string): string {
  const rest = line.trim().replace(/^go test/, '');
  const flags = [
    /(^|\s)-json(\s|=|$)/.test(rest) ? '' : ' -json',
    /(^|\s)-vet[=\s]/.test(rest) ? '' : ' -vet=off',
  ];
  return `go test${flags.join('')}${rest}`;
}

function cargoAllTargets(line: string): string {
  const rest = line.trim().replace(/^cargo test/, '');
  const [own, harness] = splitOnce(rest, ' -- ');
  const flags = [
    /\s--offline\b/.test(own) ? '' : ' --offline',
    /\s--no-fail-fast\b/.test(own) ? '' : ' --no-fail-fast',
  ];
  return `cargo test${own}${flags.join('')}${harness === undefined ? '' : ` -- ${harness}`}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** One sh word: single-quoted, with `'` written as `'\''`. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
