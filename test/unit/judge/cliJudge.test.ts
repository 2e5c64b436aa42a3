import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { judgeCommand, parseJudgeFile, renderVerdict, verdictJson } from '../../../src/cli/judge';
import type { CliIo } from '../../../src/cli/io';
import type { Verdict } from '../../../src/core/types';

function io(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const value: CliIo = { stdout, stderr, stdin: new PassThrough(), env: {}, cwd };
  return { io: value, out: () => out, err: () => err };
}

const valid = {
  prompt: 'add',
  language: 'python',
  candidates: [{ id: 'a', model: 'm', code: 'def add(a, b): return a + b' }],
  tests: [{ id: 't', model: 'm', code: 'assert add(1, 2) == 3' }],
  reference_test: 'def check(c): pass',
};

const verdict: Verdict = {
  pick: 'a',
  strategy: 'cross-test',
  confidence: 0.9,
  ranking: [
    { id: 'a', score: 0.95, ran: true, testsPassed: 2, testsTotal: 2 },
    { id: 'b', score: 0.2, ran: false, testsPassed: 0, testsTotal: 2 },
  ],
  reasons: ['a passes 2/2 test cases written by the models.'],
  unverified: false,
  matrix: {
    cases: [
      { id: 't.1', testId: 't', code: 'assert 1' },
      { id: 't.2', testId: 't', code: 'assert 2' },
    ],
    cells: { a: { 't.1': 'pass', 't.2': 'pass' }, b: { 't.1': 'error', 't.2': 'timeout' } },
  },
};

describe('cli/judge', () => {
  it('parses a judge file and drops unknown fields such as reference_test', () => {
    const input = parseJudgeFile(JSON.stringify(valid));
    assert.equal(input.candidates.length, 1);
    assert.equal(input.tests.length, 1);
    assert.equal('reference_test' in input, false);
    assert.deepEqual(parseJudgeFile(JSON.stringify({ ...valid, tests: undefined })).tests, []);
  });

  it('names the bad field of a malformed file', () => {
    const bad = (patch: object) => () => parseJudgeFile(JSON.stringify({ ...valid, ...patch }));
    assert.throws(bad({ language: 'cobol' }), /bad field "language"/);
    assert.throws(
      bad({ candidates: [{ id: 'a', model: 'm', code: 3 }] }),
      /bad field "candidates\[0\]\.code"/,
    );
    assert.throws(bad({ candidates: [] }), /bad field "candidates"/);
    assert.throws(bad({ tests: [{ id: 't', code: '' }] }), /bad field "tests\[0\]\.model"/);
    assert.throws(bad({ candidates: [valid.candidates[0], valid.candidates[0]] }), /duplicate id "a"/);
    assert.throws(() => parseJudgeFile('{"prompt": '), /not valid JSON/);
  });

  it('exits 2 naming the field for a malformed file, and for a missing one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quorum-judge-'));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...valid, prompt: 7 }));
    const a = io(dir);
    assert.equal(await judgeCommand(['bad.json'], a.io), 2);
    assert.match(a.err(), /bad field "prompt"/);
    const b = io(dir);
    assert.equal(await judgeCommand(['missing.json', '--json'], b.io), 2);
    assert.match(b.err(), /cannot read/);
    const c = io(dir);
    assert.equal(await judgeCommand([], c.io), 2);
    const d = io(dir);
    assert.equal(await judgeCommand(['--help'], d.io), 0);
    assert.match(d.out(), /Usage: quorum judge FILE/);
  });

  it('prints exactly the documented --json keys', () => {
    const json = verdictJson(verdict) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['pick', 'strategy', 'confidence', 'ranking', 'reasons']);
    assert.deepEqual(Object.keys((json.ranking as object[])[0]), [
      'id',
      'score',
      'ran',
      'testsPassed',
      'testsTotal',
    ]);
  });

  it('renders pick, strategy, confidence, reasons, ranking and the pass matrix for people', () => {
    const text = renderVerdict(verdict);
    assert.match(text, /pick: a\s+strategy: cross-test\s+confidence: 0\.9/);
    assert.match(text, /- a passes 2\/2/);
    assert.match(text, /^a\s+0\.950\s+yes\s+2\/2$/m);
    assert.match(text, /^b\s+ET$/m);
    assert.match(renderVerdict({ ...verdict, unverified: true, strategy: 'fallback' }), /UNVERIFIED/);
  });
});
