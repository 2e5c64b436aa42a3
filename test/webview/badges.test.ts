import assert from 'node:assert/strict';
import { badgesFor } from '../../src/webview/badges';
import type { RunResult } from '../../src/webview/domainTypes';
import type { CandidateView } from '../../src/webview/viewModel';
import { runResult } from '../fakes/runResult';

const base: CandidateView = {
  id: 'm',
  modelId: 'm',
  kind: 'openai',
  model: 'gpt',
  phase: 'done',
  text: 'x',
  textCapped: false,
  code: 'print(1)',
  language: 'python',
  incomplete: false,
  running: false,
  rev: 1,
};
const run = (r: Partial<RunResult>): RunResult => runResult(r);
const labels = (c: Partial<CandidateView>, trusted = true, pick: string | null = null): string[] =>
  badgesFor({ ...base, ...c }, { trusted, pick }).map((b) => b.label);

describe('webview badges: what a card says about its candidate', () => {
  it('never shows a success badge beside failing tests: "ran" and "tests N/M" are separate', () => {
    const tones = (tests: { passed: number; total: number }): [string, string][] =>
      badgesFor({ ...base, run: run({}) }, { trusted: true, pick: null, tests }).map((b) => [
        b.label,
        b.tone,
      ]);
    assert.deepEqual(tones({ passed: 3, total: 3 }), [
      ['Ran', 'success'],
      ['Tests 3/3', 'success'],
    ]);
    // Exit 0 with six failing tests is not "Passed": it ran, and most tests fail.
    assert.deepEqual(tones({ passed: 1, total: 7 }), [
      ['Ran', 'neutral'],
      ['Tests 1/7', 'warning'],
    ]);
    assert.deepEqual(tones({ passed: 0, total: 4 }), [
      ['Ran', 'neutral'],
      ['Tests 0/4', 'error'],
    ]);
    for (const passed of [0, 1, 2]) {
      const badges = badgesFor(
        { ...base, run: run({}) },
        { trusted: true, pick: null, tests: { passed, total: 3 } },
      );
      assert.ok(!badges.some((b) => b.tone === 'success'), `no success badge at ${passed}/3`);
    }
  });

  it('maps run outcomes to ran / exit code / timed out / out of memory / output capped', () => {
    assert.deepEqual(labels({ run: run({}) }), ['Ran']);
    assert.deepEqual(labels({ run: run({ exitCode: 2 }) }), ['Exit 2']);
    assert.deepEqual(labels({ run: run({ exitCode: null, timedOut: true, limitsHit: ['timeout'] }) }), [
      'Timed out',
    ]);
    assert.deepEqual(labels({ run: run({ exitCode: 137, oomKilled: true, limitsHit: ['memory'] }) }), [
      'Out of memory',
    ]);
    assert.deepEqual(labels({ run: run({ outputTruncated: true, limitsHit: ['output'] }) }), [
      'Ran',
      'Output capped',
    ]);
  });

  it('puts Pick first and shows streaming and running states', () => {
    assert.deepEqual(labels({ run: run({}) }, true, 'm'), ['Pick', 'Ran']);
    assert.deepEqual(labels({ phase: 'streaming', code: undefined }), ['Streaming']);
    assert.deepEqual(labels({ running: true }), ['Running']);
  });

  it('gives a provider error with its advice, and flags incomplete streams', () => {
    const badges = badgesFor(
      {
        ...base,
        phase: 'failed',
        code: undefined,
        error: { code: 'auth', message: '401', advice: 'Set the key.' },
      },
      { trusted: true, pick: null },
    );
    assert.deepEqual(
      badges.map((b) => [b.label, b.detail]),
      [['Provider error', '401 — Set the key.']],
    );
    assert.deepEqual(labels({ incomplete: true, run: run({}) }), ['Incomplete stream', 'Ran']);
  });

  it('says "not executed" in Restricted Mode and "not run" with advice when the sandbox failed', () => {
    assert.deepEqual(labels({}, false), ['Not executed (untrusted)']);
    assert.deepEqual(labels({ runError: { reason: 'untrusted', message: 'm', advice: 'a' } }), [
      'Not executed (untrusted)',
    ]);
    const notRun = badgesFor(
      {
        ...base,
        runError: { reason: 'not-running', message: 'Docker is not running', advice: 'Start Docker.' },
      },
      { trusted: true, pick: null },
    );
    assert.deepEqual(
      notRun.map((b) => [b.label, b.detail]),
      [['Not run', 'Docker is not running — Start Docker.']],
    );
    assert.deepEqual(labels({ code: undefined }), ['No code']);
  });
});
