import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../src/core/types';
import { startReplayServer } from '../../src/demo/replayServer';
import type { ReplayServer } from '../../src/demo/replayServer';
import { buildProject } from '../fixtures/projects/buildProjects';
import type { ProjectFixture, ProjectKind } from '../fixtures/projects/buildProjects';
import {
  EDIT_MODELS,
  EDIT_MODEL_KEYS,
  editAskConfig,
  startEditModels,
} from '../fixtures/projects/editModels';
import { runCli } from './cliHarness';
import { treeHash } from '../treeHash';

const ENV = EDIT_MODEL_KEYS;

function configFile(server: ReplayServer): string {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-cli-project-'));
  const path = join(dir, 'quorum.config.json');
  writeFileSync(path, JSON.stringify(editAskConfig(server)));
  return path;
}

for (const kind of ['python-unittest', 'cjs-node-test'] as const satisfies readonly ProjectKind[]) {
  describe(`cli: an edit ask in a ${kind} project, checked against the project's own tests`, function () {
    this.timeout(240_000);
    let fixture: ProjectFixture;
    let server: ReplayServer;
    let dir: string;
    let config: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `quorum-project-${kind}-`));
      fixture = await buildProject(kind, dir);
      server = await startEditModels(fixture.answers);
      config = configFile(server);
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    /** The fixture's ask as a fix of its target, in the project folder. */
    const editAsk = (...output: string[]): ReturnType<typeof runCli> =>
      runCli(
        [
          'ask',
          fixture.instruction,
          '--intent',
          'fix',
          '--file',
          join(fixture.root, fixture.target),
          '--config',
          config,
          ...output,
        ],
        { cwd: fixture.root, env: ENV },
      );

    it('picks the project-correct fix, names what each candidate fixes and breaks, and leaves the tree untouched', async () => {
      const before = treeHash(fixture.root);
      const { code, stdout, stderr } = await editAsk('--json');
      assert.equal(code, 0, stderr);
      assert.match(stderr, /edit ask of /);
      const record = JSON.parse(stdout) as RunRecord;
      assert.equal(record.request.edit?.path, fixture.target);
      const baseline = record.project?.baseline;
      assert.equal(baseline?.state, 'ok', JSON.stringify(baseline));
      assert.equal(
        baseline?.tests[fixture.failingTest],
        'failed',
        `baseline: ${JSON.stringify(baseline?.tests)}`,
      );
      assert.equal(baseline?.tests[fixture.regressionTest], 'passed');
      const by = new Map(record.candidates.map((c) => [c.id, c.project]));
      assert.deepEqual(by.get('correct')?.fixedIds, [fixture.failingTest]);
      assert.deepEqual(by.get('correct')?.regressedIds, []);
      assert.ok(
        by.get('standalone')?.regressedIds.includes(fixture.regressionTest),
        JSON.stringify(by.get('standalone')?.outcomes),
      );
      assert.ok(!by.get('wrong')?.fixedIds.includes(fixture.failingTest));
      assert.equal(record.verdict?.pick, 'correct', record.verdict?.reasons.join('\n'));
      assert.equal(record.verdict?.strategy, 'project-tests');
      const correct = by.get('correct');
      assert.ok(correct?.edit.ok);
      assert.ok(correct.edit.ok && correct.edit.diff.includes(`+++ b/${fixture.target}`));
      assert.deepEqual(treeHash(fixture.root), before, "the ask changed the user's tree");
    });

    it('--format markdown shows the fixed/regressed table for a pull request', async () => {
      const { code, stdout } = await editAsk('--format', 'markdown');
      assert.equal(code, 0);
      assert.match(stdout, /\| model \| edit \| fixes \| breaks \| still failing \| evidence \|/);
      assert.match(stdout, /\| \*\*correct\*\* ★ \|/);
      assert.ok(stdout.includes(fixture.regressionTest.split(/::|\./).pop() ?? '#'));
    });
  });
}

describe('cli: edit asks with bad input say what happened and what to set', function () {
  this.timeout(120_000);
  let server: ReplayServer;
  let dir: string;
  before(async () => {
    server = await startReplayServer({ chunkDelayMs: 0, ttftMs: 0, models: [...EDIT_MODELS] });
    dir = mkdtempSync(join(tmpdir(), 'quorum-project-bad-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with no test command still completes the edit ask and says which evidence it lacked', async () => {
    const root = mkdtempSync(join(tmpdir(), 'quorum-project-notests-'));
    try {
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({ name: 'x', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
      );
      writeFileSync(join(root, 'index.js'), 'module.exports = 1;\n');
      const { code, stdout } = await runCli(
        ['ask', 'fix it', '--file', join(root, 'index.js'), '--config', configFile(server), '--json'],
        { cwd: root, env: ENV },
      );
      assert.ok(code === 0 || code === 1);
      const record = JSON.parse(stdout) as RunRecord;
      assert.equal(record.request.edit?.path, 'index.js');
      assert.match(
        record.project?.missing.join('\n') ?? '',
        /No test command was found.*project\.testCommand/,
      );
      assert.equal(record.project?.baseline, undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--no-project keeps a file inside a project a snippet ask', async () => {
    const root = mkdtempSync(join(tmpdir(), 'quorum-project-snippet-'));
    try {
      const p = await buildProject('python-unittest', root);
      const { stdout } = await runCli(
        [
          'ask',
          p.instruction,
          '--file',
          join(root, p.target),
          '--no-project',
          '--no-run',
          '--config',
          configFile(server),
          '--json',
        ],
        { cwd: root, env: ENV },
      );
      const record = JSON.parse(stdout) as RunRecord;
      assert.equal(record.request.edit, undefined);
      assert.equal(record.project, undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a file outside the named project, with the flag to fix it', async () => {
    writeFileSync(join(dir, 'a.py'), 'x = 1\n');
    const project = mkdtempSync(join(tmpdir(), 'quorum-project-other-'));
    try {
      const { code, stderr } = await runCli(
        [
          'ask',
          'fix it',
          '--file',
          join(dir, 'a.py'),
          '--project',
          project,
          '--config',
          configFile(server),
          '--no-run',
        ],
        { cwd: dir, env: ENV },
      );
      assert.equal(code, 2);
      assert.match(stderr, /is not inside the project folder/);
      assert.match(stderr, /--project DIR/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
