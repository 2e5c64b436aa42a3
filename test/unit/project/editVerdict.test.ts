import assert from 'node:assert/strict';
import { classifyRun } from '../../../src/core/project/classify';
import { decideEditVerdict } from '../../../src/core/judge/editVerdict';
import type { EditJudgeCandidate } from '../../../src/core/judge/editVerdict';
import type { ProjectEvidence, TestRun, TestStatus } from '../../../src/core/project/types';

const run = (tests: Record<string, TestStatus>, state: TestRun['state'] = 'ok'): TestRun => ({
  state,
  exitCode: Object.values(tests).some((s) => s === 'failed') ? 1 : 0,
  wallMs: 100,
  runner: 'unittest',
  tests,
});

const BASELINE = run({
  'tests.test_pricing.T.test_bulk_discount': 'failed',
  'tests.test_pricing.T.test_rounding': 'passed',
  'tests.test_pricing.T.test_unit_price': 'passed',
  'tests.test_pricing.T.test_total': 'passed',
});

function candidate(
  id: string,
  tests: Record<string, TestStatus> | null,
  newText = `text of ${id}`,
  answeredMs = 0,
): EditJudgeCandidate {
  const edit = { ok: true as const, form: 'wholeFile' as const, newText, diff: '' };
  const evidence: ProjectEvidence = tests
    ? { candidateId: id, edit, run: run(tests), ...classifyRun(BASELINE, run(tests)), touchesTests: false }
    : {
        candidateId: id,
        edit: { ok: false, reason: 'noMatch', detail: 'hunk 1 matches nothing' },
        outcomes: [],
        counts: { fixed: 0, regressed: 0, stillFailing: 0, passing: 0, new: 0 },
        fixedIds: [],
        regressedIds: [],
        touchesTests: false,
      };
  return { id, model: id, evidence, answeredMs };
}

const ALL_PASS = {
  'tests.test_pricing.T.test_bulk_discount': 'passed',
  'tests.test_pricing.T.test_rounding': 'passed',
  'tests.test_pricing.T.test_unit_price': 'passed',
  'tests.test_pricing.T.test_total': 'passed',
} as const;

describe("edit verdict: the project's tests decide", () => {
  it('picks the fix that fixes the failing test and breaks none over a rewrite that fixes it but breaks one', () => {
    const standalone = candidate(
      'standalone',
      { ...ALL_PASS, 'tests.test_pricing.T.test_rounding': 'failed' },
      'a',
      1,
    );
    const wrong = candidate(
      'wrong',
      { ...ALL_PASS, 'tests.test_pricing.T.test_bulk_discount': 'failed' },
      'b',
      2,
    );
    const correct = candidate('correct', { ...ALL_PASS }, 'c', 3);
    const v = decideEditVerdict([standalone, wrong, correct], BASELINE);
    assert.equal(v.pick, 'correct');
    assert.equal(v.strategy, 'project-tests');
    assert.deepEqual(
      v.ranking.map((r) => r.id),
      ['correct', 'wrong', 'standalone'],
    );
    assert.match(v.reasons.join('\n'), /correct: fixes test_bulk_discount; breaks none of 4 project tests/);
    assert.match(v.reasons.join('\n'), /standalone: fixes test_bulk_discount; breaks test_rounding of 4/);
    assert.equal(v.unverified, false);
    assert.ok(v.confidence > 0.8);
  });

  it('ranks a candidate with no evidence below every measured one, even a worse measured one', () => {
    const broken = candidate('broken', null, 'x', 0);
    const regresses = candidate(
      'regresses',
      { ...ALL_PASS, 'tests.test_pricing.T.test_total': 'error' },
      'y',
      5,
    );
    const v = decideEditVerdict([broken, regresses], BASELINE);
    assert.equal(v.pick, 'regresses');
    assert.deepEqual(
      v.ranking.map((r) => [r.id, r.ran]),
      [
        ['regresses', true],
        ['broken', false],
      ],
    );
    assert.match(v.reasons.join('\n'), /broken: edit not applied \(noMatch/);
  });

  it('breaks a tie on tests by agreement, then by the earliest answer', () => {
    const a = candidate('a', { ...ALL_PASS }, 'def f():\n    return 1  # fast', 30);
    const b = candidate('b', { ...ALL_PASS }, 'def g(): return 2', 10);
    const c = candidate('c', { ...ALL_PASS }, 'def f():\n  return 1', 20);
    assert.equal(decideEditVerdict([a, b, c], BASELINE).pick, 'c', 'a and c agree; c answered first');
    assert.equal(decideEditVerdict([a, b], BASELINE).pick, 'b', 'no agreement: the earliest');
  });

  it('says there is no evidence when the baseline itself did not run, and marks the pick unverified', () => {
    const v = decideEditVerdict([candidate('a', { ...ALL_PASS })], run({}, 'noReport'));
    assert.equal(v.unverified, true);
    assert.match(v.reasons[0] ?? '', /no baseline \(noReport/);
  });
});
