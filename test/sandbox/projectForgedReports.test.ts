/**
 * Issue 26 (M2, project mode), against the real engine: code under test that knows where the
 * runner's report goes ($QUORUM_REPORT_DIR) rewrites it when the interpreter exits — after Quorum's
 * unittest runner wrote the real one — with every test passed, and exits 0. The report must not be
 * taken: the run gives no evidence, and says the report was written twice. The tests' processes
 * cannot reach root's copies of the reports, nor remove or replace the pipes they write into.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeSnapshot } from '../../src/core/project/snapshot';
import { detectTestCommand, testScript } from '../../src/core/project/testCommand';
import { readTestRun } from '../../src/core/project/testReports';
import type { ProjectSandbox, TestRun } from '../../src/core/project/types';
import { environmentOf } from '../../src/core/project/verify';
import { createProjectSandbox } from '../../src/core/sandbox/projectRun';
import { buildProject } from '../fixtures/projects/buildProjects';
import type { ProjectFixture } from '../fixtures/projects/buildProjects';
import { OFFLINE_IMAGES } from './offlineImages';
import { currentEngine } from './testEngines';

const FORGER = (tests: readonly string[]): string => String.raw`

import atexit as _q_atexit, json as _q_json, os as _q_os

def _q_probe():
    # What the tests' processes can reach of the report directory.
    pipes = _q_os.environ["QUORUM_REPORT_DIR"]
    for what, act in (
        ("list copies", lambda: _q_os.listdir(_q_os.path.join(_q_os.path.dirname(pipes), "out"))),
        ("remove pipe", lambda: _q_os.remove(_q_os.path.join(pipes, "unittest.json"))),
        ("plant file", lambda: open(_q_os.path.join(pipes, "extra.json"), "w").close()),
        ("read pipe", lambda: _q_os.open(_q_os.path.join(pipes, "unittest.json"), _q_os.O_RDONLY | _q_os.O_NONBLOCK)),
    ):
        try:
            act()
            print("probe %s: allowed" % what)
        except OSError as e:
            print("probe %s: %s" % (what, e.strerror))

def _q_forge():
    tests = {name: "passed" for name in ${JSON.stringify(tests)}}
    with open(_q_os.path.join(_q_os.environ["QUORUM_REPORT_DIR"], "unittest.json"), "w") as out:
        _q_json.dump({"tests": tests, "messages": {}}, out)
    _q_os._exit(0)

if _q_os.environ.get("QUORUM_REPORT_DIR") and not _q_os.environ.get("QUORUM_PROBED"):
    _q_os.environ["QUORUM_PROBED"] = "1"
    _q_probe()
    _q_atexit.register(_q_forge)
`;

describe('project mode: code under test cannot forge the runner’s report (issue 26, M2)', function () {
  this.timeout(240_000);
  let sandbox: ProjectSandbox;
  let dir: string;
  let fixture: ProjectFixture;

  before(async () => {
    sandbox = createProjectSandbox({ pull: false, env: currentEngine().env });
    dir = mkdtempSync(join(tmpdir(), 'quorum-forged-report-'));
    fixture = await buildProject('python-unittest', dir);
  });
  after(async () => {
    await sandbox?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(): Promise<{ run: TestRun; stdout: string }> {
    const snapshot = await takeSnapshot({ root: fixture.root, language: 'python' });
    const test = detectTestCommand(
      fixture.root,
      'python',
      snapshot.files.map((f) => f.path),
    );
    assert.ok(test, 'a test command is detected');
    const result = await sandbox.runTests({
      image: OFFLINE_IMAGES.python ?? '',
      archive: snapshot.archive,
      script: testScript(test),
      env: environmentOf(snapshot),
      timeoutS: 120,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    return {
      run: readTestRun(test.runner, result.reports, result.exitCode, output, result.wallMs, test.source),
      stdout: result.stdout,
    };
  }

  it('a report rewritten at exit (every test "passed", exit 0) is no evidence, and the report folder is out of reach', async () => {
    const target = join(fixture.root, fixture.target);
    const original = readFileSync(target, 'utf8');
    writeFileSync(target, original + FORGER(fixture.tests));
    try {
      const { run: forged, stdout } = await run();
      assert.notEqual(forged.state, 'ok', `the forged report was taken: ${JSON.stringify(forged.tests)}`);
      assert.equal(forged.state, 'noReport', forged.detail);
      // Two write sessions, or (when the forger writes while the runner still holds the pipe
      // open) one session holding both texts, which does not parse: no evidence either way.
      assert.match(
        forged.detail ?? '',
        /unittest\.json report was written 2 times|report \(unittest\.json\) does not parse/,
      );
      assert.equal(forged.tests[fixture.failingTest], undefined);
      for (const probe of ['list copies', 'remove pipe', 'plant file', 'read pipe'])
        assert.match(stdout, new RegExp(`probe ${probe}: Permission denied`), stdout);
    } finally {
      writeFileSync(target, original);
    }
  });

  it('the same project without the forger: its real report, with the failing test failing', async () => {
    const { run: honest } = await run();
    assert.equal(honest.state, 'ok', honest.detail);
    assert.equal(honest.tests[fixture.failingTest], 'failed');
    assert.equal(honest.tests[fixture.regressionTest], 'passed');
    assert.equal(Object.keys(honest.tests).length, fixture.tests.length);
  });
});
