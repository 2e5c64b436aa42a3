import type { JudgeCandidate, RankEntry, Verdict, VerdictEvidence, VerdictStrategy } from '../types';
import type { CandidateOutcome, JudgeEvidence, RunOutcome } from './evidence';
import { clusterOutputs } from './outputConsensus';
import type { RankedGroup, SelectionParams } from './selection';
import { QUORUM_SELECTION, calibratedConfidence, rankGroups } from './selection';
import type { BehaviourJudgement } from './behaviourClusters';
import { DEFAULT_BEHAVIOUR, behaviourFeatures, judgeByBehaviour } from './behaviourClusters';
import type { BehaviourMode } from './calibration';
import { CONFIDENCE_MAPS, applyMap } from './calibration';

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
  /** Rank of the candidate's cross-test group (0 without tests). */
  readonly rank: number;
}

/** What every stage of the verdict reads: the cases, the agreeing outputs, the cross-test groups. */
interface VerdictBasis {
  readonly caseIds: readonly string[];
  readonly ok: readonly CandidateOutcome[];
  /** Candidates that ran and print the same output, biggest cluster first. */
  readonly clusters: string[][];
  /** Cross-test groups, best first; null when no test case exists or no candidate passes one. */
  readonly groups: readonly RankedGroup[] | null;
  readonly groupOf: ReadonlyMap<string, { readonly g: RankedGroup; readonly rank: number }>;
}

/**
 * The deterministic verdict, strategies tried in order: cross-test (when test cases exist and
 * any candidate passes one), consensus of outputs, the only one that ran, the best available,
 * and the labelled fallback when nothing ran.
 */
export function decideVerdict(
  evidence: JudgeEvidence,
  input: { readonly candidates: readonly JudgeCandidate[] },
  params: SelectionParams = QUORUM_SELECTION,
): Verdict {
  const generated = evidence.cases.filter((c) => c.generated);
  if (generated.length > 0) {
    const byBehaviour = behaviourVerdict(evidence, input, params);
    if (byBehaviour) return byBehaviour;
    evidence = withoutGenerated(evidence);
  }
  const basis = verdictBasis(evidence, params);
  const scored = scoreOutcomes(basis, evidence, input.candidates);
  const ranking = [...scored].sort((a, b) => a.rank - b.rank || compareScored(a, b));
  const { strategy, top } = chooseStrategy(basis, scored, ranking);
  const chosen = top ? basis.groupOf.get(top.outcome.id)?.g : undefined;
  const verdictEvidence = strategy === 'cross-test' ? crossTestEvidence(top, chosen, evidence) : undefined;
  const reasons =
    strategy === 'cross-test' && top && chosen && basis.groups
      ? crossTestReasons(top, chosen, basis.groups, evidence, ranking)
      : reasonsFor(strategy, top, ranking, basis.clusters);
  return {
    pick: top?.outcome.id ?? null,
    strategy,
    confidence: confidenceOf(
      strategy,
      top,
      ranking,
      chosen ? calibratedConfidence(chosen, evidence.cases, params.calibration) : undefined,
    ),
    ranking: ranking.map((s) => rankEntry(s, basis.caseIds.length)),
    reasons,
    unverified: strategy === 'fallback',
    matrix: evidence.matrix,
    ...(verdictEvidence ? { evidence: verdictEvidence } : {}),
  };
}

const passedOf = (o: CandidateOutcome, caseIds: readonly string[]): number =>
  caseIds.filter((k) => o.evidence.cells[k] === 'pass').length;

/** The output clusters of the candidates that ran, and the cross-test groups when tests decide. */
function verdictBasis(evidence: JudgeEvidence, params: SelectionParams): VerdictBasis {
  const caseIds = evidence.cases.map((c) => c.id);
  const ok = evidence.outcomes.filter((o) => o.outcome === 'ok');
  const withMatrix = caseIds.length > 0 && evidence.outcomes.some((o) => passedOf(o, caseIds) > 0);
  const groups = withMatrix
    ? rankGroups(
        evidence.outcomes.map((o) => o.evidence),
        evidence.cases,
        params,
      )
    : null;
  const groupOf = new Map(groups?.flatMap((g, rank) => g.members.map((id) => [id, { g, rank }] as const)));
  return { caseIds, ok, clusters: clusterOutputs(ok), groups, groupOf };
}

/**
 * With tests, the group's rank decides (trusted cases, then posterior) and its posterior is the
 * score shown; the tie rules only order members of one group. Without tests: running counts most,
 * then agreeing output; noise, latency and size separate near-equals.
 */
