/**
 * How a program run ended, in words: the one spelling the CLI's reports, progress lines and
 * `quorum run`, the editor's Verify Selection and the agents' tools all use.
 */
import type { LimitHit, RunResult } from './types';

const LIMIT_WORDS: Readonly<Record<LimitHit, string>> = {
  timeout: 'time limit',
  memory: 'out of memory',
  output: 'output truncated',
  pids: 'too many processes',
};

/** `exit 0`, `killed at the timeout`, `killed`. */
export function runOutcome(run: RunResult): string {
  if (run.timedOut) return 'killed at the timeout';
  return run.exitCode === null ? 'killed' : `exit ${run.exitCode}`;
}

/** The limits a run hit, in words (`out of memory`, `output truncated`); the timeout is in the outcome. */
export function runNotes(run: RunResult): string[] {
  return run.limitsHit.filter((l) => l !== 'timeout').map((l) => LIMIT_WORDS[l]);
}

/** `exit 0 in 12 ms`, `killed at the timeout in 10000 ms; out of memory`. */
export function runSummary(run: RunResult): string {
  const notes = runNotes(run);
  return `${runOutcome(run)} in ${run.durationMs} ms${notes.length ? `; ${notes.join(', ')}` : ''}`;
}
