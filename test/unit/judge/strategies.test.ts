import assert from 'node:assert/strict';
import type { CandidateOutcome, JudgeEvidence, RunOutcome } from '../../../src/core/judge/evidence';
import { decideVerdict } from '../../../src/core/judge/strategies';
import type { JudgeCandidate } from '../../../src/core/types';

interface Spec {
  id: string;
  outcome?: RunOutcome;
  stdout?: string;
  stderrBytes?: number;
  cells?: string;
  latencyMs?: number;
  code?: string;
}

/** Hand-built evidence: these are the judge's inputs, as the sandbox would have produced them. */
/** The first `trusted` cases are the user's examples. */
function judge(specs: Spec[], trusted = 0) {
  const n = Math.max(0, ...specs.map((s) => s.cells?.length ?? 0));
  const caseIds = Array.from({ length: n }, (_, i) => `t.${i + 1}`);
  const outcomes: CandidateOutcome[] = specs.map((s) => ({
    id: s.id,
    outcome: s.outcome ?? 'ok',
    stdout: s.stdout ?? '',
    stderrBytes: s.stderrBytes ?? 0,
    detail: s.outcome && s.outcome !== 'ok' ? `${s.outcome} detail` : '',
    evidence: {
      id: s.id,
      cells: Object.fromEntries(caseIds.map((k, i) => [k, s.cells?.[i] === '+' ? 'pass' : 'fail'])),
      probes: {},
    },
  }));
  const evidence: JudgeEvidence = {
    cases: caseIds.map((id, i) =>
      i < trusted
        ? {
            id,
            testId: 'examples',
            code: 'assert x',
            setup: '',
            trusted: true as const,
            source: 'prompt' as const,
          }
        : { id, testId: 't', code: 'assert x', setup: '' },
    ),
    outcomes,
    sandboxMs: 0,
    hostMs: 0,
  };
  const candidates: JudgeCandidate[] = specs.map((s) => ({
    id: s.id,
    model: 'm',
    code: s.code ?? 'print(1)',
    latencyMs: s.latencyMs,
  }));
  return decideVerdict(evidence, { candidates });
}

