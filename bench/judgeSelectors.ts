/**
 * The selectors bench/judge.ts compares on one pass matrix. Each returns, per candidate, the
 * probability that it is the one picked (a baseline that picks at random among tied candidates
 * is scored by its expected value, as in the B4 and CodeT papers; Quorum's judge picks one).
 * The baselines see the models' tests and the user's examples only, never the judge's generated
 * inputs (which have no expected values: every candidate that returns would "pass" them).
 */
import { codetGroups } from '../src/core/judge/agreement';
import type { B4Params } from '../src/core/judge/b4';
import { b4Groups } from '../src/core/judge/b4';
import type { JudgeEvidence } from '../src/core/judge/evidence';
import type { SelectionParams } from '../src/core/judge/selection';
import { QUORUM_SELECTION, rankGroups } from '../src/core/judge/selection';
import { decideVerdict, withoutGenerated } from '../src/core/judge/strategies';
import type { JudgeCandidate, Verdict } from '../src/core/types';

export type Pick = Readonly<Record<string, number>>;
export type Selector = (e: JudgeEvidence, candidates: readonly JudgeCandidate[]) => Pick;

const uniform = (ids: readonly string[]): Pick => Object.fromEntries(ids.map((id) => [id, 1 / ids.length]));
const one = (id: string | null | undefined): Pick => (id ? { [id]: 1 } : {});

export const randomPick: Selector = (_e, candidates) => uniform(candidates.map((c) => c.id));

export const firstThatRuns: Selector = (e, candidates) =>
  one(e.outcomes.find((o) => o.outcome === 'ok')?.id ?? candidates[0]?.id);

/** CodeT (Chen et al. 2022) per single assertion: group by pass set, score |members| x |passed|. */
export const codetCases: Selector = (withGenerated, candidates) => {
  const e = withoutGenerated(withGenerated);
  const groups = codetGroups(
    e.outcomes.map((o) => o.evidence),
    e.cases.map((c) => c.id),
  );
  const best = groups[0]?.score ?? 0;
  const tied = groups.filter((g) => g.score === best).flatMap((g) => g.members);
  return tied.length > 0 ? uniform(tied) : uniform(candidates.map((c) => c.id));
};

/** B4 as in the paper's strategy.py: the same matrix, the top posterior group(s), a member at random. */
export function b4Selector(params: B4Params): Selector {
  return (withGenerated, candidates) => {
    const e = withoutGenerated(withGenerated);
    const ids = e.cases.map((c) => c.id);
    const rows = e.outcomes.map((o) => ids.map((k) => o.evidence.cells[k] === 'pass'));
    const groups = b4Groups(rows, params);
    const best = groups[0]?.logPosterior;
    const tied = groups.filter((g) => g.logPosterior === best).flatMap((g) => g.members);
    return tied.length > 0
      ? uniform(tied.map((i) => e.outcomes[i].id))
      : uniform(candidates.map((c) => c.id));
  };
}

/** Quorum's judge: exactly the verdict the product gives on this evidence. */
export function quorumSelector(params?: SelectionParams): Selector {
  return (e, candidates) => one(quorumVerdict(e, candidates, params).pick);
}

/**
 * Ablation: Quorum's ranking of groups, but a member of the chosen group at random, i.e. without
 * the within-group tie rules (ran, stderr, latency, shorter code), which predate the split.
 */
export function quorumGroupAtRandom(params: SelectionParams = QUORUM_SELECTION): Selector {
  return (e, candidates) => {
    const v = quorumVerdict(e, candidates, params);
    if (v.strategy !== 'cross-test') return one(v.pick);
    const groups = rankGroups(
      e.outcomes.map((o) => o.evidence),
      e.cases,
      params,
    );
    return uniform(groups[0].members);
  };
}

export function quorumVerdict(
  e: JudgeEvidence,
  candidates: readonly JudgeCandidate[],
  params?: SelectionParams,
): Verdict {
  return decideVerdict(e, { candidates }, params);
}

/** Expected correctness of a pick under the reference test's results. */
export function expectedRight(pick: Pick, passed: Readonly<Record<string, boolean>>): number {
  return Object.entries(pick).reduce((sum, [id, p]) => sum + (passed[id] ? p : 0), 0);
}
