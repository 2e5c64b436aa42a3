import type { CaseEvidence } from './agreement';
import type { JudgeCase } from './testCases';

/**
 * Candidates judged by behaviour on generated inputs (MBR-exec, Shi et al. 2022; AlphaCode's
 * clustering, Li et al. 2022): what each candidate returns or raises on every generated input is
 * its signature; candidates with the same signature form a class; the largest class among the
 * candidates that pass the most of the user's examples wins. A generated input has no expected
 * value, so it never outranks an example: the examples filter first, behaviour only ranks what
 * they allow.
 */
export interface BehaviourParams {
  /**
   * An input counts only when at least this share of the candidates that loaded return a value
   * on it (not raise or hang): others are probably outside the function's domain, where
   * implementations differ in which error they raise, not in what they compute.
   */
  readonly validShare: number;
  /**
   * `cluster`: the biggest class wins (ties: the soft agreement below); `mbr`: the candidate that
   * agrees most with all others, input by input (MBR-exec's expected match), wins.
   */
  readonly rule: 'cluster' | 'mbr';
}

export interface BehaviourClass {
  readonly members: readonly string[];
  /** Trusted cases (the user's examples) every member passes. */
  readonly trustedPassed: number;
  /** Written asserts (a model's expected values, writtenTests.ts) its first member passes. */
  readonly writtenPassed: number;
  /** Mean, over members, of their summed agreement with every other loaded candidate (MBR score). */
  readonly support: number;
}

export interface BehaviourJudgement {
  /** Classes of the eligible candidates (most trusted cases passed), best first. */
  readonly classes: readonly BehaviourClass[];
  /** Candidates that loaded; the others cannot be judged by behaviour. */
  readonly loaded: number;
  /** Loaded candidates passing as many trusted cases as the best one. */
  readonly eligible: number;
  readonly trustedTotal: number;
  /** Written asserts run, and the model that wrote them (undefined: none). */
  readonly writtenTotal: number;
  readonly writtenBy?: string;
  /** Generated inputs run, and those that count (see `validShare`). */
  readonly inputs: number;
  readonly validInputs: number;
  /** Valid inputs on which the eligible candidates do not all agree. */
  readonly splitting: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourParams = { validShare: 0.5, rule: 'cluster' };

/** What a candidate did on one case: its probed return value, `!Error` for a raise, `!Timeout`. */
export function behaviourOn(e: CaseEvidence, caseId: string): string {
  const probe = e.probes[caseId]?.[0];
  if (probe !== undefined) return probe;
  const cell = e.cells[caseId];
  return cell === 'timeout' ? '!Timeout' : cell === 'pass' ? '' : '!Error';
}

const returned = (v: string): boolean => !v.startsWith('!');

/**
 * Ranks the loaded candidates by behaviour; null when there is nothing to judge by (no generated
 * case, or no candidate loaded).
 */
export function judgeByBehaviour(
  evidence: readonly CaseEvidence[],
  loadedIds: ReadonlySet<string>,
  cases: readonly JudgeCase[],
  params: BehaviourParams = DEFAULT_BEHAVIOUR,
): BehaviourJudgement | null {
  const generated = cases.filter((c) => c.generated).map((c) => c.id);
  const trusted = cases.filter((c) => c.trusted).map((c) => c.id);
  const written = cases.filter((c) => c.writtenBy !== undefined);
  const loaded = evidence.filter((e) => loadedIds.has(e.id));
  if (generated.length === 0 || loaded.length === 0) return null;
  const valid = generated.filter(
    (k) => loaded.filter((e) => returned(behaviourOn(e, k))).length >= params.validShare * loaded.length,
  );
  const sig = new Map(loaded.map((e) => [e.id, valid.map((k) => behaviourOn(e, k))]));
  const trustedOf = (e: CaseEvidence): number => trusted.filter((k) => e.cells[k] === 'pass').length;
  const best = Math.max(...loaded.map(trustedOf));
  const eligible = loaded.filter((e) => trustedOf(e) === best);
  const agreement = (a: string, b: string): number => {
    const x = sig.get(a) ?? [];
    const y = sig.get(b) ?? [];
    if (x.length === 0) return 1;
    let same = 0;
    for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same++;
    return same / x.length;
  };
  const supportOf = (id: string): number =>
    loaded.reduce((s, o) => (o.id === id ? s : s + agreement(id, o.id)), 0);
  const byKey = new Map<string, string[]>();
  for (const e of eligible) {
    const key = (sig.get(e.id) ?? []).join('\u0001');
    byKey.set(key, [...(byKey.get(key) ?? []), e.id]);
  }
  const order = new Map(evidence.map((e, i) => [e.id, i]));
  const byId = new Map(evidence.map((e) => [e.id, e]));
  const writtenOf = (id: string): number =>
    written.filter((c) => byId.get(id)?.cells[c.id] === 'pass').length;
  const classes = [...byKey.values()].map((members) => ({
    members,
    trustedPassed: best,
    writtenPassed: writtenOf(members[0]),
    support: members.reduce((s, id) => s + supportOf(id), 0) / members.length,
  }));
  // Written asserts weigh a class as CodeT's dual agreement does: its size (`cluster`) or its
  // agreement with the others plus one (`mbr`), times one plus the asserts it passes. Without them
  // the order is the plain one; the examples filtered first either way.
  const weight = (c: BehaviourClass): number => 1 + c.writtenPassed;
  const dual = (c: BehaviourClass): number =>
    (params.rule === 'cluster' ? c.members.length : 1 + c.support) * weight(c);
  classes.sort(
    (a, b) =>
      (written.length > 0 ? dual(b) - dual(a) : 0) ||
      (params.rule === 'cluster' ? b.members.length - a.members.length : 0) ||
      b.support - a.support ||
      b.members.length - a.members.length ||
      (order.get(a.members[0]) ?? 0) - (order.get(b.members[0]) ?? 0),
  );
  const first = sig.get(eligible[0]?.id ?? '') ?? [];
  const splitting = valid.filter((_, i) =>
    eligible.some((e) => (sig.get(e.id) ?? [])[i] !== first[i]),
  ).length;
  return {
    classes,
    loaded: loaded.length,
    eligible: eligible.length,
    trustedTotal: trusted.length,
    writtenTotal: written.length,
    ...(written[0]?.writtenBy ? { writtenBy: written[0].writtenBy } : {}),
    inputs: generated.length,
    validInputs: valid.length,
    splitting,
  };
}

/** What the confidence of a behaviour pick is computed from (calibration.ts maps it to a probability). */
export function behaviourFeatures(j: BehaviourJudgement): Record<string, number> {
  const top = j.classes[0];
  const second = j.classes[1];
  const size = top?.members.length ?? 0;
  return {
    share: size / Math.max(1, j.loaded),
    margin: (size - (second?.members.length ?? 0)) / Math.max(1, j.loaded),
    support: (top?.support ?? 0) / Math.max(1, j.loaded - 1),
    allTrusted: j.trustedTotal > 0 && top?.trustedPassed === j.trustedTotal ? 1 : 0,
    trustedMissed: j.trustedTotal > 0 && (top?.trustedPassed ?? 0) < j.trustedTotal ? 1 : 0,
    alone: size === 1 ? 1 : 0,
    noSplit: j.splitting === 0 ? 1 : 0,
  };
}
