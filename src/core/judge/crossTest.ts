import pLimit from 'p-limit';
import { cpuMs } from './cpuClock';
import type { CellResult, Language, RunRequest, RunResult, Sandbox, TestMatrix } from '../types';
import { JudgeError, SandboxError } from '../types';
import type { HarnessPayload, HarnessReport } from './harnessResult';
import { newMarker, parseHarnessOutput } from './harnessResult';
import { javascriptHarness } from './javascriptHarness';
import { pythonHarness } from './pythonHarness';
import type { JudgeCase } from './testCases';

export interface CrossTestOptions {
  readonly sandbox: Sandbox;
  readonly language: Language;
  readonly image?: string;
  /** Harness containers running at once; the sandbox's pool is shared, so keep it small. */
  readonly concurrency?: number;
  readonly loadBudgetMs?: number;
  readonly caseBudgetMs?: number;
  /** Record return values for functional agreement (on by default). */
  readonly probe?: boolean;
  readonly signal?: AbortSignal;
}

export interface CrossTestResult {
  readonly reports: Readonly<Record<string, HarnessReport>>;
  /** The raw sandbox run of each candidate's harness. */
  readonly runs: Readonly<Record<string, RunResult>>;
  readonly matrix: TestMatrix;
  /** Milliseconds the judge itself spent building harnesses and reading results. */
  readonly hostMs: number;
}

const HARNESSES: Partial<Record<Language, (payload: HarnessPayload) => string>> = {
  python: pythonHarness,
  javascript: javascriptHarness,
};

export function supportsCrossTest(language: Language): boolean {
  return HARNESSES[language] !== undefined;
}

/**
 * Runs every candidate against every case: one sandbox container per candidate holding all the
 * cases, each isolated inside the harness. Throws `JudgeError` when the sandbox cannot run or
 * the harness itself breaks.
 */
export async function crossTest(
  candidates: readonly { readonly id: string; readonly code: string }[],
  cases: readonly JudgeCase[],
  options: CrossTestOptions,
): Promise<CrossTestResult> {
  const reports: Record<string, HarnessReport> = {};
  const runs: Record<string, RunResult> = {};
  const crashes: (string | undefined)[] = [];
  let hostMs = 0;
  const limit = pLimit(Math.max(1, options.concurrency ?? 2));
  await Promise.all(
    candidates.map((candidate) =>
      limit(async () => {
        const one = await runHarness(candidate, cases, options);
        reports[candidate.id] = one.report;
        runs[candidate.id] = one.run;
        crashes.push(one.crash);
        hostMs += one.hostMs;
      }),
    ),
  );
  const failed = harnessFailure(crashes);
  if (failed) throw failed;
  const mark = cpuMs();
  const matrix = matrixOf(candidates, cases, reports);
  return { reports, runs, matrix, hostMs: hostMs + cpuMs() - mark };
}

/** The pass matrix shown to the user: trusted cases carry their mark and source. */
export function matrixOf(
  candidates: readonly { readonly id: string }[],
  cases: readonly JudgeCase[],
  reports: Readonly<Record<string, HarnessReport>>,
): TestMatrix {
  const cells: Record<string, Record<string, CellResult>> = {};
  for (const candidate of candidates) {
    const report = reports[candidate.id];
    cells[candidate.id] = Object.fromEntries(cases.map((c) => [c.id, report.cases[c.id].result]));
  }
  return {
    cases: cases.map(({ id, testId, code, trusted, source }) =>
      trusted ? { id, testId, code, trusted, source } : { id, testId, code },
    ),
    cells,
  };
}

/**
 * One candidate against some cases in one fresh container. Throws `JudgeError`: `sandbox` when
 * the engine fails, `cancelled` on abort. `crash` is the last line of a traceback through the
 * harness's own frames (see `harnessFailure`).
 */
export async function runHarness(
  candidate: { readonly id: string; readonly code: string },
  cases: readonly JudgeCase[],
  options: CrossTestOptions,
): Promise<HarnessRun> {
  const mark = cpuMs();
  const harness = harnessFor(candidate, cases, options, false);
  const hostMs = cpuMs() - mark;
  let run: RunResult;
  try {
    run = await options.sandbox.run(harness.request);
  } catch (error) {
    throw judgeErrorOf(error, options.signal);
  }
  const read = readHarness(run, harness.marker, cases);
  return { ...read, hostMs: hostMs + read.hostMs };
}

