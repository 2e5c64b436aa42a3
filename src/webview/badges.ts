/**
 * Which status badges a candidate card shows. Pure, so the mapping from run results to what
 * the user reads is tested without a browser.
 */
import type { ProjectEvidence } from './domainTypes';
import type { CandidateView } from './viewModel';

/** "fixes 1 · breaks 0 of 4 project tests", or why the project's tests gave no evidence. */
export function projectLine(p: ProjectEvidence): string {
  if (!p.edit.ok) return `the edit did not apply (${p.edit.detail || p.edit.reason}): no project evidence`;
  if (!p.run || p.run.state !== 'ok')
    return `project tests gave no evidence (${p.run?.detail ?? p.run?.state ?? 'not run'})`;
  const total = p.outcomes.length;
  return `fixes ${p.counts.fixed} · breaks ${p.counts.regressed} of ${total} project tests`;
}

export type BadgeTone = 'neutral' | 'progress' | 'success' | 'error' | 'warning' | 'pick';

export interface Badge {
  readonly label: string;
  readonly tone: BadgeTone;
  readonly icon: string;
  /** Longer explanation (advice) shown as a tooltip and next to the card. */
  readonly detail?: string;
}

/** This candidate's row of the test matrix: cases passed of cases run. */
export interface TestTally {
  readonly passed: number;
  readonly total: number;
}

export function badgesFor(
  c: CandidateView,
  context: { trusted: boolean; pick: string | null; tests?: TestTally },
): Badge[] {
  const out: Badge[] = [];
  if (context.pick === c.id) out.push({ label: 'Pick', tone: 'pick', icon: 'star-full' });
  if (c.phase === 'streaming') out.push({ label: 'Streaming', tone: 'progress', icon: 'loading' });
  if (c.phase === 'cancelled') out.push({ label: 'Cancelled', tone: 'neutral', icon: 'circle-slash' });
  if (c.phase === 'failed' && c.error) {
    const label = c.error.code === 'timeout' ? 'Provider timed out' : 'Provider error';
    out.push({ label, tone: 'error', icon: 'error', detail: `${c.error.message} — ${c.error.advice}` });
  }
  if (c.incomplete) {
    out.push({ label: 'Incomplete stream', tone: 'warning', icon: 'warning', detail: 'The stream was cut.' });
  }
  if (c.running) out.push({ label: 'Running', tone: 'progress', icon: 'loading' });
  const run = c.run;
  if (run) {
    if (run.timedOut) out.push({ label: 'Timed out', tone: 'error', icon: 'watch' });
    if (run.oomKilled) out.push({ label: 'Out of memory', tone: 'error', icon: 'dashboard' });
    if (!run.timedOut && !run.oomKilled) {
      // "Ran" says only that the program exited 0; whether it is right is the tests' badge. It is
      // green only when no test beside it failed.
      const tests = context.tests;
      const allPass = !tests || tests.total === 0 || tests.passed === tests.total;
      out.push(
        run.exitCode === 0
          ? {
              label: 'Ran',
              tone: allPass ? 'success' : 'neutral',
              icon: 'play',
              detail: 'The program ran and exited with code 0.',
            }
          : {
              label: `Exit ${String(run.exitCode)}`,
              tone: 'error',
              icon: 'close',
              detail: `The program failed: exit code ${String(run.exitCode)}.`,
            },
      );
    }
    if (run.outputTruncated) out.push({ label: 'Output capped', tone: 'warning', icon: 'fold' });
    if (run.limitsHit.includes('pids'))
      out.push({ label: 'Process limit', tone: 'warning', icon: 'warning' });
  } else if (c.runError?.reason === 'untrusted' || (c.phase === 'done' && !c.running && !context.trusted)) {
    out.push({
      label: 'Not executed (untrusted)',
      tone: 'neutral',
      icon: 'shield',
      detail: 'Restricted Mode: code is not executed. Trust the workspace to run it.',
    });
  } else if (c.runError) {
    out.push({
      label: 'Not run',
      tone: 'warning',
      icon: 'debug-disconnect',
      detail: `${c.runError.message} — ${c.runError.advice}`,
    });
  } else if (c.phase === 'done' && !c.running && !c.code) {
    out.push({ label: 'No code', tone: 'neutral', icon: 'comment' });
  }
  const p = c.project;
  if (p) {
    if (!p.edit.ok || !p.run || p.run.state !== 'ok')
      out.push({ label: 'No project evidence', tone: 'warning', icon: 'warning', detail: projectLine(p) });
    else {
      if (p.counts.regressed > 0)
        out.push({
          label: `Breaks ${p.counts.regressed}`,
          tone: 'error',
          icon: 'close',
          detail: `Breaks ${p.regressedIds.join(', ')}`,
        });
      out.push({
        label: `Fixes ${p.counts.fixed}`,
        tone: p.counts.regressed === 0 && p.counts.fixed > 0 ? 'success' : 'neutral',
        icon: 'beaker',
        detail: projectLine(p),
      });
    }
  }
  const tests = context.tests;
  if (tests && tests.total > 0) {
    const tone: BadgeTone =
      tests.passed === tests.total ? 'success' : tests.passed === 0 ? 'error' : 'warning';
    out.push({
      label: `Tests ${tests.passed}/${tests.total}`,
      tone,
      icon: tone === 'success' ? 'pass' : 'beaker',
      detail: `Passes ${tests.passed} of the ${tests.total} test cases the models wrote for each other.`,
    });
  }
  return out;
}

/** Cases passed of cases run, from the verdict's matrix row; undefined before the verdict. */
export function tallyOf(
  id: string,
  matrix:
    | { cases: readonly { id: string }[]; cells: Readonly<Record<string, Readonly<Record<string, string>>>> }
    | undefined,
): TestTally | undefined {
  const row = matrix?.cells[id];
  if (!matrix || !row || matrix.cases.length === 0) return undefined;
  return { passed: matrix.cases.filter((tc) => row[tc.id] === 'pass').length, total: matrix.cases.length };
}
