/**
 * The verdict of an edit ask, from the project's own tests (the order the anchors support):
 * 1. a candidate with no evidence (its edit did not apply, or its test run proved nothing) ranks
 *    below every measured one, with its reason;
 * 2. fewer regressions wins — any regression loses to none — compared by the tests' names;
 * 3. more fixes wins (a fix counts only for a test that failed on the baseline);
 * 4. then agreement: how many candidates made the same edit (whitespace and comments aside);
 * 5. the earliest answer breaks any remaining tie.
 * Tests that failed on the baseline and still fail count against no one. The reasons say in words
 * what each candidate fixes and breaks; the strategy says the project's tests decided.
 */
import type { ProjectEvidence, TestRun } from '../project/types';
import type { RankEntry, Verdict } from '../types';

export interface EditJudgeCandidate {
  readonly id: string;
  /** Shown in reasons. */
  readonly model: string;
  readonly evidence: ProjectEvidence;
  /** When the answer arrived (ms since the ask started); earliest breaks ties. */
  readonly answeredMs?: number;
}

interface Scored {
  readonly c: EditJudgeCandidate;
  readonly measured: boolean;
  readonly regressed: number;
  readonly fixed: number;
  readonly agree: number;
  readonly order: number;
}

export function decideEditVerdict(
  candidates: readonly EditJudgeCandidate[],
  baseline: TestRun | undefined,
): Verdict {
  const keys = new Map<string, number>();
  for (const c of candidates) {
    const key = clusterKeyOf(c.evidence);
    if (key) keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  const scored: Scored[] = candidates.map((c, i) => ({
    c,
    measured: c.evidence.run?.state === 'ok' && baseline?.state === 'ok',
    regressed: c.evidence.regressedIds.length,
    fixed: c.evidence.fixedIds.length,
    agree: keys.get(clusterKeyOf(c.evidence) ?? '') ?? 0,
    order: c.answeredMs ?? i,
  }));
  const ranked = [...scored].sort(compare);
  const top = ranked[0];
  const measured = ranked.filter((s) => s.measured);
  const ranking: RankEntry[] = ranked.map((s, i) => ({
    id: s.c.id,
    score: Math.round((s.measured ? 1 - i / Math.max(1, ranked.length) : 0) * 100) / 100,
    ran: s.measured,
    testsPassed: s.measured ? passedOf(s.c.evidence) : 0,
    testsTotal: s.measured ? s.c.evidence.outcomes.length : 0,
  }));
  const pick = top?.measured ? top.c.id : (ranked.find((s) => s.c.evidence.edit.ok)?.c.id ?? null);
  return {
    pick,
    strategy: 'project-tests',
    confidence: confidenceOf(top, measured),
    ranking,
    reasons: reasonsOf(ranked, baseline),
    unverified: !top?.measured,
  };
}

function compare(a: Scored, b: Scored): number {
  if (a.measured !== b.measured) return a.measured ? -1 : 1;
  if (!a.measured) {
    const applied = Number(b.c.evidence.edit.ok) - Number(a.c.evidence.edit.ok);
    return applied || a.order - b.order;
  }
  return a.regressed - b.regressed || b.fixed - a.fixed || b.agree - a.agree || a.order - b.order;
}

/**
 * How sure the pick is, from what decided it — not a calibrated probability (issue 28 calibrates
 * the cross-test verdict; this one is a plain rule): a pick that regresses nothing and fixes every
 * baseline failure, ahead of a runner-up that does worse, is near-certain on the project's tests.
 */
function confidenceOf(top: Scored | undefined, measured: readonly Scored[]): number {
  if (!top?.measured) return 0;
  const failingAtBaseline = top.c.evidence.counts.fixed + top.c.evidence.counts.stillFailing;
  let value = 0.5;
  if (top.regressed === 0) value += 0.2;
  if (failingAtBaseline > 0 && top.c.evidence.counts.stillFailing === 0) value += 0.15;
  const runnerUp = measured.find((s) => s !== top);
  if (!runnerUp || runnerUp.regressed > top.regressed || runnerUp.fixed < top.fixed) value += 0.1;
  if (top.agree > 1) value += 0.05;
  return Math.round(Math.min(0.99, value) * 100) / 100;
}

function reasonsOf(ranked: readonly Scored[], baseline: TestRun | undefined): string[] {
  const reasons: string[] = [];
  const total = baseline?.state === 'ok' ? Object.keys(baseline.tests).length : 0;
  if (baseline && baseline.state !== 'ok') {
    reasons.push(
      `The project's tests gave no baseline (${baseline.state}${baseline.detail ? `: ${baseline.detail}` : ''}), so no candidate could be graded against them.`,
    );
  }
  for (const s of ranked) {
    reasons.push(`${s.c.model}: ${describe(s, total)}`);
  }
  const top = ranked[0];
  if (top?.measured) {
    const runnerUp = ranked.find((s) => s !== top && s.measured);
    const why = !runnerUp
      ? 'it is the only edit measured against the project tests'
      : runnerUp.regressed > top.regressed
        ? 'it breaks fewer of the project tests'
        : runnerUp.fixed < top.fixed
          ? 'it fixes more of the failing project tests'
          : runnerUp.agree < top.agree
            ? `${top.agree} candidates made the same edit`
            : 'it answered first among equals';
    reasons.unshift(`Picked ${top.c.model}: ${why}.`);
  }
  return reasons;
}

function describe(s: Scored, total: number): string {
  const e = s.c.evidence;
  if (!e.edit.ok) return `edit not applied (${e.edit.reason}: ${e.edit.detail})`;
  if (!s.measured) {
    const run = e.run;
    return run
      ? `no evidence: the test run ${run.state}${run.detail ? ` (${run.detail})` : ''}`
      : 'no evidence: not tested';
  }
  const fixes = e.fixedIds.length ? `fixes ${list(e.fixedIds)}` : 'fixes none';
  const breaks = e.regressedIds.length ? `breaks ${list(e.regressedIds)}` : 'breaks none';
  const still = e.counts.stillFailing ? `; ${e.counts.stillFailing} still failing` : '';
  return `${fixes}; ${breaks} of ${total} project tests${still}${e.touchesTests ? ' (edits a test file)' : ''}`;
}

function list(ids: readonly string[]): string {
  const names = ids.map((id) => {
    const last = id.split(/::|\/|\s>\s/).pop() ?? id;
    // unittest's dotted ids (`tests.test_pricing.PricingTest.test_bulk`): the test's own name.
    return /^[\w.]+$/.test(last) ? (last.split('.').pop() ?? last) : last;
  });
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

function passedOf(e: ProjectEvidence): number {
  return e.outcomes.filter((o) => o.candidate === 'passed' || o.candidate === 'xfail').length;
}

/** The edit with whitespace and comments normalised away: a vote key, never applied. */
export function clusterKeyOf(e: ProjectEvidence): string | undefined {
  if (!e.edit.ok) return undefined;
  return e.edit.newText
    .replace(/(^|\s)(#|\/\/)[^\n]*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