export interface HarnessRun {
  readonly report: HarnessReport;
  readonly run: RunResult;
  /** Milliseconds spent building the harness and reading its output. */
  readonly hostMs: number;
  readonly crash?: string;
}

/**
 * The harness program for a candidate and its first cases, as a sandbox request. Its wall time is
 * enough for a load and every case plus its probes at their budgets, but bounded; a live harness
 * (`live`) takes more cases on its feed, and its caller keeps the deadline for those.
 */
export function harnessFor(
  candidate: { readonly code: string },
  cases: readonly JudgeCase[],
  options: CrossTestOptions,
  live: boolean,
): { request: RunRequest; marker: string; loadBudget: number; caseBudget: number } {
  const build = HARNESSES[options.language];
  if (!build) {
    throw new SandboxError(
      'unsupported-language',
      `No cross-test harness for ${options.language}`,
      'Cross-testing supports Python and JavaScript; other languages are judged by their own runs.',
    );
  }
  const loadBudget = (options.loadBudgetMs ?? 3000) / 1000;
  const caseBudget = (options.caseBudgetMs ?? 1000) / 1000;
  const marker = newMarker();
  const payload: HarnessPayload = {
    marker,
    candidate: candidate.code,
    cases: casesOf(cases),
    loadBudget,
    caseBudget,
    stdoutCap: 4096,
    probe: options.probe ?? true,
    live,
  };
  const timeoutMs = live
    ? LIVE_HARNESS_MS
    : Math.min(60_000, Math.round((loadBudget + cases.length * caseBudget * 2 + 3) * 1000));
  return {
    request: {
      code: build(payload),
      language: options.language,
      image: options.image,
      limits: { timeoutMs, outputBytes: 1024 * 1024 },
      signal: options.signal,
    },
    marker,
    loadBudget,
    caseBudget,
  };
}

/** The longest a live harness container may live, whatever its feed: an ask's models have answered long before. */
export const LIVE_HARNESS_MS = 10 * 60_000;

/** What a harness program receives of each case. */
export function casesOf(cases: readonly JudgeCase[]): HarnessPayload['cases'] {
  return cases.map(({ id, setup, code }) => ({ id, setup, code }));
}

/** A finished harness run's report, and whether the harness itself crashed. */
export function readHarness(run: RunResult, marker: string, cases: readonly JudgeCase[]): HarnessRun {
  const mark = cpuMs();
  const report = parseHarnessOutput(
    run.stdout,
    marker,
    cases.map((c) => c.id),
    run.timedOut,
  );
  const crashed = !report.complete && !run.timedOut && /_q_main|_q_worker|quorumMain/.test(run.stderr);
  return { report, run, hostMs: cpuMs() - mark, crash: crashed ? lastLine(run.stderr) : undefined };
}

/**
 * The harness crashed through its own frames for every candidate: a Quorum bug (or a broken
 * image), not the candidates' fault, so the judge fails visibly. One candidate alone can break
 * the harness it runs in (it shares the interpreter); that only costs that candidate its cells.
 */
export function harnessFailure(crashes: readonly (string | undefined)[]): JudgeError | undefined {
  if (crashes.length === 0 || crashes.some((c) => c === undefined)) return undefined;
  return new JudgeError(
    'harness-failed',
    `The cross-test harness crashed for every candidate: ${crashes[0]}`,
    "This is a Quorum bug, not the candidates': please report it with the Quorum log.",
  );
}

/** A sandbox failure under the judge, as the judge's typed error (the original as its cause). */
export function judgeErrorOf(error: unknown, signal?: AbortSignal): JudgeError {
  if (JudgeError.is(error)) return error;
  if (signal?.aborted || (SandboxError.is(error) && error.reason === 'cancelled')) {
    return new JudgeError('cancelled', 'The judge was cancelled.', 'Run the ask again.', error);
  }
  const failure = SandboxError.failureOf(error);
  return new JudgeError(
    'sandbox',
    `The judge could not run the candidates: ${failure.message}`,
    failure.advice,
    error,
  );
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
