import type { CaseEvidence } from './agreement';
import { caseWeights, functionalAgreement } from './agreement';

export interface CrossTestScore {
  readonly id: string;
  /** 0..1, comparable across candidates of one verdict only. */
  readonly score: number;
  /** Weighted share of the cases passed. */
  readonly tests: number;
  /** Mean functional agreement with the other candidates, null when nothing was probed. */
  readonly agreement: number | null;
  /** How many other candidates behave identically on every probed case. */
  readonly twins: number;
}

/**
 * Quorum's cross-test ranking. CodeT's insight is that a candidate is trusted when many
 * candidates AND many tests agree with it; its weakness is that generated tests are often wrong,
 * and one wrong assertion splits the right candidates into different groups. So:
 *  - each case is weighted by the share of candidates that pass it (a test nobody passes is
 *    more likely wrong than all the code), and
 *  - candidates are also compared with each other on the tests' inputs (the values their
 *    functions return), which needs no expected value at all.
 * The score is the weighted pass share times (1 + the candidate's support: its mean agreement with
 * the others), so agreement breaks ties between equally tested candidates and can lift a correct
 * candidate over one that fits a wrong test.
 */
export function crossTestScores(
  evidence: readonly CaseEvidence[],
  caseIds: readonly string[],
): CrossTestScore[] {
  const weights = caseWeights(evidence, caseIds);
  const totalWeight = caseIds.reduce((sum, k) => sum + weights[k], 0);
  return evidence.map((e) => {
    const tests =
      totalWeight === 0
        ? 0
        : caseIds.reduce((sum, k) => sum + (e.cells[k] === 'pass' ? weights[k] : 0), 0) / totalWeight;
    const others = evidence.filter((o) => o.id !== e.id);
    const agreements = others.map((o) => functionalAgreement(e, o, caseIds));
    const known = agreements.filter((a): a is number => a !== null);
    const agreement = known.length === 0 ? null : known.reduce((s, a) => s + a, 0) / others.length;
    const twins = agreements.filter((a) => a === 1).length;
    const support = agreement ?? 0;
    return {
      id: e.id,
      score: (tests + AGREEMENT_WEIGHT * support) / (1 + AGREEMENT_WEIGHT),
      tests,
      agreement,
      twins,
    };
  });
}

/** How much behaving like the others counts beside passing the weighted tests. */
export const AGREEMENT_WEIGHT = 1;
