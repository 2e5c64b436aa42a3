import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  commandLine,
  DEFAULT_TEST_TIMEOUT_S,
  detectTestCommand,
  runnerOfCommand,
  testScript,
  withNodeReporters,
} from '../../../src/core/project/testCommand';
import type { ProjectLanguage, TestCommand } from '../../../src/core/project/types';
import { UNITTEST_REPORTER_SOURCE } from '../../../src/core/project/unittestReporter';

describe('project: finding and scripting the test command', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'quorum-testcommand-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes the files and detects with exactly them as the snapshot's list. */
  const detect = (
    language: ProjectLanguage,
    files: Record<string, string>,
    override?: Parameters<typeof detectTestCommand>[3],
  ): TestCommand | undefined => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return detectTestCommand(root, language, Object.keys(files), override);
  };

  describe('detection', () => {
    it('package.json scripts.test: node --test is node-test, anything else is command; npm’s placeholder is none', () => {
      assert.deepEqual(detect('javascript', { 'package.json': '{"scripts":{"test":"node --test test/"}}' }), {
        argv: ['sh', '-c', 'node --test test/'],
        runner: 'node-test',
        source: 'package.json scripts.test (node --test test/)',
        timeoutS: DEFAULT_TEST_TIMEOUT_S,
      });
      assert.equal(DEFAULT_TEST_TIMEOUT_S, 120);
      const jest = detect('typescript', { 'package.json': '{"scripts":{"test":"jest --ci"}}' });
      assert.equal(jest?.runner, 'command');
      assert.deepEqual(jest?.argv, ['sh', '-c', 'jest --ci']);
      const chained = detect('typescript', {
        'package.json': '{"scripts":{"test":"tsc -p . && node --test dist/"}}',
      });
      assert.equal(chained?.runner, 'node-test', 'a build, then node --test');
      const either = detect('javascript', { 'package.json': '{"scripts":{"test":"node --test || true"}}' });
      assert.equal(either?.runner, 'command', 'an exit status that is not node’s own');
      const placeholder = '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}';
      assert.equal(detect('javascript', { 'package.json': placeholder }), undefined);
      assert.equal(detect('javascript', { 'package.json': '{"name":"x"}' }), undefined);
      assert.equal(detect('javascript', { 'package.json': '{not json' }), undefined);
    });

    it('python: pytest where it is configured or required, unittest where only test*.py files are, else none', () => {
      const cases: [Record<string, string>, string | undefined, string | undefined][] = [
        [{ 'pytest.ini': '[pytest]\n', 'tests/test_a.py': '' }, 'pytest', 'pytest.ini'],
        [
          { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n' },
          'pytest',
          'pyproject.toml [tool.pytest.ini_options]',
        ],
        [{ 'setup.cfg': '[metadata]\nname = x\n[tool:pytest]\n' }, 'pytest', 'setup.cfg [tool:pytest]'],
        [{ 'tox.ini': '[tox]\n[pytest]\n' }, 'pytest', 'tox.ini [pytest]'],
        [{ 'tests/conftest.py': 'import pytest\n', 'tests/test_a.py': '' }, 'pytest', 'tests/conftest.py'],
        [
          { 'requirements-dev.txt': 'black\npytest>=7\n', 'tests/test_a.py': '' },
          'pytest',
          'requirements-dev.txt (requires pytest)',
        ],
        [
          { 'pyproject.toml': '[project]\ndependencies = ["pytest-cov>=4"]\n', 'test_a.py': '' },
          'pytest',
          'pyproject.toml (requires pytest)',
        ],
        [
          { 'pyproject.toml': '[project]\nname = "inventory"\n', 'tests/test_pricing.py': '' },
          'unittest',
          'test*.py files (unittest)',
        ],
        [{ 'pyproject.toml': '[project]\nname = "x"\n', 'x/core.py': '' }, undefined, undefined],
        [
          {
            '.venv/lib/python3.11/site-packages/pytest/__init__.py': '',
            'tests/test_a.py': 'def test_a():\n    pass\n',
          },
          'pytest',
          '.venv (pytest installed)',
        ],
        [
          {
            'tests/test_a.py': 'import unittest\n',
            'tests/test_b.py': 'import pytest\n\ndef test_b(): pass\n',
          },
          'pytest',
          'tests/test_b.py (imports pytest)',
        ],
        [
          { 'x/core.py': '', '.venv/lib/python3.11/site-packages/six/test_six.py': 'import pytest\n' },
          undefined,
          undefined,
        ],
      ];
      for (const [files, runner, source] of cases) {
        rmSync(root, { recursive: true, force: true });
        mkdirSync(root);
        const found = detect('python', files);
        assert.equal(found?.runner, runner, JSON.stringify(files));
        assert.equal(found?.source, source, JSON.stringify(files));
      }
      assert.deepEqual(detect('python', { 'pytest.ini': '' })?.argv, ['sh', '-c', 'python3 -m pytest']);
    });

    it('reads only files of the snapshot: a pytest config left out of it does not count', () => {
      writeFileSync(join(root, 'pytest.ini'), '[pytest]\n');
      writeFileSync(join(root, 'pyproject.toml'), '[tool.pytest.ini_options]\n');
      const found = detectTestCommand(root, 'python', ['tests/test_a.py']);
      assert.equal(found?.runner, 'unittest');
    });

    it('go needs go.mod and a _test.go file; rust needs Cargo.toml', () => {
      assert.deepEqual(detect('go', { 'go.mod': 'module x\n', 'p/p_test.go': '' }), {
        argv: ['sh', '-c', 'go test ./...'],
        runner: 'go',
        source: 'go.mod',
        timeoutS: 120,
      });
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root);
      assert.equal(detect('go', { 'go.mod': 'module x\n', 'p/p.go': '' }), undefined);
      assert.deepEqual(detect('rust', { 'Cargo.toml': '[package]\nname="x"\n' })?.argv, [
        'sh',
        '-c',
        'cargo test --offline',
      ]);
      assert.equal(detect('rust', { 'src/lib.rs': '' }), undefined);
    });

    it('an override wins, keeps its words, and is read as the runner it recognisably is', () => {
      const files = { 'package.json': '{"scripts":{"test":"node --test"}}' };
      assert.deepEqual(detect('javascript', files, { command: '  make test  ', timeoutS: 30 }), {
        argv: ['sh', '-c', 'make test'],
        runner: 'command',
        source: 'project.testCommand (make test)',
        timeoutS: 30,
      });
      const pytest = detect(
        'python',
        {},
        { command: 'pytest -x tests/unit', source: 'quorum.project.testCommand' },
      );
      assert.equal(pytest?.runner, 'pytest');
      assert.equal(pytest?.source, 'quorum.project.testCommand (pytest -x tests/unit)');
      assert.equal(
        detect('javascript', files, { command: '   ' })?.runner,
        'node-test',
        'blank is no override',
      );
      assert.equal(detect('javascript', files, { timeoutS: 0 })?.timeoutS, 120);
      assert.equal(detect('javascript', files, { timeoutS: Number.NaN })?.timeoutS, 120);
    });

    it('runnerOfCommand recognises one simple command of a runner Quorum reads', () => {
      const expected: [string, string][] = [
        ['node --test', 'node-test'],
        ['node --import tsx --test test/*.ts', 'node-test'],
        ['node test/run.js', 'command'],
        ['pytest', 'pytest'],
        ['python -m pytest -q tests', 'pytest'],
        ['python3.12 -m pytest', 'pytest'],
        ['py.test tests', 'pytest'],
        ['pytest-watch', 'command'],
        ['go test -run TestX ./pkg/...', 'go'],
        ['cargo test --release', 'cargo'],
        ['pytest; echo done', 'command'],
        ['tsc -p . && node --test dist/test/', 'node-test'],
        ['make build && python -m pytest -q', 'pytest'],
        ['pytest && echo ok', 'command'],
        ['make || node --test', 'command'],
        ['&& node --test', 'command'],
        ['go test ./... | tee log', 'command'],
        ['cargo test $(cat args)', 'command'],
        ['npm test', 'command'],
      ];
      for (const [line, runner] of expected) assert.equal(runnerOfCommand(line), runner, line);
    });
  });

  describe('the script', () => {
    const cmd = (runner: TestCommand['runner'], line: string): TestCommand => ({
      argv: ['sh', '-c', line],
      runner,
      source: 'test',
      timeoutS: 60,
    });
    /** The script's lines, and the one right after the line matching `re` (the exit status capture). */
    const after = (script: string, re: RegExp): string | undefined => {
      const lines = script.split('\n');
      const at = lines.findIndex((l) => re.test(l));
      assert.ok(at >= 0, `no line matches ${String(re)}:\n${script}`);
      return lines[at + 1]?.trim();
    };
    const common = (script: string): void => {
      assert.match(script, /^# Quorum: the project's tests/);
      assert.match(script, /^: "\$\{QUORUM_REPORT_DIR:\?\}" "\$\{QUORUM_SCRATCH:\?\}"$/m);
      assert.match(script, /^export TMPDIR="\$QUORUM_SCRATCH"\/tmp PYTHONDONTWRITEBYTECODE=1 /m);
      assert.match(script, /^export PATH="\$PWD\/node_modules\/\.bin:\$PATH"$/m);
      assert.equal(script.trimEnd().split('\n').pop(), 'exit "$status"');
      assert.doesNotMatch(script, /\[\[|pipefail|^\s*(source|local) /m, 'busybox sh only');
    };

    it('node --test: Quorum’s reporters replace the project’s own, run as npm runs it, status saved at once', () => {
      const script = testScript(
        cmd('node-test', 'node --test --test-reporter dot --test-reporter=tap test/'),
      );
      common(script);
      const line =
        'node --test-reporter=junit --test-reporter-destination="$QUORUM_REPORT_DIR/junit.xml" --test-reporter=spec --test-reporter-destination=stdout --test test/';
      assert.equal(after(script, /^sh -c /), 'status=$?');
      assert.ok(script.includes(`sh -c '${line}'`), script);
      const built = testScript(cmd('node-test', 'tsc -p . && node --test dist/test/'));
      const compiled = `sh -c 'tsc -p . && ${line.replace(' test/', ' dist/test/')}'\nstatus=$?\n`;
      assert.ok(built.includes(compiled), built);
      assert.equal(
        withNodeReporters('node --test --test-reporter-destination=out.txt x.test.js'),
        'node --test-reporter=junit --test-reporter-destination="$QUORUM_REPORT_DIR/junit.xml" --test-reporter=spec --test-reporter-destination=stdout --test x.test.js',
      );
    });

    it('a command is quoted as one sh word, so its own quotes and exit survive', () => {
      const script = testScript(cmd('command', "echo 'a b' && exit 3"));
      common(script);
      assert.ok(script.includes(`sh -c 'echo '\\''a b'\\'' && exit 3'\nstatus=$?\n`), script);
    });

    it('detected pytest falls back to the unittest runner when pytest does not import, and says which ran', () => {
      const script = testScript(cmd('pytest', 'python3 -m pytest'));
      common(script);
      assert.match(script, /^if "\$PY" -c 'import pytest' >\/dev\/null 2>&1; then$/m);
      assert.match(script, /^ {2}echo pytest > "\$QUORUM_REPORT_DIR"\/runner$/m);
      assert.equal(after(script, /-m pytest/), 'status=$?', 'the exit status right after pytest');
      assert.ok(
        script.includes(
          '  "$PY" -m pytest -p no:cacheprovider --continue-on-collection-errors --junitxml="$QUORUM_REPORT_DIR/junit.xml"\n',
        ),
      );
      assert.match(script, /^echo unittest > "\$QUORUM_REPORT_DIR"\/runner$/m);
      assert.match(script, /^cat > "\$QUORUM_SCRATCH"\/quorum_unittest.py <<'QUORUM_UNITTEST_PY'$/m);
      assert.equal(after(script, /"\$PY" "\$QUORUM_SCRATCH"\/quorum_unittest.py/), 'status=$?');
      assert.ok(
        script.includes(`\n${UNITTEST_REPORTER_SOURCE.trimEnd()}\nQUORUM_UNITTEST_PY\n`),
        'verbatim, unindented',
      );
    });

    it('an override pytest runs as written plus the report flags, with no fallback', () => {
      const script = testScript(cmd('pytest', 'pytest -x tests/unit'));
      const line = `sh -c 'pytest -x tests/unit -p no:cacheprovider --continue-on-collection-errors --junitxml="$QUORUM_REPORT_DIR/junit.xml"'`;
      assert.ok(script.includes(`${line}\nstatus=$?\n`), script);
      assert.doesNotMatch(script, /quorum_unittest/);
    });

    it('unittest: the reporter written to the scratch directory verbatim, then run', () => {
      const script = testScript(cmd('unittest', 'python3 -m unittest discover'));
      common(script);
      const start = script.indexOf("<<'QUORUM_UNITTEST_PY'\n") + "<<'QUORUM_UNITTEST_PY'\n".length;
      const end = script.indexOf('\nQUORUM_UNITTEST_PY\n');
      assert.equal(script.slice(start, end), UNITTEST_REPORTER_SOURCE.trimEnd());
      assert.equal(after(script, /^"\$PY" "\$QUORUM_SCRATCH"\/quorum_unittest.py$/), 'status=$?');
    });

    it('go: -json and vet off, vendor when there is one, no proxy, caches in scratch, events into go.json', () => {
      const script = testScript(cmd('go', 'go test ./...'));
      common(script);
      assert.match(script, /^if \[ -f vendor\/modules.txt \]; then mode=vendor; else mode=mod; fi$/m);
      assert.match(script, /GOFLAGS="-mod=\$mode -buildvcs=false" GOPROXY=off /);
      assert.match(script, /GOCACHE="\$QUORUM_SCRATCH"\/gocache GOTMPDIR="\$QUORUM_SCRATCH"\/tmp/);
      assert.equal(
        after(script, /^sh -c 'go test -json -vet=off \.\/\.\.\. > "\$QUORUM_REPORT_DIR\/go.json"'$/),
        'status=$?',
      );
      assert.match(
        testScript(cmd('go', 'go test -json -run X ./p')),
        /^sh -c 'go test -vet=off -json -run X \.\/p > /m,
      );
      assert.match(testScript(cmd('go', 'go test -vet=all ./p')), /^sh -c 'go test -json -vet=all \.\/p > /m);
      assert.match(
        testScript(cmd('go', 'go generate ./... && go test ./...')),
        /^sh -c 'go generate \.\/\.\.\. && go test -json -vet=off \.\/\.\.\. > "\$QUORUM_REPORT_DIR\/go.json"'$/m,
        'only the tests write the report',
      );
    });

    it('cargo: every target, offline, target dir in scratch, tee’d report, the status of cargo and not of tee', () => {
      const script = testScript(cmd('cargo', 'cargo test --offline'));
      common(script);
      assert.match(script, /CARGO_TARGET_DIR="\$QUORUM_SCRATCH"\/target CARGO_TERM_COLOR=never/);
      assert.ok(
        script.includes(
          `{ sh -c 'cargo test --offline --no-fail-fast' 2>&1; echo $? > "$QUORUM_SCRATCH"/cargo.status; } | tee "$QUORUM_REPORT_DIR"/cargo.txt\nstatus=$(cat "$QUORUM_SCRATCH"/cargo.status 2>/dev/null)\n`,
        ),
      );
      assert.match(
        testScript(cmd('cargo', 'cargo test --release -- --test-threads=1')),
        /\{ sh -c 'cargo test --release --offline --no-fail-fast -- --test-threads=1' 2>&1;/,
      );
    });

    it('the command line of a TestCommand; an argv that is not sh -c is quoted word by word', () => {
      assert.equal(commandLine(cmd('go', 'go test ./...')), 'go test ./...');
      const argv: TestCommand = {
        argv: ['python3', '-m', 'pytest', 'tests/a b'],
        runner: 'pytest',
        source: 's',
        timeoutS: 1,
      };
      assert.equal(commandLine(argv), "python3 -m pytest 'tests/a b'");
      assert.ok(
        testScript(argv).includes(`sh -c 'python3 -m pytest '\\''tests/a b'\\'' -p no:cacheprovider`),
      );
    });

    it('the same TestCommand gives the same script', () => {
      const c = cmd('pytest', 'python3 -m pytest');
      assert.equal(testScript(c), testScript({ ...c }));
    });
  });
});
