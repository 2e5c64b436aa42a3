import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { judgeCommand } from '../../src/cli/judge';
import { createJudge } from '../../src/core/judge/verdict';
import type { DockerSandbox } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

/** Three attempts at "unique elements, sorted"; the generated tests include a wrong one. */
const problem = {
  prompt: 'def unique(xs): return the sorted unique elements of xs',
  language: 'python' as const,
  candidates: [
    { id: 'keeps-dupes', model: 'm1', code: 'def unique(xs):\n    return sorted(xs)\n' },
    { id: 'set', model: 'm2', code: 'def unique(xs):\n    return sorted(set(xs))\n' },
    {
      id: 'loop',
      model: 'm3',
      code: 'def unique(xs):\n    out = []\n    for x in sorted(xs):\n        if x not in out:\n            out.append(x)\n    return out\n',
    },
    { id: 'broken', model: 'm4', code: 'def unique(xs)\n    return xs\n' },
  ],
  tests: [
    { id: 't1', model: 'm1', code: 'assert unique([3, 1, 3]) == [1, 3, 3]\nassert unique([]) == []\n' },
    { id: 't2', model: 'm2', code: 'assert unique([2, 2, 1]) == [1, 2]\nassert unique([5]) == [5]\n' },
    { id: 't3', model: 'm3', code: 'assert unique([1, 1]) == [1]\n' },
  ],
};

describe('judge end to end in the real sandbox (offline images)', function () {
  let sandbox: DockerSandbox;
  before(async () => {
    sandbox = createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 2, pull: false });
    await sandbox.check();
  });
  after(() => sandbox.dispose());

  it('cross-tests every candidate, shows the matrix and picks a correct one over a wrong test', async () => {
    const verdict = await createJudge({ sandbox }).judge(problem);
    assert.equal(verdict.strategy, 'cross-test');
    assert.ok(verdict.pick === 'set' || verdict.pick === 'loop', `picked ${verdict.pick}`);
    assert.equal(verdict.matrix?.cases.length, 5);
    assert.deepEqual(Object.values(verdict.matrix?.cells['set'] ?? {}), [
      'fail',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    assert.deepEqual(Object.values(verdict.matrix?.cells['keeps-dupes'] ?? {}), [
      'pass',
      'pass',
      'fail',
      'pass',
      'fail',
    ]);
    const broken = verdict.ranking.find((r) => r.id === 'broken');
    assert.deepEqual([broken?.ran, verdict.ranking[verdict.ranking.length - 1].id], [false, 'broken']);
  });

  it('without tests, judges by the programs own printed output', async () => {
    const verdict = await createJudge({ sandbox }).judge({
      prompt: 'print 2 + 2',
      language: 'python',
      tests: [],
      candidates: [
        { id: 'a', model: 'm', code: 'print(2 + 3)' },
        { id: 'b', model: 'm', code: 'print(4)' },
        { id: 'c', model: 'm', code: 'print(2 + 2)\r\n' },
        { id: 'd', model: 'm', code: 'while True: pass' },
      ],
    });
    assert.equal(verdict.strategy, 'consensus');
    assert.equal(verdict.pick, 'b');
  });

  it('`quorum judge FILE --json` prints the documented object and never uses reference_test', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quorum-judge-e2e-'));
    // A reference_test that would crash everything if it were ever executed.
    writeFileSync(
      path.join(dir, 'p.json'),
      JSON.stringify({ ...problem, reference_test: 'raise SystemExit(9)' }),
    );
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await judgeCommand(['p.json', '--json', '--image', OFFLINE_IMAGES.python ?? ''], {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      env: {},
      cwd: dir,
    });
    assert.equal(code, 0);
    const json = JSON.parse(out) as {
      pick: string;
      strategy: string;
      ranking: { id: string; testsTotal: number }[];
    };
    assert.deepEqual(Object.keys(json), ['pick', 'strategy', 'confidence', 'ranking', 'reasons']);
    assert.ok(['set', 'loop'].includes(json.pick));
    assert.equal(json.ranking.length, 4);
    assert.equal(json.ranking[0].testsTotal, 5);
  });
});
