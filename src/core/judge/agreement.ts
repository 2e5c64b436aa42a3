import type { CellResult } from '../types';

/** What the cross-test says about one candidate: its pass row and its return values per case. */
export interface CaseEvidence {
  readonly id: string;
  /** cells[caseId] */
  readonly cells: Readonly<Record<string, CellResult>>;
  /** probes[caseId]: canonical return values on the case's calls (empty when not probed). */
  readonly probes: Readonly<Record<string, readonly string[]>>;
}

export interface AgreementGroup {
  readonly members: readonly string[];
  /** Cases every member passes. */
  readonly passed: readonly string[];
  readonly score: number;
}

/**
 * CodeT dual execution agreement: candidates that pass exactly the same set of cases form a
 * group scored |members| x |cases passed|. Best first; ties go to the bigger group, then to the
 * group whose first member comes first.
 */
export function codetGroups(evidence: readonly CaseEvidence[], caseIds: readonly string[]): AgreementGroup[] {
  const groups = new Map<string, { members: string[]; passed: string[] }>();
  for (const e of evidence) {
    const passed = caseIds.filter((k) => e.cells[k] === 'pass');
    const key = passed.join('\u0000');
    const group = groups.get(key) ?? { members: [], passed };
    group.members.push(e.id);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, score: g.members.length * g.passed.length }))
    .sort((a, b) => b.score - a.score || b.members.length - a.members.length);
}

/**
 * Functional agreement of two candidates: the share of cases, among those both were probed on,
 * where they returned the same values. Null when they share no probed case. Raising the same
 * exception counts as agreeing only when neither raised, so two crashes are not a consensus.
 */
export function functionalAgreement(
  a: CaseEvidence,
  b: CaseEvidence,
  caseIds: readonly string[],
): number | null {
  let shared = 0;
  let same = 0;
  for (const k of caseIds) {
    const pa = a.probes[k] ?? [];
    const pb = b.probes[k] ?? [];
    if (pa.length === 0 || pb.length === 0) continue;
    shared++;
    const crashed = pa.some((v) => v.startsWith('!')) || pb.some((v) => v.startsWith('!'));
    if (!crashed && pa.length === pb.length && pa.every((v, i) => v === pb[i])) same++;
  }
  return shared === 0 ? null : same / shared;
}

/**
 * Same behaviour: identical return values on every probed case and the same cell on every case.
 * Without probes (a language without them, a candidate that did not load) the cells alone decide,
 * which is CodeT's grouping by the set of cases passed.
 */
export function sameBehaviour(a: CaseEvidence, b: CaseEvidence, caseIds: readonly string[]): boolean {
  const agreement = functionalAgreement(a, b, caseIds);
  return (agreement === null || agreement === 1) && caseIds.every((k) => a.cells[k] === b.cells[k]);
}

/** Candidates with identical behaviour on every case (MBR-exec / AlphaCode clustering), in input order. */
export function behaviourClusters(evidence: readonly CaseEvidence[], caseIds: readonly string[]): string[][] {
  const clusters: CaseEvidence[][] = [];
  for (const e of evidence) {
    const home = clusters.find((c) => sameBehaviour(c[0], e, caseIds));
    if (home) home.push(e);
    else clusters.push([e]);
  }
  return clusters.map((c) => c.map((e) => e.id));
}