describe('judge/strategies', () => {
  it('consensus: the largest cluster of at least two agreeing outputs wins', () => {
    const v = judge([
      { id: 'a', stdout: '42' },
      { id: 'b', stdout: '41' },
      { id: 'c', stdout: '42.0\r\n' },
      { id: 'd', outcome: 'runtime-error' },
    ]);
    assert.equal(v.strategy, 'consensus');
    assert.equal(v.pick, 'a');
    assert.equal(v.unverified, false);
    assert.match(v.reasons[0], /2 candidates \(a, c\)/);
  });

  it('consensus: inside the winning cluster, the best score (here less stderr noise) is picked', () => {
    const v = judge([
      { id: 'a', stdout: 'x', stderrBytes: 500 },
      { id: 'b', stdout: 'x' },
    ]);
    assert.equal(v.pick, 'b');
  });

  it('high confidence: exactly one candidate ran', () => {
    const v = judge([
      { id: 'a', outcome: 'timeout' },
      { id: 'b', stdout: '' },
      { id: 'c', outcome: 'compile-error' },
    ]);
    assert.equal(v.strategy, 'high-confidence');
    assert.equal(v.pick, 'b');
    assert.ok(v.confidence > 0.5);
  });

  it('best available: several ran, outputs disagree, the highest score wins', () => {
    const v = judge([
      { id: 'a', stdout: '1', stderrBytes: 10 },
      { id: 'b', stdout: '2' },
      { id: 'c', outcome: 'runtime-error', stdout: '2' },
    ]);
    assert.equal(v.strategy, 'best-available');
    assert.equal(v.pick, 'b');
    assert.equal(v.ranking[v.ranking.length - 1].id, 'c');
  });

  it('fallback: nothing ran, the least severe failure is picked and labelled unverified', () => {
    for (const [order, expected] of [
      [['timeout', 'runtime-error', 'compile-error'], 'c'],
      [['timeout', 'runtime-error', 'timeout'], 'b'],
      [['timeout', 'timeout', 'timeout'], 'a'],
    ] as const) {
      const v = judge(order.map((outcome, i) => ({ id: 'abc'[i], outcome })));
      assert.equal(v.strategy, 'fallback');
      assert.equal(v.pick, expected, order.join(','));
      assert.equal(v.unverified, true);
      assert.match(v.reasons[0], /UNVERIFIED/);
      assert.ok(v.confidence <= 0.2);
    }
  });

  it('cross-test: when tests exist, the candidate the tests and the others support wins', () => {
    const v = judge([
      { id: 'a', cells: '+xx' },
      { id: 'b', cells: '+++' },
      { id: 'c', cells: '++x' },
    ]);
    assert.equal(v.strategy, 'cross-test');
    assert.equal(v.pick, 'b');
    assert.deepEqual(
      v.ranking.map((r) => [r.id, r.testsPassed, r.testsTotal]),
      [
        ['b', 3, 3],
        ['c', 2, 3],
        ['a', 1, 3],
      ],
    );
  });

  it('cross-test is skipped when no candidate passes any case: the tests prove nothing', () => {
    const v = judge([
      { id: 'a', cells: 'xx', stdout: '7' },
      { id: 'b', cells: 'xx', stdout: '7' },
    ]);
    assert.equal(v.strategy, 'consensus');
  });

  it('tie rules: equal evidence goes to less stderr, then faster model, then shorter code, then input order', () => {
    assert.equal(judge([{ id: 'a', stderrBytes: 3 }, { id: 'b' }]).ranking[0].id, 'b');
    assert.equal(
      judge([
        { id: 'a', latencyMs: 900 },
        { id: 'b', latencyMs: 100 },
      ]).ranking[0].id,
      'b',
    );
    assert.equal(
      judge([
        { id: 'a', code: 'print(1)  # long' },
        { id: 'b', code: 'print(1)' },
      ]).ranking[0].id,
      'b',
    );
    assert.equal(judge([{ id: 'a' }, { id: 'b' }]).ranking[0].id, 'a');
  });

  it('ranks a candidate that ran above one that did not, everything else equal', () => {
    const v = judge([
      { id: 'a', outcome: 'runtime-error', cells: '+' },
      { id: 'b', cells: '+' },
    ]);
    assert.equal(v.pick, 'b');
    assert.deepEqual(
      v.ranking.map((r) => r.ran),
      [true, false],
    );
  });

  it('says when the pick won only by a tie rule', () => {
    const v = judge([
      { id: 'a', cells: '+x', code: 'def f(): return 1  # longer' },
      { id: 'b', cells: '+x', code: 'def f(): return 1' },
    ]);
    assert.equal(v.pick, 'b');
    assert.ok(v.reasons.some((r) => /2 candidates \(a, b\) pass exactly the same cases/.test(r)));
    assert.ok(v.reasons.some((r) => /Within the group the tie rules .*shorter code.* pick b/.test(r)));
  });

  it('a candidate failing a trusted example is never picked over one passing it, whatever the tests say', () => {
    // Four candidates agree on every generated case but fail the user's example; one passes it.
    const v = judge(
      [
        { id: 'a', cells: 'x+++' },
        { id: 'b', cells: 'x+++' },
        { id: 'c', cells: 'x+++' },
        { id: 'd', cells: 'x+++' },
        { id: 'e', cells: '+xxx' },
      ],
      1,
    );
    assert.equal(v.pick, 'e');
    assert.equal(v.evidence?.trustedPassed, 1);
    assert.equal(v.evidence?.trustedTotal, 1);
    assert.match(v.reasons[0], /e passes all 1 of your examples \(from the prompt\)/);
    // Without the example's column marked trusted, the four agreeing candidates win.
    const plain = judge([
      { id: 'a', cells: 'x+++' },
      { id: 'b', cells: 'x+++' },
      { id: 'c', cells: 'x+++' },
      { id: 'd', cells: 'x+++' },
      { id: 'e', cells: '+xxx' },
    ]);
    assert.equal(plain.pick, 'a');
  });

  it('explains the pick by its group and posterior, and a calibrated confidence', () => {
    const v = judge([
      { id: 'a', cells: '+++x' },
      { id: 'b', cells: '+++x' },
      { id: 'c', cells: '+xx+' },
    ]);
    assert.equal(v.pick, 'a');
    assert.deepEqual([v.evidence?.casesPassed, v.evidence?.casesTotal, v.evidence?.groupSize], [3, 4, 2]);
    assert.ok(v.reasons.some((r) => /^a passes 3\/4 test cases written by the models/.test(r)));
    assert.ok(
      v.reasons.some((r) => /Posterior that this group is the correct one: \d\.\d\d .*next best c/.test(r)),
    );
    // The confidence is calibrated: more support and passing the user's examples raise it,
    // missing one of them lowers it.
    const lone = judge([
      { id: 'a', cells: '+xxx' },
      { id: 'b', cells: 'x+xx' },
      { id: 'c', cells: 'xx+x' },
    ]);
    assert.ok(v.confidence > lone.confidence, `${v.confidence} vs ${lone.confidence}`);
    const examplesPassed = judge(
      [
        { id: 'a', cells: '+++x' },
        { id: 'b', cells: '+++x' },
        { id: 'c', cells: 'x+x+' },
      ],
      1,
    );
    const exampleMissed = judge(
      [
        { id: 'a', cells: 'x++x' },
        { id: 'b', cells: 'x++x' },
        { id: 'c', cells: 'x+x+' },
      ],
      1,
    );
    assert.ok(examplesPassed.confidence > v.confidence && v.confidence > exampleMissed.confidence);
  });

  it('returns no pick and zero confidence for no candidates', () => {
    const v = judge([]);
    assert.equal(v.pick, null);
    assert.equal(v.confidence, 0);
  });
});
