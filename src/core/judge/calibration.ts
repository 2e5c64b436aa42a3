/**
 * Calibration of the verdict's confidence (issue 28): the confidence shown is meant as the
 * probability that the pick is right. Logistic maps from a verdict's evidence features to that
 * probability are fitted on the benchmarks' tuning halves (bench/judge.ts, bench/judgeMixed.ts)
 * and checked on the other halves with the expected calibration error (ECE) and reliability bins.
 * Pure: no I/O.
 */

/** Which evidence a verdict had: each has its own map. */
export type ConfidenceMode =
  /** No tests, no examples: behaviour on generated inputs only. */
  | 'generated'
  /** The user's examples (trusted cases), with generated inputs beside them. */
  | 'examples'
  /** The models' tests (cross-test), with or without the user's examples. */
  | 'tests';

/** A logistic map: p = sigmoid(bias + sum of weight x feature); missing features count as 0. */
export interface ConfidenceMap {
  readonly bias: number;
  readonly weights: Readonly<Record<string, number>>;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function applyMap(map: ConfidenceMap, features: Readonly<Record<string, number>>): number {
  let z = map.bias;
  for (const [k, w] of Object.entries(map.weights)) z += w * (features[k] ?? 0);
  return sigmoid(z);
}

export interface Labelled {
  readonly features: Readonly<Record<string, number>>;
  /** 1 when the pick passed the reference test. */
  readonly right: number;
}

/**
 * Fits a logistic map by Newton's method with an L2 penalty on the weights (not the bias), so a
 * feature that is constant or rare on the tuning half stays near 0 instead of running off.
 */
export function fitMap(
  data: readonly Labelled[],
  featureNames: readonly string[],
  options: { readonly l2?: number; readonly iterations?: number } = {},
): ConfidenceMap {
  const l2 = options.l2 ?? 1;
  const d = featureNames.length + 1;
  const x = data.map((r) => [1, ...featureNames.map((f) => r.features[f] ?? 0)]);
  const y = data.map((r) => r.right);
  const w = new Array<number>(d).fill(0);
  for (let it = 0; it < (options.iterations ?? 50); it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(x[i].reduce((s, v, j) => s + v * w[j], 0));
      const q = Math.max(1e-9, p * (1 - p));
      for (let a = 0; a < d; a++) {
        grad[a] += (p - y[i]) * x[i][a];
        for (let b = 0; b < d; b++) hess[a][b] += q * x[i][a] * x[i][b];
      }
    }
    for (let a = 1; a < d; a++) {
      grad[a] += l2 * w[a];
      hess[a][a] += l2;
    }
    hess[0][0] += 1e-6;
    const step = solve(hess, grad);
    if (!step) break;
    let moved = 0;
    for (let a = 0; a < d; a++) {
      w[a] -= step[a];
      moved = Math.max(moved, Math.abs(step[a]));
    }
    if (moved < 1e-9) break;
  }
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    bias: round(w[0]),
    weights: Object.fromEntries(featureNames.map((f, j) => [f, round(w[j + 1])])),
  };
}

/** Gaussian elimination with partial pivoting; null when singular. */
function solve(a: readonly number[][], b: readonly number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

export interface ReliabilityBin {
  /** [lo, hi) of confidence; the last bin includes 1. */
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Mean confidence and share right of the picks in the bin (null when empty). */
  readonly confidence: number | null;
  readonly accuracy: number | null;
}

export interface CalibrationReport {
  /** Expected calibration error: sum over bins of |accuracy - confidence| x share of picks. */
  readonly ece: number;
  readonly bins: readonly ReliabilityBin[];
  readonly count: number;
  /** Mean squared error of the confidence against right (0/1). */
  readonly brier: number;
}

/** ECE and reliability bins over `binCount` equal-width bins of [0, 1] (default 10). */
export function calibrationReport(
  points: readonly { readonly confidence: number; readonly right: number | boolean }[],
  binCount = 10,
): CalibrationReport {
  const bins = Array.from({ length: binCount }, (_, i) => ({
    lo: i / binCount,
    hi: (i + 1) / binCount,
    n: 0,
    sumP: 0,
    sumY: 0,
  }));
  let brier = 0;
  for (const p of points) {
    if (!(p.confidence >= 0 && p.confidence <= 1))
      throw new Error(`confidence ${p.confidence} is not in [0, 1]`);
    const y = Number(p.right);
    const b = bins[Math.min(binCount - 1, Math.floor(p.confidence * binCount))];
    b.n++;
    b.sumP += p.confidence;
    b.sumY += y;
    brier += (p.confidence - y) ** 2;
  }
  const total = points.length;
  const ece = bins.reduce(
    (s, b) => (b.n === 0 ? s : s + (Math.abs(b.sumY / b.n - b.sumP / b.n) * b.n) / total),
    0,
  );
  return {
    ece: total === 0 ? 0 : ece,
    count: total,
    brier: total === 0 ? 0 : brier / total,
    bins: bins.map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.n,
      confidence: b.n === 0 ? null : b.sumP / b.n,
      accuracy: b.n === 0 ? null : b.sumY / b.n,
    })),
  };
}

