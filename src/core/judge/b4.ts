/**
 * B4 (Chen et al., "B4: Towards Optimal Assessment of Plausible Code Solutions with Plausible
 * Tests", ASE 2024; replication code ZJU-CTAG/B4, strategy.py), ported from the paper's
 * formulation. Candidates are grouped by the set of cases they pass; each group is one hypothesis
 * "these candidates are the correct ones and the cases they pass are the correct cases", scored by
 * its log posterior under Beta priors:
 *   - how many candidates and how many cases are correct (Beta(alpha_xy, 1) each: most of both);
 *   - how often wrong code passes correct cases (uniform Beta(1, 1));
 *   - how often wrong code passes wrong cases (Beta(1, beta_0): rarely — two wrongs seldom agree).
 */

export interface B4Params {
  /** Prior weight that a candidate, or a case, is correct (paper: 1e3). */
  readonly alphaXY: number;
  /** Prior weight against wrong code passing a wrong case (paper's range: 1e4, 1e5, 1e6). */
  readonly beta0: number;
}

export const PAPER_B4: B4Params = { alphaXY: 1e3, beta0: 1e4 };

export interface B4Group {
  /** Row indices of the members, in input order. */
  readonly members: readonly number[];
  /** The pass set shared by the members (column indices). */
  readonly passed: readonly number[];
  readonly logPosterior: number;
}

/**
 * Groups of a 0/1 pass matrix `rows[candidate][case]`, best log posterior first (ties keep the
 * order in which the group's first member appears). `refine` may split a layout further (by
 * return values): members must share a pass set either way.
 */
export function b4Groups(
  rows: readonly (readonly boolean[])[],
  params: B4Params,
  refine?: (row: number) => string,
): B4Group[] {
  const n = rows.length;
  const m = n === 0 ? 0 : rows[0].length;
  const layouts = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = row.map((b) => (b ? '1' : '0')).join('') + (refine ? `|${refine(i)}` : '');
    const members = layouts.get(key) ?? [];
    members.push(i);
    layouts.set(key, members);
  });
  const groups: B4Group[] = [];
  for (const members of layouts.values()) {
    const y = rows[members[0]];
    const passed = y.flatMap((b, j) => (b ? [j] : []));
    const inGroup = new Set(members);
    // Passes of the other candidates on the group's cases (E1) and on the rest (E0).
    let e1 = 0;
    let e0 = 0;
    for (let i = 0; i < n; i++) {
      if (inGroup.has(i)) continue;
      for (let j = 0; j < m; j++) {
        if (!rows[i][j]) continue;
        if (y[j]) e1++;
        else e0++;
      }
    }
    const others = n - members.length;
    const n1 = others * passed.length;
    const n0 = others * (m - passed.length);
    const logPosterior =
      bernoulliBeta(passed.length, m, params.alphaXY, 1) +
      bernoulliBeta(members.length, n, params.alphaXY, 1) +
      bernoulliBeta(e1, n1, 1, 1) +
      bernoulliBeta(e0, n0, 1, params.beta0);
    groups.push({ members, passed, logPosterior });
  }
  return groups.sort((a, b) => b.logPosterior - a.logPosterior || a.members[0] - b.members[0]);
}

/** log of the Beta-Bernoulli marginal likelihood up to a constant: ln B(k + alpha, n - k + beta). */
export function bernoulliBeta(k: number, n: number, alpha: number, beta: number): number {
  return logBeta(k + alpha, n - k + beta);
}

export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15, enough for posteriors). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Posterior probabilities of groups from their log posteriors, tempered by `temperature`. */
export function normalise(logPosteriors: readonly number[], temperature = 1): number[] {
  if (logPosteriors.length === 0) return [];
  const top = Math.max(...logPosteriors);
  const weights = logPosteriors.map((lp) => Math.exp((lp - top) / temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}
