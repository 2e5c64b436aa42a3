import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CellResult } from '../types';

/** What a generated harness program receives, embedded in its source as JSON. */
export interface HarnessPayload {
  /** Per-run nonce prefixed to every result line; the candidate never learns it in advance. */
  readonly marker: string;
  readonly candidate: string;
  readonly cases: readonly { readonly id: string; readonly setup: string; readonly code: string }[];
  /** Seconds for loading the candidate (its module-level code). */
  readonly loadBudget: number;
  /** Seconds for each case, and again for its probes. */
  readonly caseBudget: number;
  /** Characters of the candidate's own stdout to keep. */
  readonly stdoutCap: number;
  /** Record return values of the candidate's functions on each case's calls. */
  readonly probe: boolean;
  /**
   * A live run: after these cases, more arrive as lines on the sandbox's input channel
   * (`QUORUM_INPUT_FD`), each `{"cases": [...]}` (run as they come) or `{"end": true}`.
   */
  readonly live: boolean;
}

/** One line of a live harness's feed. */
export function feedLine(
  message: { readonly cases: HarnessPayload['cases'] } | { readonly end: true },
): string {
  return `${JSON.stringify(message)}\n`;
}

/** How loading the candidate went: `pass` means its module-level code ran without raising. */
export type LoadStatus = 'pass' | 'fail' | 'syntax' | 'error' | 'timeout';

export interface CaseOutcome {
  readonly result: CellResult;
  readonly detail: string;
  /** Canonical reprs of the candidate's return values on the case's calls; `!Name` for a raise. */
  readonly probes: readonly string[];
}

export interface HarnessReport {
  readonly load: { readonly status: LoadStatus; readonly detail: string; readonly stdout: string };
  readonly cases: Readonly<Record<string, CaseOutcome>>;
  /** False when the harness died or was killed before reporting every case. */
  readonly complete: boolean;
}

export function newMarker(): string {
  return `@@quorum-${randomBytes(12).toString('hex')}@@`;
}

const lineSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('load'),
    status: z.enum(['pass', 'fail', 'syntax', 'error', 'timeout']),
    detail: z.string(),
    stdout: z.string(),
  }),
  z.object({
    kind: z.literal('case'),
    id: z.string(),
    result: z.enum(['pass', 'fail', 'error', 'timeout']),
    detail: z.string(),
    probes: z.array(z.string()),
  }),
  z.object({ kind: z.literal('done') }),
]);

/**
 * Reads the marked result lines of one harness run. Unmarked lines are the candidate's and are
 * ignored; an unknown or repeated case id is ignored too (first report wins). Cases with no
 * report count as `timeout` when the run was killed for time, else `error`.
 */
export function parseHarnessOutput(
  stdout: string,
  marker: string,
  caseIds: readonly string[],
  timedOut: boolean,
): HarnessReport {
  const wanted = new Set(caseIds);
  const cases: Record<string, CaseOutcome> = {};
  let load: HarnessReport['load'] | undefined;
  let done = false;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(marker)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.slice(marker.length));
    } catch {
      continue;
    }
    const result = lineSchema.safeParse(parsed);
    if (!result.success) continue;
    const entry = result.data;
    if (entry.kind === 'load') load ??= { status: entry.status, detail: entry.detail, stdout: entry.stdout };
    else if (entry.kind === 'done') done = true;
    else if (wanted.has(entry.id) && !(entry.id in cases)) {
      cases[entry.id] = { result: entry.result, detail: entry.detail, probes: entry.probes };
    }
  }
  const missing: CellResult = timedOut ? 'timeout' : 'error';
  for (const id of caseIds) {
    cases[id] ??= { result: missing, detail: 'no result reported (harness stopped)', probes: [] };
  }
  return {
    load: load ?? {
      status: timedOut ? 'timeout' : 'error',
      detail: 'the candidate did not load',
      stdout: '',
    },
    cases,
    complete: done && load !== undefined,
  };
}
