/**
 * Grades one candidate's test run against the baseline, test by test, with SWE-bench's
 * semantics (FAIL_TO_PASS / PASS_TO_PASS), where pass = passed | xfail:
 *
 * | baseline            | candidate pass or skipped | candidate failed, error or absent |
 * | ------------------- | ------------------------- | --------------------------------- |
 * | pass                | passing                   | regressed                         |
 * | skipped             | passing                   | regressed                         |
 * | failed or error     | fixed (only a pass; a skip is `stillFailing`) | stillFailing  |
 * | absent              | new                       | new                               |
 *
 * A test missing from the candidate's map counts as failed, never as silently passing; a skip
 * never fixes (a candidate that skips the failing tests fixes nothing); a test the baseline did
 * not have is `new` (model-written, or newly collected), never a fix. A skipped baseline test has
 * nothing to fix, so it grades like a passing one. Both runs must be evidence (state `ok`): the
 * caller checks that.
 */
import type { TestClass, TestOutcome, TestRun, TestStatus } from './types';

const isPass = (s: TestStatus): boolean => s === 'passed' || s === 'xfail';

export function classOf(baseline: TestStatus, candidate: TestStatus): TestClass {
  if (baseline === 'absent') return 'new';
  if (baseline === 'failed' || baseline === 'error') return isPass(candidate) ? 'fixed' : 'stillFailing';
  return isPass(candidate) || candidate === 'skipped' ? 'passing' : 'regressed';
}

/** The order outcomes are listed in: what changed first. */
export const OUTCOME_ORDER: readonly TestClass[] = ['regressed', 'fixed', 'stillFailing', 'new', 'passing'];

export interface Classified {
  /** Every test of either run, by class (OUTCOME_ORDER), ids sorted within a class. */
  readonly outcomes: TestOutcome[];
  readonly counts: Record<TestClass, number>;
  readonly fixedIds: string[];
  readonly regressedIds: string[];
}

export function classifyRun(baseline: TestRun, candidate: TestRun): Classified {
  const ids = new Set([...Object.keys(baseline.tests), ...Object.keys(candidate.tests)]);
  const outcomes: TestOutcome[] = [];
  for (const id of ids) {
    const b = baseline.tests[id] ?? 'absent';
    const c = candidate.tests[id] ?? 'absent';
    const message = candidate.messages?.[id];
    outcomes.push({ id, baseline: b, candidate: c, class: classOf(b, c), ...(message ? { message } : {}) });
  }
  const rank = (o: TestOutcome): number => OUTCOME_ORDER.indexOf(o.class);
  outcomes.sort((x, y) => rank(x) - rank(y) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const counts: Record<TestClass, number> = { fixed: 0, regressed: 0, stillFailing: 0, passing: 0, new: 0 };
  for (const o of outcomes) counts[o.class]++;
  const idsOf = (k: TestClass): string[] => outcomes.filter((o) => o.class === k).map((o) => o.id);
  return { outcomes, counts, fixedIds: idsOf('fixed'), regressedIds: idsOf('regressed') };
}
