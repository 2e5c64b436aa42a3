import type { CaseEvidence } from './agreement';
import { behaviourClusters, functionalAgreement } from './agreement';

export interface CrossTestScore {
  readonly id: string;
  /** 0..1 (plus a hair of agreement), comparable across the candidates of one verdict only. */
  readonly score: number;
  /** Share of the cases passed. */
  readonly tests: number;
  /** Cases where the candidate's own code raised or hung (not a failed assertion). */
  readonly crashes: number;
  /** Mean functional agreement with the other candidates, null when nothing was probed. */
  readonly agreement: number | null;
  /** Other candidates that behave identically on every case. */
  readonly twins: number;
}

/** A crash or hang is the candidate's fault; a failed assertion may be the test's. */
export const CRASH_PENALTY = 0.5;
/** A candidate whose own program does not run cleanly keeps half its score. */
export const LOAD_FAILURE_FACTOR = 0.5;
/** Functional agreement only separates otherwise equal candidates. */
const AGREEMENT_TIE_WEIGHT = 1e-3;

/**
 * Quorum's cross-test ranking, CodeT's dual execution agreement made sharper:
 *  - candidates are grouped by behaviour, not only by the set of cases passed: identical cells
 *    AND identical return values on the tests' inputs (AlphaCode / MBR-exec clustering), so two
 *    programs that pass the same tests but compute different things are not counted as agreeing;
 *  - score = (cases passed - 0.5 x cases the candidate crashed or hung on) / cases
 *            x (cluster size / candidates) x (0.5 when its own program failed),
 *    because generated tests are often wrong but a crash is always the code's fault;
 *  - mean functional agreement with everyone else breaks remaining ties.
 * Measured on the dev set (bench/judge.ts): weighting cases by how many candidates pass them and
 * a soft (fractional-agreement) group size both did worse than this, so neither is used.
 */
export function crossTestScores(
  evidence: readonly CaseEvidence[],
  caseIds: readonly string[],
  loaded: (id: string) => boolean,
): CrossTestScore[] {
  const clusters = behaviourClusters(evidence, caseIds);
  const n = Math.max(1, evidence.length);
  const total = Math.max(1, caseIds.length);
  return evidence.map((e) => {
    const passed = caseIds.filter((k) => e.cells[k] === 'pass').length;
    const crashes = caseIds.filter((k) => e.cells[k] === 'error' || e.cells[k] === 'timeout').length;
    const size = clusters.find((c) => c.includes(e.id))?.length ?? 1;
    const others = evidence.filter((o) => o.id !== e.id);
    const known = others
      .map((o) => functionalAgreement(e, o, caseIds))
      .filter((a): a is number => a !== null);
    const agreement = known.length === 0 ? null : known.reduce((s, a) => s + a, 0) / others.length;
    const base = Math.max(0, (passed - CRASH_PENALTY * crashes) / total) * (size / n);
    const score = base * (loaded(e.id) ? 1 : LOAD_FAILURE_FACTOR) + AGREEMENT_TIE_WEIGHT * (agreement ?? 0);
    return { id: e.id, score, tests: passed / total, crashes, agreement, twins: size - 1 };
  });
}
