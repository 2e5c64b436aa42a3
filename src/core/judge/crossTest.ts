import type { CellResult, Language, RunResult, Sandbox, TestMatrix } from '../types';
import { SandboxError } from '../types';
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
 * cases, each isolated inside the harness. Throws `SandboxError` when the sandbox cannot run.
 */
export async function crossTest(
  candidates: readonly { readonly id: string; readonly code: string }[],
  cases: readonly JudgeCase[],
  options: CrossTestOptions,
): Promise<CrossTestResult> {
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
  // Enough wall time for a load and every case plus its probes at their budgets, but bounded.
  const timeoutMs = Math.min(60_000, Math.round((loadBudget + cases.length * caseBudget * 2 + 3) * 1000));
  const reports: Record<string, HarnessReport> = {};
  const runs: Record<string, RunResult> = {};
  let hostMs = 0;
  await eachBounded(candidates, options.concurrency ?? 2, async (candidate) => {
    let mark = performance.now();
    const marker = newMarker();
    const payload: HarnessPayload = {
      marker,
      candidate: candidate.code,
      cases: cases.map(({ id, setup, code }) => ({ id, setup, code })),
      loadBudget,
      caseBudget,
      stdoutCap: 4096,
      probe: options.probe ?? true,
    };
    const program = build(payload);
    hostMs += performance.now() - mark;
    const run = await options.sandbox.run({
      code: program,
      language: options.language,
      image: options.image,
      limits: { timeoutMs, outputBytes: 1024 * 1024 },
      signal: options.signal,
    });
    mark = performance.now();
    runs[candidate.id] = run;
    const ids = cases.map((c) => c.id);
    reports[candidate.id] = parseHarnessOutput(run.stdout, marker, ids, run.timedOut);
    hostMs += performance.now() - mark;
  });
  const mark = performance.now();
  const cells: Record<string, Record<string, CellResult>> = {};
  for (const candidate of candidates) {
    const report = reports[candidate.id];
    cells[candidate.id] = Object.fromEntries(cases.map((c) => [c.id, report.cases[c.id].result]));
  }
  const matrix = { cases: cases.map(({ id, testId, code }) => ({ id, testId, code })), cells };
  return { reports, runs, matrix, hostMs: hostMs + performance.now() - mark };
}

/** Runs `task` over `items` with at most `limit` in flight; the first failure rejects. */
export async function eachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
