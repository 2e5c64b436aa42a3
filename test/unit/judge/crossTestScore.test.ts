import assert from 'node:assert/strict';
import type { CaseEvidence } from '../../../src/core/judge/agreement';
import { crossTestScores } from '../../../src/core/judge/crossTestScore';
import type { CellResult } from '../../../src/core/types';

function row(id: string, cells: string, probes: Record<string, string[]> = {}): CaseEvidence {
  const map: Record<string, CellResult> = { '+': 'pass', x: 'fail', E: 'error', T: 'timeout' };
  return { id, cells: Object.fromEntries([...cells].map((c, i) => [`k${i}`, map[c]])), probes };
}
const ids = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
const all = () => true;
const best = (scores: { id: string; score: number }[]) => [...scores].sort((a, b) => b.score - a.score)[0].id;

describe('judge/crossTestScore', () => {
  it('dual agreement: two candidates behaving alike beat a lone one that fits more (possibly wrong) tests', () => {
    const scores = crossTestScores([row('lone', '+++x'), row('a', '++xx'), row('b', '++xx')], ids(4), all);
    assert.equal(best(scores), 'a');
    assert.deepEqual(
      scores.map((s) => s.twins),
      [0, 1, 1],
    );
  });

  it('a crash or hang costs more than a failed assertion, which may be the test’s fault', () => {
    const scores = crossTestScores(
      [row('crashes', '++E'), row('fails', '++x'), row('hangs', '++T')],
      ids(3),
      all,
    );
    assert.equal(best(scores), 'fails');
    assert.ok(scores[0].score < scores[1].score && scores[2].score < scores[1].score);
    assert.equal(scores[0].crashes, 1);
  });

  it('the same pass set with different return values is not agreement', () => {
    const scores = crossTestScores(
      [
        row('a', '+x', { k0: ['1'], k1: ['5'] }),
        row('b', '+x', { k0: ['1'], k1: ['6'] }),
        row('c', '++', { k0: ['1'], k1: ['7'] }),
      ],
      ids(2),
      all,
    );
    assert.deepEqual(
      scores.map((s) => s.twins),
      [0, 0, 0],
    );
    assert.equal(best(scores), 'c');
  });

  it('halves a candidate whose own program failed to run', () => {
    const scores = crossTestScores([row('a', '++'), row('b', '++')], ids(2), (id) => id !== 'a');
    assert.ok(Math.abs(scores[0].score * 2 - scores[1].score) < 0.01);
  });

  it('breaks an exact tie by functional agreement with the others', () => {
    const scores = crossTestScores(
      [
        row('a', '+x', { k0: ['1'], k1: ['9'] }),
        row('b', '+x', { k0: ['1'], k1: ['2'] }),
        row('c', 'x+', { k0: ['3'], k1: ['2'] }),
      ],
      ids(2),
      all,
    );
    // Three singleton groups passing one case each; b agrees with a on k0 and with c on k1.
    assert.deepEqual(
      scores.map((s) => s.agreement),
      [0.25, 0.5, 0.25],
    );
    assert.equal(best(scores), 'b');
  });
});