/** A reliability diagram (accuracy against confidence per bin, the diagonal is perfect) as SVG. */
export function reliabilitySvg(
  series: readonly { readonly name: string; readonly report: CalibrationReport }[],
): string {
  const size = 320;
  const pad = 40;
  const plot = size - 2 * pad;
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
  const X = (v: number): number => pad + v * plot;
  const Y = (v: number): number => size - pad - v * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size + 160}" height="${size}" viewBox="0 0 ${size + 160} ${size}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<rect x="${X(0)}" y="${Y(1)}" width="${plot}" height="${plot}" fill="none" stroke="#333"/>`,
  ];
  for (let t = 0; t <= 1.0001; t += 0.25) {
    parts.push(`<text x="${X(t)}" y="${Y(0) + 14}" text-anchor="middle">${t.toFixed(2)}</text>`);
    parts.push(`<text x="${X(0) - 6}" y="${Y(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`);
  }
  parts.push(`<text x="${X(0.5)}" y="${size - 6}" text-anchor="middle">confidence shown</text>`);
  parts.push(
    `<text x="12" y="${Y(0.5)}" text-anchor="middle" transform="rotate(-90 12 ${Y(0.5)})">share of picks right</text>`,
  );
  series.forEach((s, i) => {
    const colour = colours[i % colours.length];
    const pts = s.report.bins.filter((b) => b.count > 0);
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts
        .map((b) => `${X(b.confidence ?? 0).toFixed(1)},${Y(b.accuracy ?? 0).toFixed(1)}`)
        .join(' ')}"/>`,
    );
    for (const b of pts) {
      const r = Math.max(2, Math.min(8, Math.sqrt(b.count)));
      parts.push(
        `<circle cx="${X(b.confidence ?? 0).toFixed(1)}" cy="${Y(b.accuracy ?? 0).toFixed(1)}" r="${r.toFixed(1)}" fill="${colour}" fill-opacity="0.6"/>`,
      );
    }
    parts.push(
      `<text x="${size + 4}" y="${pad + 16 * i}" fill="${colour}">${escapeXml(s.name)} (n ${s.report.count}, ECE ${s.report.ece.toFixed(3)})</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}

/**
 * The maps the verdict uses, fitted on the tuning halves only (bench/judgeMixed.ts --fit prints
 * them; the `tests` map is selection.ts's QUORUM_SELECTION.calibration, from bench/judge.ts
 * --tune). Held-out ECE is in docs/benchmarks.md.
 */
export const CONFIDENCE_MAPS: Readonly<Record<BehaviourMode, ConfidenceMap>> = {
  generated: { bias: -1.417, weights: { share: 0.695, margin: 0.972, support: 1.814 } },
  examples: { bias: 0.368, weights: { share: 0.632, margin: 1.035, support: 0.892, trustedMissed: -2.857 } },
};

/** The modes judged by behaviour on generated inputs; `tests` uses selection.ts's map. */
export type BehaviourMode = Exclude<ConfidenceMode, 'tests'>;

/** Feature names each behaviour map reads (what bench/judgeMixed.ts --fit fits). */
export const MAP_FEATURES: Readonly<Record<BehaviourMode, readonly string[]>> = {
  generated: ['share', 'margin', 'support'],
  examples: ['share', 'margin', 'support', 'trustedMissed'],
};