function scoreOutcomes(
  basis: VerdictBasis,
  evidence: JudgeEvidence,
  candidates: readonly JudgeCandidate[],
): Scored[] {
  const byId = new Map(candidates.map((c, i) => [c.id, { c, i }]));
  const agreeing = new Map(basis.clusters.flatMap((cl) => cl.map((id) => [id, cl.length - 1] as const)));
  const others = Math.max(1, evidence.outcomes.length - 1);
  const maxStderr = Math.max(1, ...evidence.outcomes.map((o) => o.stderrBytes));
  const maxLatency = Math.max(1, ...candidates.map((c) => c.latencyMs ?? 0));
  const maxSize = Math.max(1, ...candidates.map((c) => c.code.length));
  return evidence.outcomes.map((outcome) => {
    const { c: candidate, i: index } = byId.get(outcome.id) ?? {
      c: { id: outcome.id, model: '', code: '' },
      i: 0,
    };
    const ran = outcome.outcome === 'ok' ? 1 : 0;
    const group = basis.groupOf.get(outcome.id);
    const score = group
      ? group.g.posterior
      : 0.5 * ran +
        (0.4 * (agreeing.get(outcome.id) ?? 0)) / others +
        0.05 * (1 - outcome.stderrBytes / maxStderr) +
        0.025 * (1 - (candidate.latencyMs ?? 0) / maxLatency) +
        0.025 * (1 - candidate.code.length / maxSize);
    return {
      outcome,
      candidate,
      index,
      score,
      passed: passedOf(outcome, basis.caseIds),
      rank: group?.rank ?? 0,
    };
  });
}

/** The first strategy that applies, and the candidate it picks. */
function chooseStrategy(
  basis: VerdictBasis,
  scored: readonly Scored[],
  ranking: readonly Scored[],
): { strategy: VerdictStrategy; top: Scored | undefined } {
  if (basis.groups) return { strategy: 'cross-test', top: ranking[0] };
  const biggest = basis.clusters[0];
  if (biggest && biggest.length >= 2) {
    const inside = ranking.filter((s) => biggest.includes(s.outcome.id));
    return { strategy: 'consensus', top: inside[0] };
  }
  if (basis.ok.length === 1)
    return { strategy: 'high-confidence', top: ranking.find((s) => s.outcome.outcome === 'ok') };
  if (basis.ok.length > 1) return { strategy: 'best-available', top: ranking[0] };
  const leastBad = [...scored].sort(
    (a, b) => SEVERITY[a.outcome.outcome] - SEVERITY[b.outcome.outcome] || compareScored(a, b),
  );
  return { strategy: 'fallback', top: leastBad[0] };
}

function rankEntry(s: Scored, testsTotal: number): RankEntry {
  return {
    id: s.outcome.id,
    score: Math.round(s.score * 1000) / 1000,
    ran: s.outcome.outcome === 'ok',
    testsPassed: s.passed,
    testsTotal,
  };
}

