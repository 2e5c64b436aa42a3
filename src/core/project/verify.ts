/**
 * The project evidence of one edit ask: the baseline (the project's tests on the unmodified
 * snapshot, started as soon as the ask starts, while the models answer) and, for each candidate
 * whose edit applies, the same test command on its own copy with its edit laid over the snapshot.
 * Each run is reduced to a per-test status map read from the runner's report; a candidate's
 * evidence is its map graded against the baseline's. A run that cannot prove it ran is no
 * evidence, never a pass.
 */
import pLimit from 'p-limit';
import { SandboxError } from '../types';
import { classifyRun } from './classify';
import { singleFileArchive } from './snapshot';
import { testScript } from './testCommand';
import { readTestRun } from './testReports';
import type {
  EditResult,
  ProjectEvidence,
  ProjectSandbox,
  ProjectSnapshot,
  TestClass,
  TestCommand,
  TestRun,
} from './types';

export interface VerifierOptions {
  readonly sandbox: ProjectSandbox;
  readonly snapshot: ProjectSnapshot;
  /** The edited file, relative to the root. */
  readonly path: string;
  readonly test: TestCommand;
  readonly image: string;
  /** Test runs at once (the baseline included); the machine's cores bound it. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

export interface ProjectVerifier {
  /** The baseline run, started at construction. */
  readonly baseline: Promise<TestRun>;
  /** Runs the tests on one candidate's edit and grades them against the baseline. */
  verify(candidateId: string, edit: EditResult): Promise<ProjectEvidence>;
}

const NO_COUNTS: Readonly<Record<TestClass, number>> = Object.freeze({
  fixed: 0,
  regressed: 0,
  stillFailing: 0,
  passing: 0,
  new: 0,
});

export function createProjectVerifier(options: VerifierOptions): ProjectVerifier {
  const limit = pLimit(Math.max(1, options.concurrency ?? 2));
  const env = environmentOf(options.snapshot);
  const script = testScript(options.test);
  const runOn = (overlay?: Buffer): Promise<TestRun> => limit(() => testRun(options, script, env, overlay));
  const baseline = runOn();
  baseline.catch(() => undefined); // awaited by every verify; a failure is reported there
  return {
    baseline,
    async verify(candidateId, edit) {
      const touchesTests = isTestPath(options.path);
      if (!edit.ok) return noRun(candidateId, edit, touchesTests);
      const overlay = await singleFileArchive(options.path, edit.newText);
      const run = await runOn(overlay);
      const base = await baseline;
      if (run.state !== 'ok' || base.state !== 'ok') {
        return {
          candidateId,
          edit,
          run,
          outcomes: [],
          counts: NO_COUNTS,
          fixedIds: [],
          regressedIds: [],
          touchesTests,
        };
      }
      return { candidateId, edit, run, ...classifyRun(base, run), touchesTests };
    },
  };
}

async function testRun(
  options: VerifierOptions,
  script: string,
  env: readonly string[],
  overlay: Buffer | undefined,
): Promise<TestRun> {
  const runner = options.test.runner;
  try {
    const result = await options.sandbox.runTests({
      image: options.image,
      archive: options.snapshot.archive,
      overlay,
      script,
      env,
      timeoutS: options.test.timeoutS,
      signal: options.signal,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.timedOut) {
      return {
        state: 'timeout',
        exitCode: null,
        wallMs: result.wallMs,
        runner,
        tests: {},
        outputTail: tail(output),
        detail: `The tests did not finish within ${options.test.timeoutS} s (project.testTimeoutS).`,
      };
    }
    const read = readTestRun(
      runner,
      result.reports,
      result.exitCode,
      output,
      result.wallMs,
      options.test.source,
    );
    if (result.oomKilled && read.state !== 'ok') {
      return { ...read, state: 'crashed', detail: 'The tests ran out of memory in the sandbox.' };
    }
    return read.state === 'ok' ? read : { ...read, outputTail: read.outputTail ?? tail(output) };
  } catch (error) {
    if (SandboxError.is(error) && error.reason === 'cancelled') throw error;
    const failure = SandboxError.failureOf(error);
    return {
      state: 'crashed',
      exitCode: null,
      wallMs: 0,
      runner,
      tests: {},
      detail: `${failure.message} ${failure.advice}`,
    };
  }
}

function noRun(candidateId: string, edit: EditResult, touchesTests: boolean): ProjectEvidence {
  return { candidateId, edit, outcomes: [], counts: NO_COUNTS, fixedIds: [], regressedIds: [], touchesTests };
}

/** The shipped .venv's site-packages on PYTHONPATH, so the project's own dependencies import. */
export function environmentOf(snapshot: ProjectSnapshot): string[] {
  const site = snapshot.files
    .map((f) => /^(\.venv|venv)\/lib\/python[^/]+\/site-packages\//.exec(f.path)?.[0])
    .find(Boolean);
  return site ? [`PYTHONPATH=/work/${site.replace(/\/$/, '')}`] : [];
}

/** A path that is itself a test (edits there are flagged). */
export function isTestPath(path: string): boolean {
  return (
    /(^|\/)(tests?|__tests__|spec)\//.test(path) ||
    /(^|\/)(test_[^/]+\.py|[^/]+_test\.(py|go)|[^/]+\.(test|spec)\.[cm]?[jt]sx?)$/.test(path)
  );
}

function tail(text: string, max = 2000): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
}
