import type { JudgeCandidate, RankEntry, Verdict, VerdictStrategy } from '../types';
import type { CrossTestScore } from './crossTestScore';
import { crossTestScores } from './crossTestScore';
import type { CandidateOutcome, JudgeEvidence, RunOutcome } from './evidence';
import { clusterOutputs } from './outputConsensus';

/** Lower is less bad: what the fallback prefers when nothing ran. */
export const SEVERITY: Readonly<Record<RunOutcome, number>> = {
  ok: 0,
  'compile-error': 1,
  'runtime-error': 2,
  timeout: 3,
};

interface Scored {
  readonly outcome: CandidateOutcome;
  readonly candidate: JudgeCandidate;
  readonly index: number;
  readonly score: number;
  readonly passed: number;
}

/**
 * The deterministic verdict, strategies tried in order: cross-test (when test cases exist and
 * any candidate passes one), consensus of outputs, the only one that ran, the best available,
 * and the labelled fallback when nothing ran.
 */
export function decideVerdict(
  evidence: JudgeEvidence,
  input: { readonly candidates: readonly JudgeCandidate[] },
): Verdict {
  const caseIds = evidence.cases.map((c) => c.id);
  const byId = new Map(input.candidates.map((c, i) => [c.id, { c, i }]));
  const ok = evidence.outcomes.filter((o) => o.outcome === 'ok');
  const clusters = clusterOutputs(ok);
  const agreeing = new Map(clusters.flatMap((cl) => cl.map((id) => [id, cl.length - 1] as const)));
  const others = Math.max(1, evidence.outcomes.length - 1);
  const passedOf = (o: CandidateOutcome): number =>
    caseIds.filter((k) => o.evidence.cells[k] === 'pass').length;
  const withMatrix = caseIds.length > 0 && evidence.outcomes.some((o) => passedOf(o) > 0);
  const cross = withMatrix
    ? new Map(
        crossTestScores(
          evidence.outcomes.map((o) => o.evidence),
          caseIds,
          (id) => evidence.outcomes.find((o) => o.id === id)?.outcome === 'ok',
        ).map((s) => [s.id, s]),
      )
    : null;
  const maxStderr = Math.max(1, ...evidence.outcomes.map((o) => o.stderrBytes));
  const maxLatency = Math.max(1, ...input.candidates.map((c) => c.latencyMs ?? 0));
  const maxSize = Math.max(1, ...input.candidates.map((c) => c.code.length));

  const scored: Scored[] = evidence.outcomes.map((outcome) => {
    const { c: candidate, i: index } = byId.get(outcome.id) ?? {
      c: { id: outcome.id, model: '', code: '' },
      i: 0,
    };
    const passed = passedOf(outcome);
    const ran = outcome.outcome === 'ok' ? 1 : 0;
    // With tests, the cross-test score is the evidence (it already halves a candidate that did
    // not run) and the tie rules below only order exact ties. Without tests: running counts
    // most, then agreeing output; noise, latency and size separate near-equals.
    const score = cross
      ? (cross.get(outcome.id)?.score ?? 0)
      : 0.5 * ran +
        (0.4 * (agreeing.get(outcome.id) ?? 0)) / others +
        0.05 * (1 - outcome.stderrBytes / maxStderr) +
        0.025 * (1 - (candidate.latencyMs ?? 0) / maxLatency) +
        0.025 * (1 - candidate.code.length / maxSize);
    return { outcome, candidate, index, score, passed };
  });
  const ranking = [...scored].sort(compareScored);
  const strategyOf = (): { strategy: VerdictStrategy; top: Scored | undefined } => {
    if (cross) return { strategy: 'cross-test', top: ranking[0] };
    const biggest = clusters[0];
    if (biggest && biggest.length >= 2) {
      const inside = ranking.filter((s) => biggest.includes(s.outcome.id));
      return { strategy: 'consensus', top: inside[0] };
    }
    if (ok.length === 1)
      return { strategy: 'high-confidence', top: ranking.find((s) => s.outcome.outcome === 'ok') };
    if (ok.length > 1) return { strategy: 'best-available', top: ranking[0] };
    const leastBad = [...scored].sort(
      (a, b) => SEVERITY[a.outcome.outcome] - SEVERITY[b.outcome.outcome] || compareScored(a, b),
    );
    return { strategy: 'fallback', top: leastBad[0] };
  };
  const { strategy, top } = strategyOf();
  const entries: RankEntry[] = ranking.map((s) => ({
    id: s.outcome.id,
    score: Math.round(s.score * 1000) / 1000,
    ran: s.outcome.outcome === 'ok',
    testsPassed: s.passed,
    testsTotal: caseIds.length,
  }));
  return {
    pick: top?.outcome.id ?? null,
    strategy,
    confidence: confidenceOf(strategy, top, ranking, cross?.get(top?.outcome.id ?? '')?.score),
    ranking: entries,
    reasons: reasonsFor(strategy, top, ranking, clusters, caseIds.length, cross),
    unverified: strategy === 'fallback',
    matrix: evidence.matrix,
  };
}