/** A cross-test pick's evidence in numbers: its cases, the user's examples, its group, the posterior. */
function crossTestEvidence(
  top: Scored | undefined,
  chosen: RankedGroup | undefined,
  evidence: JudgeEvidence,
): VerdictEvidence | undefined {
  if (!chosen || !top) return undefined;
  return {
    casesPassed: top.passed,
    casesTotal: evidence.cases.length,
    trustedPassed: chosen.trustedPassed,
    trustedTotal: evidence.cases.filter((c) => c.trusted).length,
    groupSize: chosen.members.length,
    posterior: Math.round(chosen.posterior * 1000) / 1000,
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

/**
 * Cross-test: the calibrated probability that the pick is right (selection.ts; bench/judge.ts
 * prints how often picks were right per confidence bucket). Other strategies keep fixed levels.
 */
function confidenceOf(
  strategy: VerdictStrategy,
  top: Scored | undefined,
  ranking: readonly Scored[],
  calibrated?: number,
): number {
  if (!top) return 0;
  if (strategy === 'cross-test' || strategy === 'project-tests')
    return Math.round((calibrated ?? 0) * 100) / 100;
  const runnerUp = ranking.find((s) => s !== top);
  const margin = runnerUp ? Math.max(0, top.score - runnerUp.score) : top.score;
  const base: Record<Exclude<VerdictStrategy, 'cross-test' | 'project-tests'>, number> = {
    consensus: 0.75,
    'high-confidence': 0.7,
    'best-available': 0.4,
    fallback: 0.1,
  };
  return Math.round(Math.min(1, base[strategy] + 0.1 * Math.min(1, margin * 4)) * 100) / 100;
}

/** The pick explained in the posterior's terms: the group's cases, its size, the examples, the odds. */
function crossTestReasons(
  top: Scored,
  chosen: RankedGroup,
  groups: readonly RankedGroup[],
  evidence: JudgeEvidence,
  ranking: readonly Scored[],
): string[] {
  const id = top.outcome.id;
  const total = evidence.cases.length;
  const trusted = evidence.cases.filter((c) => c.trusted);
  const generated = total - trusted.length;
  const generatedPassed = chosen.passed.length - chosen.trustedPassed;
  const reasons: string[] = [];
  if (trusted.length > 0) {
    const sources = [...new Set(trusted.map((c) => c.source ?? 'prompt'))].join(', ');
    reasons.push(
      chosen.trustedPassed === trusted.length
        ? `${id} passes all ${trusted.length} of your examples (from the ${sources}); they outrank the generated tests.`
        : `No candidate passes all ${trusted.length} of your examples (from the ${sources}); ${id} passes the most, ${chosen.trustedPassed}.`,
    );
  }
  reasons.push(`${id} passes ${generatedPassed}/${generated} test cases written by the models.`);
  reasons.push(
    chosen.members.length > 1
      ? `${chosen.members.length} candidates (${chosen.members.join(', ')}) pass exactly the same cases.`
      : 'No other candidate passes exactly the same cases.',
  );
  const rivals = groups.filter((g) => g !== chosen && g.trustedPassed === chosen.trustedPassed);
  reasons.push(
    `Posterior that this group is the correct one: ${chosen.posterior.toFixed(2)} (B4: how likely the whole pass matrix is if these candidates and the cases they pass are the correct ones)` +
      (rivals[0]
        ? `; next best ${rivals[0].members.join(', ')} at ${rivals[0].posterior.toFixed(2)}.`
        : trusted.length > 0 && groups.length > 1
          ? '; no other group passes as many of your examples.'
          : '.'),
  );
  const crashes = Object.values(top.outcome.evidence.cells).filter(
    (c) => c === 'error' || c === 'timeout',
  ).length;
  if (crashes > 0) reasons.push(`It crashes or hangs on ${crashes} case${crashes === 1 ? '' : 's'}.`);
  if (chosen.agreement !== null) {
    reasons.push(
      `On the tests' inputs it returns the same values as the others ${(chosen.agreement * 100).toFixed(0)}% of the time.`,
    );
  }
  if (top.outcome.outcome !== 'ok')
    reasons.push(`Its own run failed (${top.outcome.detail}); tests still favour it.`);
  if (chosen.members.length > 1) {
    reasons.push(
      `Within the group the tie rules (ran, less stderr, faster model, shorter code, order) pick ${id}.`,
    );
  }
  const failed = ranking
    .filter((s) => s.outcome.outcome !== 'ok')
    .map((s) => `${s.outcome.id} (${s.outcome.outcome})`);
  if (failed.length > 0) reasons.push(`Did not run: ${failed.join(', ')}.`);
  return reasons;
}

function reasonsFor(
  strategy: VerdictStrategy,
  top: Scored | undefined,
  ranking: readonly Scored[],
  clusters: readonly string[][],
): string[] {
  if (!top) return ['No candidates to judge.'];
  const id = top.outcome.id;
  const reasons: string[] = [];
  if (strategy === 'consensus') {
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

/** The evidence without its generated cases (and their matrix columns): what tests and examples say. */
export function withoutGenerated(evidence: JudgeEvidence): JudgeEvidence {
  const cases = evidence.cases.filter((c) => !c.generated);
  const keep = new Set(cases.map((c) => c.id));
  const matrix =
    evidence.matrix && cases.length > 0
      ? {
          cases: evidence.matrix.cases.filter((c) => keep.has(c.id)),
          cells: Object.fromEntries(
            Object.entries(evidence.matrix.cells).map(([id, row]) => [
              id,
              Object.fromEntries(Object.entries(row).filter(([k]) => keep.has(k))),
            ]),
          ),
        }
      : undefined;
  return { ...evidence, cases, matrix };
}

/** Which calibration map a behaviour verdict uses: with the user's examples or without. */
export function behaviourMode(j: BehaviourJudgement): BehaviourMode {
  return j.trustedTotal > 0 ? 'examples' : 'generated';
}

/**
 * No tests were given: the candidates ran on inputs the judge generated (and on the user's
 * examples, when there are some). The examples filter first; among the candidates passing the
 * most of them, the class of identical behaviour ranked first by behaviourClusters.ts wins; the tie
 * rules pick inside it. Null when there is nothing to judge by (no candidate loaded).
 */
function behaviourVerdict(
  evidence: JudgeEvidence,
  input: { readonly candidates: readonly JudgeCandidate[] },
  params: SelectionParams,
): Verdict | null {
  const loaded = new Set(evidence.outcomes.filter((o) => o.outcome === 'ok').map((o) => o.id));
  const judgement = judgeByBehaviour(
    evidence.outcomes.map((o) => o.evidence),
    loaded,
    evidence.cases,
    params.behaviour ?? DEFAULT_BEHAVIOUR,
  );
  if (!judgement || judgement.classes.length === 0) return null;
  const shown = withoutGenerated(evidence);
  const basis: VerdictBasis = {
    caseIds: shown.cases.map((c) => c.id),
    ok: evidence.outcomes.filter((o) => o.outcome === 'ok'),
    clusters: [],
    groups: null,
    groupOf: new Map(),
  };
  const classRank = new Map(
    judgement.classes.flatMap((cl, rank) => cl.members.map((id) => [id, rank] as const)),
  );
  const last = judgement.classes.length;
  const scored = scoreOutcomes(basis, shown, input.candidates).map((s) => {
    const rank = classRank.get(s.outcome.id);
    const size = rank === undefined ? 0 : judgement.classes[rank].members.length;
    return {
      ...s,
      rank: rank ?? last + (loaded.has(s.outcome.id) ? 0 : 1),
      score: rank === undefined ? 0 : size / Math.max(1, judgement.loaded),
    };
  });
  const ranking = [...scored].sort((a, b) => a.rank - b.rank || compareScored(a, b));
  const top = ranking[0];
  const chosen = judgement.classes[0];
  const strategy: VerdictStrategy =
    chosen.members.length >= 2 ? 'consensus' : judgement.loaded === 1 ? 'high-confidence' : 'best-available';
  const mode = behaviourMode(judgement);
  const confidence = Math.round(applyMap(CONFIDENCE_MAPS[mode], behaviourFeatures(judgement)) * 100) / 100;
  return {
    pick: top.outcome.id,
    strategy,
    confidence,
    ranking: ranking.map((s) => rankEntry(s, basis.caseIds.length)),
    reasons: behaviourReasons(top, judgement, ranking),
    unverified: false,
    matrix: shown.matrix,
  };
}

function behaviourReasons(top: Scored, j: BehaviourJudgement, ranking: readonly Scored[]): string[] {
  const id = top.outcome.id;
  const chosen = j.classes[0];
  const reasons: string[] = [];
  const biggest = j.classes.every((c) => c.members.length <= chosen.members.length);
  if (j.trustedTotal > 0) {
    reasons.push(
      chosen.trustedPassed === j.trustedTotal
        ? `${id} passes all ${j.trustedTotal} of your examples; they decide before any generated input.`
        : `No candidate passes all ${j.trustedTotal} of your examples; ${id} passes the most, ${chosen.trustedPassed}.`,
    );
  }
  const signatureInputs = j.inputs - j.writtenTotal;
  reasons.push(
    `No tests were given, so Quorum generated ${signatureInputs} inputs (from the signature, its type hints${j.trustedTotal > 0 ? ' and your examples' : ''}) and ran every candidate on them; generated inputs have no expected values and never outrank your examples.`,
  );
  if (j.writtenTotal > 0) {
    reasons.push(
      `${j.writtenTotal} tests written by ${j.writtenBy ?? 'a model'} (generated, with expected values; they weigh each class with its size and never outrank your examples): ${id} passes ${chosen.writtenPassed} of them.`,
    );
  }
  reasons.push(
    chosen.members.length > 1
      ? `${chosen.members.length} of ${j.loaded} candidates that ran (${chosen.members.join(', ')}) return the same values and raise the same errors on all ${j.validInputs} inputs most candidates accept; ${biggest ? 'no class is larger' : 'a larger class agrees less with the rest'}, and this one agrees most with the other candidates, input by input.`
      : j.splitting === 0
        ? `The candidates that ran behave identically on the generated inputs.`
        : `No two candidates behave the same on the ${j.validInputs} inputs most candidates accept; ${id} agrees most with the others, input by input.`,
  );
  if (j.classes[1]) {
    reasons.push(
      `Next class: ${j.classes[1].members.join(', ')} (${j.classes[1].members.length} candidate${j.classes[1].members.length === 1 ? '' : 's'}).`,
    );
  }
  if (chosen.members.length > 1) {
    reasons.push(
      `Within the class the tie rules (ran, less stderr, faster model, shorter code, order) pick ${id}.`,
    );
  }
  const failed = ranking
    .filter((s) => s.outcome.outcome !== 'ok')
    .map((s) => `${s.outcome.id} (${s.outcome.outcome})`);
  if (failed.length > 0) reasons.push(`Did not run: ${failed.join(', ')}.`);
  return reasons;
}
