/**
 * Grades one candidate's test run against the baseline, per test, with SWE-bench's semantics:
 * pass = passed | xfail. A test that passed on the baseline and passes or is skipped now is
 * `passing`; failed, errored or missing now is `regressed` (a missing test counts as failed, never as
 * silently passing). A test that failed on the baseline and passes now is `fixed`; anything else
 * (still failing, skipped, missing) is `stillFailing` — a skip is not a fix. A test the baseline
 * did not have is `new`, never a fix.
 */
import type { TestClass, TestOutcome, TestRun, TestStatus } from './types';

const isPass = (s: TestStatus): boolean => s === 'passed' || s === 'xfail';

export function classOf(baseline: TestStatus, candidate: TestStatus): TestClass {
  if (baseline === 'absent') return 'new';
  if (baseline === 'skipped') return isPass(candidate) || candidate === 'skipped' ? 'passing' : 'regressed';
  if (isPass(baseline)) return isPass(candidate) || candidate === 'skipped' ? 'passing' : 'regressed';
  return isPass(candidate) ? 'fixed' : 'stillFailing';
}

const ORDER: readonly TestClass[] = ['regressed', 'fixed', 'stillFailing', 'new', 'passing'];

export interface Classified {
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
  outcomes.sort(
    (x, y) => ORDER.indexOf(x.class) - ORDER.indexOf(y.class) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
  const counts: Record<TestClass, number> = { fixed: 0, regressed: 0, stillFailing: 0, passing: 0, new: 0 };
  for (const o of outcomes) counts[o.class]++;
  return {
    outcomes,
    counts,
    fixedIds: outcomes.filter((o) => o.class === 'fixed').map((o) => o.id),
    regressedIds: outcomes.filter((o) => o.class === 'regressed').map((o) => o.id),
  };
}