/** Tie rules: score, then ran, then less stderr, then faster model, then shorter code, then input order. */
export function compareScored(a: Scored, b: Scored): number {
  return (
    b.score - a.score ||
    Number(b.outcome.outcome === 'ok') - Number(a.outcome.outcome === 'ok') ||
    a.outcome.stderrBytes - b.outcome.stderrBytes ||
    (a.candidate.latencyMs ?? 0) - (b.candidate.latencyMs ?? 0) ||
    a.candidate.code.length - b.candidate.code.length ||
    a.index - b.index
  );
}

function confidenceOf(
  strategy: VerdictStrategy,
  top: Scored | undefined,
  ranking: readonly Scored[],
  crossScore?: number,
): number {
  if (!top) return 0;
  const runnerUp = ranking.find((s) => s !== top);
  const margin = runnerUp ? Math.max(0, top.score - runnerUp.score) : top.score;
  const base: Record<VerdictStrategy, number> = {
    'cross-test': 0.5 + 0.4 * (crossScore ?? 0),
    consensus: 0.75,
    'high-confidence': 0.7,
    'best-available': 0.4,
    fallback: 0.1,
  };
  return Math.round(Math.min(1, base[strategy] + 0.1 * Math.min(1, margin * 4)) * 100) / 100;
}

function reasonsFor(
  strategy: VerdictStrategy,
  top: Scored | undefined,
  ranking: readonly Scored[],
  clusters: readonly string[][],
  totalCases: number,
  cross: ReadonlyMap<string, CrossTestScore> | null,
): string[] {
  if (!top) return ['No candidates to judge.'];
  const id = top.outcome.id;
  const reasons: string[] = [];
  if (strategy === 'cross-test') {
    const s = cross?.get(id);
    const crashed = s && s.crashes > 0 ? `, and crashes or hangs on ${s.crashes}` : '';
    reasons.push(`${id} passes ${top.passed}/${totalCases} test cases written by the models${crashed}.`);
    if (s) {
      reasons.push(
        s.twins > 0
          ? `${s.twins + 1} candidates behave identically on every case (same results, same return values).`
          : 'No other candidate behaves identically on every case.',
      );
    }
    if (s?.agreement != null) {
      reasons.push(
        `On the tests' inputs it returns the same values as the others ${(s.agreement * 100).toFixed(0)}% of the time.`,
      );
    }
    if (top.outcome.outcome !== 'ok')
      reasons.push(`Its own run failed (${top.outcome.detail}); tests still favour it.`);
  } else if (strategy === 'consensus') {
    const cluster = clusters[0] ?? [];
    reasons.push(
      `${cluster.length} candidates (${cluster.join(', ')}) print the same output; ${id} scores best among them.`,
    );
  } else if (strategy === 'high-confidence') {
    reasons.push(`${id} is the only candidate that ran successfully.`);
  } else if (strategy === 'best-available') {
    reasons.push(`Several candidates ran but their outputs disagree; ${id} has the best score.`);
  } else {
    reasons.push(
      `Nothing ran successfully: ${id} is the least severe failure (${top.outcome.outcome}). UNVERIFIED.`,
    );
  }
  const tied = ranking.filter((s) => s !== top && s.score === top.score).map((s) => s.outcome.id);
  if (tied.length > 0 && strategy !== 'fallback') {
    reasons.push(
      `Tied on score with ${tied.join(', ')}; the tie rules (ran, less stderr, faster model, shorter code, order) pick ${id}.`,
    );
  }
  const failed = ranking
    .filter((s) => s.outcome.outcome !== 'ok')
    .map((s) => `${s.outcome.id} (${s.outcome.outcome})`);
  if (failed.length > 0 && strategy !== 'fallback') reasons.push(`Did not run: ${failed.join(', ')}.`);
  return reasons;
}
