import assert from 'node:assert/strict';
import { createIncrementalJudge } from '../../src/core/judge/incremental';
import { createJudge } from '../../src/core/judge/verdict';
import type { DockerSandbox } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import type { JudgeInput } from '../../src/core/types';
import { JudgeError } from '../../src/core/types';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

/** Replacing json.dumps breaks the harness's own result writer (the worker shares the candidate's interpreter). */
const BREAKS_HARNESS = 'import json\njson.dumps = None\ndef inc(x):\n    return x + 1\n';
const GOOD = 'def inc(x):\n    return x + 1\n';

const input = (codes: string[]): JudgeInput => ({
  prompt: 'inc(1) -> 2',
  language: 'python',
  candidates: codes.map((code, i) => ({ id: `c${i}`, model: 'm', code })),
  tests: [{ id: 't1', model: 'm', code: 'assert inc(2) == 3\n' }],
});

describe('judge failures are errors the caller must show (real sandbox)', function () {
  let sandbox: DockerSandbox;
  before(async () => {
    sandbox = createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 1, pull: false });
    await sandbox.check();
  });
  after(() => sandbox.dispose());

  it('a harness that crashes for every candidate is a harness-failed JudgeError, batch and incremental', async () => {
    const broken = input([BREAKS_HARNESS, BREAKS_HARNESS]);
    const isHarnessFailure = (error: unknown): boolean =>
      JudgeError.is(error) && error.reason === 'harness-failed' && /every candidate/.test(error.message);
    await assert.rejects(createJudge({ sandbox }).judge(broken), isHarnessFailure);
    const judgement = createIncrementalJudge({ sandbox }).begin(broken);
    for (const c of broken.candidates) judgement.addCandidate(c);
    judgement.addTests(broken.tests[0]);
    await assert.rejects(judgement.finish(), isHarnessFailure);
  });

  it('one candidate that breaks its own harness only loses its own cells', async () => {
    const verdict = await createJudge({ sandbox }).judge(input([BREAKS_HARNESS, GOOD]));
    assert.equal(verdict.pick, 'c1');
    assert.deepEqual(verdict.matrix?.cells['c1'], { 'examples.1': 'pass', 't1.1': 'pass' });
    assert.deepEqual(Object.values(verdict.matrix?.cells['c0'] ?? {}), ['error', 'error']);
  });
});
