import assert from 'node:assert/strict';
import { b4Groups, logBeta, logGamma, normalise } from '../../../src/core/judge/b4';
import { rankGroups } from '../../../src/core/judge/selection';

const close = (a: number, b: number, tol = 1e-9): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** ln((n-1)!) by summation: an independent check of the Lanczos ln Γ. */
const logFactorial = (n: number): number =>
  Array.from({ length: n }, (_, i) => Math.log(i + 1)).reduce((s, x) => s + x, 0);

/** The paper's posterior for one layout, written out from the formula in plain loops. */
function posterior(rows: number[][], members: number[], alpha: number, beta0: number): number {
  const y = rows[members[0]];
  const others = rows.filter((_, i) => !members.includes(i));
  const sumY = y.reduce((s, v) => s + v, 0);
  let e1 = 0;
  let n1 = 0;
  let e0 = 0;
  let n0 = 0;
  for (const row of others) {
    row.forEach((v, j) => {
      if (y[j]) {
        e1 += v;
        n1++;
      } else {
        e0 += v;
        n0++;
      }
    });
  }
  return (
    logBeta(sumY + alpha, y.length - sumY + 1) +
    logBeta(members.length + alpha, rows.length - members.length + 1) +
    logBeta(e1 + 1, n1 - e1 + 1) +
    logBeta(e0 + 1, n0 - e0 + beta0)
  );
}

describe('judge/b4: the posterior of the B4 paper over a pass matrix', () => {
  it('ln Γ matches log factorials, and ln B(a, b) the closed form', () => {
    for (const n of [1, 2, 5, 10, 30, 170]) close(logGamma(n), logFactorial(n - 1));
    close(logBeta(3, 4), Math.log((2 * 6) / 720));
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)));
  });

  it('groups candidates by pass set and scores each layout with the formula', () => {
    const rows = [
      [1, 1, 1, 0],
      [1, 1, 1, 0],
      [1, 0, 0, 1],
      [0, 0, 0, 0],
      [1, 1, 1, 0],
    ];
    const groups = b4Groups(
      rows.map((r) => r.map(Boolean)),
      { alphaXY: 1e3, beta0: 1e4 },
    );
    assert.deepEqual(
      groups.map((g) => g.members),
      [[0, 1, 4], [2], [3]],
    );
    for (const g of groups) close(g.logPosterior, posterior(rows, [...g.members], 1e3, 1e4));
    assert.deepEqual(groups[0].passed, [0, 1, 2]);
  });

  it('unlike CodeT, prefers the consistent group over a big one that passes what wrong code passes', () => {
    // CodeT scores |members| x |passed|: {0,1,2} (3 x 2 = 6) beats {3} (1 x 4 = 4). Under B4's
    // prior wrong code rarely passes wrong tests: cases 2-3 passed by the three look wrong, and
    // candidate 3 passing everything the others fail makes it the likelier correct one.
    const rows = [
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 1],
    ].map((r) => r.map(Boolean));
    const groups = b4Groups(rows, { alphaXY: 1e3, beta0: 1e4 });
    assert.deepEqual(groups[0].members, [3]);
  });

  it('normalises log posteriors into probabilities, flatter with a higher temperature', () => {
    const sharp = normalise([0, -2]);
    const flat = normalise([0, -2], 10);
    close(sharp[0] + sharp[1], 1);
    close(sharp[0], 1 / (1 + Math.exp(-2)));
    assert.ok(flat[0] < sharp[0] && flat[0] > 0.5);
  });

  it("rankGroups puts the groups passing the user's examples first; the rest get no posterior", () => {
    const cases = [
      {
        id: 'e.1',
        testId: 'examples',
        code: '',
        setup: '',
        trusted: true as const,
        source: 'prompt' as const,
      },
      { id: 't.1', testId: 't', code: '', setup: '' },
      { id: 't.2', testId: 't', code: '', setup: '' },
    ];
    const ev = (id: string, cells: string) => ({
      id,
      cells: Object.fromEntries(
        cases.map((c, i) => [c.id, cells[i] === '+' ? ('pass' as const) : ('fail' as const)]),
      ),
      probes: {},
    });
    const groups = rankGroups([ev('a', 'x++'), ev('b', 'x++'), ev('c', '+xx'), ev('d', '+x+')], cases, {
      b4: { alphaXY: 1e3, beta0: 1e4 },
      agreement: 'off',
      temperature: 1,
    });
    assert.deepEqual(
      groups.map((g) => [g.members, g.trustedPassed]),
      [
        [['d'], 1],
        [['c'], 1],
        [['a', 'b'], 0],
      ],
    );
    close(groups[0].posterior + groups[1].posterior, 1);
    assert.equal(groups[2].posterior, 0);
  });
});
