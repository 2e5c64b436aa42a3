import assert from 'node:assert/strict';
import type { CaseEvidence } from '../../../src/core/judge/agreement';
import {
  behaviourClusters,
  codetGroups,
  functionalAgreement,
  sameBehaviour,
} from '../../../src/core/judge/agreement';
import type { CellResult } from '../../../src/core/types';

/** A candidate's row from a compact string: `+` pass, `x` fail, `E` error, `T` timeout. */
function row(id: string, cells: string, probes: Record<string, string[]> = {}): CaseEvidence {
  const map: Record<string, CellResult> = { '+': 'pass', x: 'fail', E: 'error', T: 'timeout' };
  return { id, cells: Object.fromEntries([...cells].map((c, i) => [`k${i}`, map[c]])), probes };
}
const ids = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

describe('judge/agreement', () => {
  it('groups candidates by the exact set of cases they pass and scores |members| x |passed|', () => {
    const groups = codetGroups(
      [row('a', '+++x'), row('b', '++++'), row('c', '+++x'), row('d', 'xxxx')],
      ids(4),
    );
    assert.deepEqual(
      groups.map((g) => [g.members, g.passed.length, g.score]),
      [
        [['a', 'c'], 3, 6],
        [['b'], 4, 4],
        [['d'], 0, 0],
      ],
    );
  });

  it('breaks a CodeT score tie in favour of the bigger group', () => {
    // {a,b} pass 2 cases = 4; {c} passes 4 = 4: the group with more agreeing candidates wins.
    const groups = codetGroups([row('c', '++++'), row('a', '++xx'), row('b', '++xx')], ids(4));
    assert.deepEqual(groups[0].members, ['a', 'b']);
  });

  it('breaks a full tie by the group whose first member comes first', () => {
    const groups = codetGroups([row('a', '+x'), row('b', 'x+')], ids(2));
    assert.deepEqual(groups[0].members, ['a']);
  });

  it('same behaviour needs the same cells and, where probed, the same return values', () => {
    assert.equal(sameBehaviour(row('a', '+x', { k0: ['1'] }), row('b', '+x', { k0: ['1'] }), ids(2)), true);
    assert.equal(sameBehaviour(row('a', '+x', { k0: ['1'] }), row('b', '+x', { k0: ['2'] }), ids(2)), false);
    assert.equal(sameBehaviour(row('a', '+x'), row('b', '+x'), ids(2)), true);
    assert.equal(sameBehaviour(row('a', '+x'), row('b', '+E'), ids(2)), false);
  });

  it('measures functional agreement on shared probed cases only, and two crashes do not agree', () => {
    const a = row('a', '+++', { k0: ['1'], k1: ['2'], k2: ['!ValueError'] });
    const b = row('b', '+x+', { k0: ['1'], k1: ['3'], k2: ['!ValueError'] });
    const c = row('c', '+++', { k1: ['2'] });
    assert.equal(functionalAgreement(a, b, ids(3)), 1 / 3);
    assert.equal(functionalAgreement(a, c, ids(3)), 1);
    assert.equal(functionalAgreement(b, row('d', 'xxx'), ids(3)), null);
  });

  it('agrees on behaviour even when a wrong test fails both candidates', () => {
    const a = row('a', 'x', { k0: ['[1, 2]'] });
    const b = row('b', 'x', { k0: ['[1, 2]'] });
    assert.equal(functionalAgreement(a, b, ids(1)), 1);
  });

  it('clusters identical behaviour together, in input order', () => {
    const clusters = behaviourClusters(
      [
        row('a', '+', { k0: ['1'] }),
        row('b', '+', { k0: ['2'] }),
        row('c', '+', { k0: ['1'] }),
        row('d', 'x', {}),
      ],
      ids(1),
    );
    assert.deepEqual(clusters, [['a', 'c'], ['b'], ['d']]);
  });
});
