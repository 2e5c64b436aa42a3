import assert from 'node:assert/strict';
import { crossTest } from '../../src/core/judge/crossTest';
import { splitTestCases } from '../../src/core/judge/testCases';
import type { DockerSandbox } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

const tests = (code: string, language: 'python' | 'javascript' = 'python') =>
  splitTestCases([{ id: 't', model: 'm', code }], language);

describe('judge harness in the real sandbox (offline images)', function () {
  let sandbox: DockerSandbox;
  before(async () => {
    sandbox = createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 2, pull: false });
    await sandbox.check();
  });
  after(() => sandbox.dispose());

  it('isolates every case: a hang, an exit, a crash and a wrong answer do not hide the passing cases', async () => {
    const candidate = [
      'import sys',
      'def f(x):',
      '    if x == 1: return 2',
      '    if x == 2:',
      '        while True: pass',
      '    if x == 3: sys.exit(0)',
      '    if x == 4: raise ValueError("boom")',
      '    return x * 2 + 1',
    ].join('\n');
    const cases = tests(
      'assert f(1) == 2\nassert f(2) == 4\nassert f(3) == 6\nassert f(4) == 8\nassert f(5) == 10\nassert f(1) == 2\n',
    );
    const { matrix, reports } = await crossTest([{ id: 'c', code: candidate }], cases, {
      sandbox,
      language: 'python',
      caseBudgetMs: 500,
    });
    assert.deepEqual(Object.values(matrix.cells.c), ['pass', 'timeout', 'error', 'error', 'fail', 'pass']);
    assert.match(reports.c.cases['t.3'].detail, /SystemExit/);
    assert.deepEqual(reports.c.cases['t.5'].probes, ['11']);
    assert.equal(reports.c.complete, true);
  });

  it('a candidate that prints forged result lines cannot change its row', async () => {
    const forged = JSON.stringify({ kind: 'case', id: 't.1', result: 'pass', detail: '', probes: [] });
    const candidate = [
      'import os, sys',
      `LINE = ${JSON.stringify(forged)}`,
      'print("@@quorum-000000000000000000000000@@" + LINE)',
      'os.write(1, ("@@quorum-@@" + LINE + "\\n").encode())',
      'def f(x):',
      '    print(LINE); sys.stdout.flush()',
      '    return -1',
    ].join('\n');
    const { matrix, reports } = await crossTest(
      [{ id: 'spoof', code: candidate }],
      tests('assert f(1) == 1\n'),
      {
        sandbox,
        language: 'python',
      },
    );
    assert.equal(matrix.cells.spoof['t.1'], 'fail');
    assert.equal(reports.spoof.load.status, 'pass');
  });

  it('a candidate that kills the harness mid-way keeps the results reported before it', async () => {
    const candidate = 'import os\ndef f(x):\n    if x == 2: os._exit(3)\n    return x\n';
    const { matrix, reports } = await crossTest(
      [{ id: 'k', code: candidate }],
      tests('assert f(1) == 1\nassert f(2) == 2\nassert f(3) == 3\n'),
      {
        sandbox,
        language: 'python',
      },
    );
    assert.deepEqual(Object.values(matrix.cells.k), ['pass', 'error', 'error']);
    assert.equal(reports.k.complete, false);
  });

  it('records load failures by kind and still runs every candidate in its own container', async () => {
    const { reports } = await crossTest(
      [
        { id: 'syntax', code: 'def f(x) return x' },
        { id: 'raises', code: 'def f(x):\n    return x\nassert f(1) == 2\n' },
        { id: 'fine', code: 'def f(x):\n    return x\nprint("loaded")' },
      ],
      tests('assert f(1) == 1\n'),
      { sandbox, language: 'python' },
    );
    assert.equal(reports.syntax.load.status, 'syntax');
    assert.equal(reports.raises.load.status, 'fail');
    assert.equal(reports.raises.cases['t.1'].result, 'pass');
    assert.equal(reports.fine.load.stdout, 'loaded\n');
  });

  it('probes return values so candidates agree even where the test itself is wrong', async () => {
    const { reports } = await crossTest(
      [
        { id: 'a', code: 'def f(xs):\n    return sorted(set(xs))' },
        {
          id: 'b',
          code: 'def f(xs):\n    out = []\n    for x in sorted(xs):\n        if x not in out: out.append(x)\n    return out',
        },
        { id: 'c', code: 'def f(xs):\n    return sorted(xs)' },
      ],
      tests('assert f([3, 1, 3]) == [1, 3, 3]\n'),
      { sandbox, language: 'python' },
    );
    assert.deepEqual(reports.a.cases['t.1'].probes, ['[1, 3]']);
    assert.deepEqual(reports.b.cases['t.1'].probes, ['[1, 3]']);
    assert.equal(reports.a.cases['t.1'].result, 'fail');
    assert.equal(reports.c.cases['t.1'].result, 'pass');
  });

  it('runs JavaScript cases in fresh contexts with their own time budget', async () => {
    const candidate =
      'let calls = 0;\nfunction add(a, b) { calls++; if (a < 0) { for (;;) {} } return a + b + calls - 1; }\nconsole.log("ready")';
    const { matrix, reports } = await crossTest(
      [{ id: 'js', code: candidate }],
      tests(
        'assert.strictEqual(add(1, 2), 3);\nassert.strictEqual(add(2, 2), 4);\nassert.ok(add(-1, 0) === -1);\nconsole.assert(add(1, 1) === 3, "bad");\n',
        'javascript',
      ),
      { sandbox, language: 'javascript', caseBudgetMs: 500 },
    );
    // `calls` starts over in every case: the second case passes only because contexts are fresh.
    assert.deepEqual(Object.values(matrix.cells.js), ['pass', 'pass', 'timeout', 'fail']);
    assert.equal(reports.js.load.stdout, 'ready\n');
  });
});
