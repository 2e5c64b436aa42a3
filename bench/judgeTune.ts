/**
 * The tuning grid behind QUORUM_SELECTION, run on the tuning half only (bench/judge.ts --tune).
 * The held-out half never reaches this file: the caller filters it out.
 */
import type { Calibration, SelectionParams } from '../src/core/judge/selection';
import { QUORUM_SELECTION, confidenceFeatures, rankGroups } from '../src/core/judge/selection';
import type { Row } from './judge';
import { expectedRight, quorumSelector, quorumVerdict } from './judgeSelectors';

const ALPHAS = [1, 10, 100, 1e3, 1e4];
const BETAS = [1e2, 1e3, 1e4, 1e5, 1e6];
const AGREEMENT: SelectionParams['agreement'][] = ['off', 'split', 'tiebreak'];
const TEMPERATURES = [1, 2, 5, 10, 20, 50, 100, 200, 500];

export function printTuning(rows: readonly Row[]): void {
  if (rows.some((r) => r.half !== 'tuning')) throw new Error('tuning must never see the held-out half');
  const oracle = rows.filter((r) => Object.values(r.passed).some(Boolean));
  const results: { params: SelectionParams; right: number }[] = [];
  for (const alphaXY of ALPHAS) {
    for (const beta0 of BETAS) {
      for (const agreement of AGREEMENT) {
        const params: SelectionParams = { b4: { alphaXY, beta0 }, agreement, temperature: 1 };
        const select = quorumSelector(params);
        const right = oracle.reduce(
          (s, r) => s + expectedRight(select(r.evidence, r.candidates), r.passed),
          0,
        );
        results.push({ params, right });
      }
    }
  }
  // Ties on the tuning half go to the paper's alpha_xy (1e3), then to the larger beta_0 (the
  // paper's range is 1e4..1e6), then to less machinery (agreement off).
  const order = { off: 0, tiebreak: 1, split: 2 };
  results.sort(
    (a, b) =>
      b.right - a.right ||
      Math.abs(Math.log10(a.params.b4.alphaXY) - 3) - Math.abs(Math.log10(b.params.b4.alphaXY) - 3) ||
      b.params.b4.beta0 - a.params.b4.beta0 ||
      order[a.params.agreement] - order[b.params.agreement],
  );
  console.log(
    `\ntuning grid (tuning half only, both variants together, ${oracle.length} oracle rows): best first`,
  );
  for (const r of results.slice(0, 12)) {
    console.log(`  ${r.right}/${oracle.length}  ${JSON.stringify(r.params)}`);
  }
  const base = { ...results[0].params, temperature: 1 };
  console.log(
    `chosen: ${JSON.stringify(base)} (QUORUM_SELECTION in use: ${JSON.stringify(QUORUM_SELECTION)})`,
  );
  console.log(
    `temperature for calibrated confidence (Brier score on all tuning rows, parameters ${JSON.stringify(base.b4)}):`,
  );
  for (const temperature of TEMPERATURES) {
    const params = { ...base, temperature };
    const brier =
      rows.reduce((s, r) => {
        const v = quorumVerdict(r.evidence, r.candidates, params);
        const right = r.passed[v.pick ?? ''] ? 1 : 0;
        return s + (v.confidence - right) ** 2;
      }, 0) / rows.length;
    console.log(`  T = ${String(temperature).padEnd(4)} Brier ${brier.toFixed(4)}`);
  }
  fitCalibration(rows, { ...base, temperature: QUORUM_SELECTION.temperature });
}

/** Logistic regression (Platt scaling) of "the pick was right" on the pick's evidence, tuning half only. */
function fitCalibration(rows: readonly Row[], params: SelectionParams): void {
  const data = rows.flatMap((r) => {
    const v = quorumVerdict(r.evidence, r.candidates, params);
    if (v.strategy !== 'cross-test') return [];
    const groups = rankGroups(
      r.evidence.outcomes.map((o) => o.evidence),
      r.evidence.cases,
      params,
    );
    const f = confidenceFeatures(groups[0], r.evidence.cases);
    return [
      { x: [1, f.posterior, f.allTrusted, f.trustedMissed, f.passed], y: r.passed[v.pick ?? ''] ? 1 : 0 },
    ];
  });
  const w = [0, 0, 0, 0, 0];
  const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
  for (let step = 0; step < 20_000; step++) {
    const grad = w.map((wi, j) => 0.01 * wi * (j === 0 ? 0 : 1));
    for (const { x, y } of data) {
      const p = sigmoid(x.reduce((s, xi, j) => s + xi * w[j], 0));
      x.forEach((xi, j) => (grad[j] += ((p - y) * xi) / data.length));
    }
    w.forEach((_, j) => (w[j] -= 0.5 * grad[j]));
  }
  const round = (v: number): number => Math.round(v * 100) / 100;
  const fitted: Calibration = {
    bias: round(w[0]),
    posterior: round(w[1]),
    allTrusted: round(w[2]),
    trustedMissed: round(w[3]),
    passed: round(w[4]),
  };
  const brier =
    data.reduce((s, { x, y }) => s + (sigmoid(x.reduce((t, xi, j) => t + xi * w[j], 0)) - y) ** 2, 0) /
    data.length;
  console.log(
    `calibration fitted on ${data.length} tuning rows (T = ${params.temperature}): ${JSON.stringify(fitted)}, Brier ${brier.toFixed(4)}`,
  );
}
