/**
 * Finds how a project's tests run and writes the POSIX sh script (busybox-compatible) the sandbox
 * runs in the project copy. Each script writes its runner's machine output into $QUORUM_REPORT_DIR
 * (JUnit XML, `go test -json`, libtest text, the unittest reporter's JSON) and exits with the test
 * command's own status, captured right after it. Detection only reads files of the snapshot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectLanguage, RunnerKind, TestCommand } from './types';
import { UNITTEST_REPORTER } from './unittestReporter';

export const DEFAULT_TEST_TIMEOUT_S = 120;

const NPM_DEFAULT_TEST = /no test specified/;

export interface TestCommandOverride {
  /** A shell command from `project.testCommand` / `quorum.project.testCommand`. */
  readonly command?: string;
  readonly timeoutS?: number;
}

export function detectTestCommand(
  root: string,
  language: ProjectLanguage,
  files: readonly string[],
  override: TestCommandOverride = {},
): TestCommand | undefined {
  const timeoutS = override.timeoutS ?? DEFAULT_TEST_TIMEOUT_S;
  const make = (runner: RunnerKind, command: string, source: string): TestCommand => ({
    argv: ['sh', '-c', command],
    runner,
    source,
    timeoutS,
  });
  if (override.command?.trim()) {
    const command = override.command.trim();
    return make(runnerOfCommand(command), command, 'project.testCommand');
  }
  const has = new Set(files);
  if ((language === 'javascript' || language === 'typescript') && has.has('package.json')) {
    const script = packageTestScript(root);
    if (script) return make(runnerOfCommand(script), script, 'package.json scripts.test');
  }
  if (language === 'python') {
    const pytest = pytestConfigured(root, files);
    const hasTests = files.some((f) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f));
    if (pytest) return make('pytest', 'python3 -m pytest', pytest);
    if (hasTests) return make('unittest', 'python3 -m unittest discover', 'test_*.py files (unittest)');
  }
  if (language === 'go' && has.has('go.mod')) return make('go', 'go test -json ./...', 'go.mod');
  if (language === 'rust' && has.has('Cargo.toml'))
    return make('cargo', 'cargo test --offline', 'Cargo.toml');
  return undefined;
}

/** Which runner's output a shell command produces, when it is recognisably one Quorum reads. */
export function runnerOfCommand(command: string): RunnerKind {
  if (/(^|[\s;&|(])node\s+--test\b/.test(command)) return 'node-test';
  if (/(^|[\s;&|(])(python3?\s+-m\s+)?pytest\b/.test(command)) return 'pytest';
  if (/(^|[\s;&|(])go\s+test\b/.test(command)) return 'go';
  if (/(^|[\s;&|(])cargo\s+test\b/.test(command)) return 'cargo';
  if (/(^|[\s;&|(])python3?\s+-m\s+unittest\b/.test(command)) return 'unittest';
  return 'command';
}

function packageTestScript(root: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts?: Record<string, unknown>;
    };
    const test = pkg.scripts?.test;
    return typeof test === 'string' && test.trim() && !NPM_DEFAULT_TEST.test(test) ? test.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Where pytest is configured, in words, or undefined. */
function pytestConfigured(root: string, files: readonly string[]): string | undefined {
  if (files.includes('pytest.ini')) return 'pytest.ini';
  if (files.some((f) => f === 'conftest.py' || f.endsWith('/conftest.py'))) return 'conftest.py';
  const read = (f: string): string => {
    try {
      return readFileSync(join(root, f), 'utf8');
    } catch {
      return '';
    }
  };
  if (files.includes('pyproject.toml') && /\[tool\.pytest\.ini_options\]/.test(read('pyproject.toml')))
    return 'pyproject.toml [tool.pytest.ini_options]';
  if (files.includes('setup.cfg') && /\[tool:pytest\]/.test(read('setup.cfg')))
    return 'setup.cfg [tool:pytest]';
  if (files.includes('tox.ini') && /\[pytest\]/.test(read('tox.ini'))) return 'tox.ini [pytest]';
  return undefined;
}

const R = '"$QUORUM_REPORT_DIR"';
const S = '"$QUORUM_SCRATCH"';

/** The sh script the sandbox runs for a test command (cwd: the project copy). */
export function testScript(test: TestCommand): string {
  const command = test.argv[test.argv.length - 1] ?? '';
  const body = scriptBody(test.runner, command);
  return ['mkdir -p "$QUORUM_SCRATCH/tmp"', 'export TMPDIR="$QUORUM_SCRATCH/tmp"', body, 'exit $status'].join(
    '\n',
  );
}

function scriptBody(runner: RunnerKind, command: string): string {
  switch (runner) {
    case 'node-test': {
      // The reporters go right after `node --test`: after the file arguments they would be files.
      const flags = `--test-reporter=junit --test-reporter-destination=${R}/junit.xml --test-reporter=spec --test-reporter-destination=stdout`;
      const withReport = command.replace(/(^|[\s;&|(])node\s+--test\b/, `$1node --test ${flags}`);
      return [`export PATH="$PWD/node_modules/.bin:$PATH"`, `sh -c ${shq(withReport)}`, 'status=$?'].join(
        '\n',
      );
    }
    case 'pytest':
    case 'unittest': {
      const reporter = `cat > ${S}/quorum_unittest.py <<'QUORUM_PY'\n${UNITTEST_REPORTER.trim()}\nQUORUM_PY`;
      const unittest = [`echo unittest > ${R}/runner`, `python3 ${S}/quorum_unittest.py`, 'status=$?'].join(
        '\n',
      );
      if (runner === 'unittest' && !/pytest/.test(command)) return [reporter, unittest].join('\n');
      const pytest = [
        `echo pytest > ${R}/runner`,
        `python3 -m pytest -p no:cacheprovider -q --junitxml=${R}/junit.xml`,
        'status=$?',
      ].join('\n');
      // pytest when it is importable (the project's .venv, the image), else the unittest runner.
      return [
        reporter,
        'if python3 -c "import pytest" 2>/dev/null; then',
        pytest,
        'else',
        unittest,
        'fi',
      ].join('\n');
    }
    case 'go':
      return [
        `mkdir -p ${S}/gocache ${S}/gopath`,
        `[ -d /opt/quorum/gocache ] && cp -r /opt/quorum/gocache/. ${S}/gocache/ 2>/dev/null`,
        `export GOCACHE=${S}/gocache GOPATH=${S}/gopath GOTMPDIR=${S}/tmp GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=$( [ -d vendor ] && echo vendor || echo mod ) -buildvcs=false"`,
        `go test -json ./... > ${R}/go.json`,
        'status=$?',
        `cat ${R}/go.json | grep -o '"Output":"[^"]*"' | sed 's/^"Output":"//; s/"$//' | head -c 65536`,
      ].join('\n');
    case 'cargo':
      return [
        `export CARGO_TARGET_DIR=${S}/target`,
        `cargo test --offline > ${R}/cargo.txt 2>&1`,
        'status=$?',
        `cat ${R}/cargo.txt`,
      ].join('\n');
    default:
      return [`export PATH="$PWD/node_modules/.bin:$PATH"`, `sh -c ${shq(command)}`, 'status=$?'].join('\n');
  }
}

function shq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
