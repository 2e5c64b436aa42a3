import assert from 'node:assert/strict';
import type { CaseEvidence } from '../../../src/core/judge/agreement';
import { behaviourFeatures, behaviourOn, judgeByBehaviour } from '../../../src/core/judge/behaviourClusters';
import type { JudgeCase } from '../../../src/core/judge/testCases';
import type { CellResult } from '../../../src/core/types';

const gen = (n: number): JudgeCase[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `g${i}`,
    testId: 'generated',
    code: `f(${i})`,
    setup: '',
    generated: true,
  }));
const ex = (n: number): JudgeCase[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    testId: 'examples',
    code: `assert f(${i}) == ${i}`,
    setup: '',
    trusted: true,
  }));

/** A candidate from its return values on g0.. (`!E` a raise) and its example cells (`+`/`x`). */
function cand(id: string, values: string[], examples = ''): CaseEvidence {
  const cells: Record<string, CellResult> = {};
  const probes: Record<string, string[]> = {};
  values.forEach((v, i) => {
    cells[`g${i}`] = v.startsWith('!') ? 'error' : 'pass';
    probes[`g${i}`] = [v];
  });
  [...examples].forEach((c, i) => (cells[`e${i}`] = c === '+' ? 'pass' : 'fail'));
  return { id, cells, probes };
}

const all = (ids: string[]): Set<string> => new Set(ids);

describe('judge/behaviourClusters', () => {
  it('the largest class of identical behaviour wins; exceptions are behaviour too', () => {
    const ev = [
      cand('a', ['1', '2', '3']),
      cand('b', ['1', '2', '4']),
      cand('c', ['1', '2', '4']),
      cand('d', ['1', '!ValueError', '4']),
    ];
    const j = judgeByBehaviour(ev, all(['a', 'b', 'c', 'd']), gen(3));
    assert.ok(j);
    assert.deepEqual(
      j.classes.map((c) => c.members),
      [['b', 'c'], ['a'], ['d']],
    );
    assert.equal(j.splitting, 2);
  });

  it('an example filters first: a smaller class passing it beats a bigger one failing it', () => {
    const ev = [
      cand('w1', ['0', '0'], 'x'),
      cand('w2', ['0', '0'], 'x'),
      cand('w3', ['0', '0'], 'x'),
      cand('r', ['1', '2'], '+'),
    ];
    const j = judgeByBehaviour(ev, all(['w1', 'w2', 'w3', 'r']), [...ex(1), ...gen(2)]);
    assert.deepEqual(
      j?.classes.map((c) => c.members),
      [['r']],
    );
    assert.equal(j?.eligible, 1);
    assert.equal(behaviourFeatures(j).allTrusted, 1);
  });

  it('ignores inputs most candidates reject (outside the domain) when forming classes', () => {
    // g1 is rejected by 3 of 4 with different errors; on g0 all agree except d.
    const ev = [
      cand('a', ['1', '!TypeError']),
      cand('b', ['1', '!ValueError']),
      cand('c', ['1', '!IndexError']),
      cand('d', ['2', '5']),
    ];
    const j = judgeByBehaviour(ev, all(['a', 'b', 'c', 'd']), gen(2), { validShare: 0.5, rule: 'cluster' });
    assert.equal(j?.validInputs, 1);
    assert.deepEqual(j?.classes[0].members, ['a', 'b', 'c']);
    const strict = judgeByBehaviour(ev, all(['a', 'b', 'c', 'd']), gen(2), {
      validShare: 0,
      rule: 'cluster',
    });
    assert.equal(strict?.classes.length, 4);
  });

  it('mbr ranks by summed agreement, input by input, where classes are all singletons', () => {
    const ev = [
      cand('a', ['1', '2', '3']),
      cand('b', ['1', '2', '9']),
      cand('c', ['7', '8', '3']),
      cand('d', ['1', '0', '0']),
    ];
    const j = judgeByBehaviour(ev, all(['a', 'b', 'c', 'd']), gen(3), { validShare: 0.5, rule: 'mbr' });
    assert.equal(j?.classes[0].members[0], 'a');
  });

  it('candidates that did not load are not judged; nothing to judge by gives null', () => {
    const ev = [cand('a', ['1']), cand('b', ['2'])];
    assert.deepEqual(
      judgeByBehaviour(ev, all(['b']), gen(1))?.classes.map((c) => c.members),
      [['b']],
    );
    assert.equal(judgeByBehaviour(ev, all([]), gen(1)), null);
    assert.equal(judgeByBehaviour(ev, all(['a', 'b']), ex(1)), null);
  });

  it('reads a raise, a hang and a missing probe from the cells', () => {
    const e: CaseEvidence = { id: 'x', cells: { a: 'timeout', b: 'error', c: 'pass' }, probes: { c: ['3'] } };
    assert.deepEqual(
      ['a', 'b', 'c'].map((k) => behaviourOn(e, k)),
      ['!Timeout', '!Error', '3'],
    );
  });
});
