/**
 * Which status badges a candidate card shows. Pure, so the mapping from run results to what
 * the user reads is tested without a browser.
 */
import type { CandidateView } from './viewModel';

export type BadgeTone = 'neutral' | 'progress' | 'success' | 'error' | 'warning' | 'pick';

export interface Badge {
  readonly label: string;
  readonly tone: BadgeTone;
  readonly icon: string;
  /** Longer explanation (advice) shown as a tooltip and next to the card. */
  readonly detail?: string;
}

export function badgesFor(c: CandidateView, context: { trusted: boolean; pick: string | null }): Badge[] {
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
      out.push(
        run.exitCode === 0
          ? { label: 'Passed', tone: 'success', icon: 'pass' }
          : { label: 'Failed', tone: 'error', icon: 'close', detail: `Exit code ${String(run.exitCode)}` },
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
  return out;
}
