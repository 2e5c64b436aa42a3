import { cpuMs } from './cpuClock';
import type { JudgeCandidate, JudgeInput, RunResult, Sandbox, TestMatrix } from '../types';
import type { CaseEvidence } from './agreement';
import { crossTest, judgeErrorOf, supportsCrossTest } from './crossTest';
import type { HarnessReport } from './harnessResult';
import type { JudgeCase } from './testCases';
import { splitTestCases } from './testCases';
import { trustedCases } from './trustedCases';
import { generatedCases } from './generatedInputs';
import { writtenCases } from './writtenTests';

/** How a candidate's own program ended, ordered by severity for the fallback. */
export type RunOutcome = 'ok' | 'compile-error' | 'runtime-error' | 'timeout';

export interface CandidateOutcome {
  readonly id: string;
  readonly outcome: RunOutcome;
  /** The candidate's own stdout (for output consensus). */
  readonly stdout: string;
  /** Bytes of stderr from its own run: noise costs a little score. */
  readonly stderrBytes: number;
  readonly detail: string;
  readonly evidence: CaseEvidence;
}

/** Everything the strategies decide on; produced once, judged purely. */
export interface JudgeEvidence {
  readonly cases: readonly JudgeCase[];
  readonly matrix?: TestMatrix;
  readonly outcomes: readonly CandidateOutcome[];
  /** Milliseconds spent inside sandbox runs (summed over concurrent runs). */
  readonly sandboxMs: number;
  /** Milliseconds the judge spent outside the sandbox: splitting, harness building, parsing. */
  readonly hostMs: number;
}

export interface GatherOptions {
  readonly sandbox: Sandbox;
  readonly image?: string;
  readonly concurrency?: number;
  readonly caseBudgetMs?: number;
}

/**
 * Runs what needs running: one harness container per candidate (its own load plus every test
 * case) unless the candidate already has a run and there are no tests to check it against.
 */
export async function gatherEvidence(input: JudgeInput, options: GatherOptions): Promise<JudgeEvidence> {
  const mark = cpuMs();
  const cases = judgeCases(input);
  const needHarness = supportsCrossTest(input.language)
    ? input.candidates.filter((c) => cases.length > 0 || !c.run)
    : [];
  const splitMs = cpuMs() - mark;
  const result =
    needHarness.length > 0
      ? await crossTest(needHarness, cases, {
          sandbox: options.sandbox,
          language: input.language,
          image: options.image,
          concurrency: options.concurrency,
          caseBudgetMs: options.caseBudgetMs,
          signal: input.signal,
        })
      : undefined;
  const ownRuns = await runUnharnessed(input, options, new Set(needHarness.map((c) => c.id)));
  const sandboxMs =
    Object.values(result?.runs ?? {}).reduce((sum, r) => sum + r.durationMs, 0) +
    Object.values(ownRuns).reduce((sum, r) => sum + r.durationMs, 0);
  const mark2 = cpuMs();
  const outcomes = input.candidates.map((c) =>
    outcomeOf(c, result?.reports[c.id], c.run ?? ownRuns[c.id] ?? result?.runs[c.id]),
  );
  const hostMs = splitMs + (result?.hostMs ?? 0) + cpuMs() - mark2;
  return { cases, matrix: cases.length > 0 ? result?.matrix : undefined, outcomes, sandboxMs, hostMs };
}

/**
 * Trusted cases first (the user's examples and test files), then the models' split tests; with
 * no model test, generated inputs in their place (Python: generatedInputs.ts).
 */
export function judgeCases(
  input: Pick<
    JudgeInput,
    'prompt' | 'context' | 'trustedTests' | 'language' | 'tests' | 'candidates' | 'writtenTests'
  >,
): JudgeCase[] {
  if (!supportsCrossTest(input.language)) return [];
  const trusted = trustedCases(input);
  const models = splitTestCases(input.tests, input.language);
  return [...trusted, ...(models.length > 0 ? models : generatedFor(input, trusted))];
}

/** Generated inputs for a judge input without model tests (Python only; empty otherwise). */
export function generatedFor(
  input: Pick<JudgeInput, 'prompt' | 'language' | 'writtenTests'> & {
    readonly candidates: readonly { readonly code: string }[];
  },
  trusted: readonly JudgeCase[],
): JudgeCase[] {
  if (input.language !== 'python') return [];
  const generated = generatedCases(
    input.prompt,
    input.candidates.map((c) => c.code),
    trusted,
  );
  // A cheap model's asserts (writtenTests.ts) join the generated inputs: probed the same way, and
  // checked against their expected values.
  return generated.length > 0 ? [...generated, ...writtenCases(input.writtenTests)] : [];
}

/** Languages without a harness: run each candidate plainly when the session has not. */
async function runUnharnessed(
  input: JudgeInput,
  options: GatherOptions,
  harnessed: ReadonlySet<string>,
): Promise<Record<string, RunResult>> {
  const runs: Record<string, RunResult> = {};
  for (const c of input.candidates) {
    if (c.run || harnessed.has(c.id)) continue;
    runs[c.id] = await ownRun(c, input, options);
  }
  return runs;
}

/** A candidate's plain run for a language without a harness; failures become `JudgeError`. */
async function ownRun(
  candidate: JudgeCandidate,
  input: Pick<JudgeInput, 'language' | 'signal'>,
  options: Pick<GatherOptions, 'sandbox' | 'image'>,
): Promise<RunResult> {
  try {
    return await options.sandbox.run({
      code: candidate.code,
      language: input.language,
      image: options.image,
      signal: input.signal,
    });
  } catch (error) {
    throw judgeErrorOf(error, input.signal);
  }
}

export function outcomeOf(
  candidate: JudgeCandidate,
  report: HarnessReport | undefined,
  run: RunResult | undefined,
): CandidateOutcome {
  const evidence: CaseEvidence = {
    id: candidate.id,
    cells: Object.fromEntries(Object.entries(report?.cases ?? {}).map(([k, v]) => [k, v.result])),
    probes: Object.fromEntries(Object.entries(report?.cases ?? {}).map(([k, v]) => [k, v.probes])),
  };
  // The session's own run of the program is the truth about "does it run"; the harness load is
  // the same program in the same image, used when the session did not run it.
  if (candidate.run || !report) {
    const r = candidate.run ?? run;
    return {
      id: candidate.id,
      outcome: r ? outcomeOfRun(r) : 'runtime-error',
      stdout: r?.stdout ?? '',
      stderrBytes: r?.stderr.length ?? 0,
      detail: r ? lastLine(r.stderr) : 'not run',
      evidence,
    };
  }
  const status = report.load.status;
  const outcome: RunOutcome =
    status === 'pass'
      ? 'ok'
      : status === 'syntax'
        ? 'compile-error'
        : status === 'timeout'
          ? 'timeout'
          : 'runtime-error';
  return {
    id: candidate.id,
    outcome,
    stdout: report.load.stdout,
    stderrBytes: run?.stderr.length ?? 0,
    detail: report.load.detail,
    evidence,
  };
}

export function outcomeOfRun(run: RunResult): RunOutcome {
  if (run.timedOut) return 'timeout';
  if (run.exitCode === 0) return 'ok';
  return /SyntaxError|IndentationError|TabError/.test(run.stderr) ? 'compile-error' : 'runtime-error';
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
