import { cpuMs } from './cpuClock';
import type { FeedPort, JudgeCandidate, JudgeInput, RunResult, TestCase, Verdict } from '../types';
import type { JudgeError } from '../types';
import { silentLogger } from '../types';
import {
  casesOf,
  harnessFailure,
  harnessFor,
  judgeErrorOf,
  matrixOf,
  readHarness,
  supportsCrossTest,
} from './crossTest';
import type { HarnessRun } from './crossTest';
import type { JudgeEvidence } from './evidence';
import { gatherEvidence, generatedFor, outcomeOf } from './evidence';
import type { WrittenTests } from './writtenTests';
import { feedLine } from './harnessResult';
import { decideVerdict } from './strategies';
import type { JudgeCase } from './testCases';
import { splitTestCases } from './testCases';
import { trustedCases } from './trustedCases';
import type { JudgeOptions } from './verdict';
import { createJudge, withLlmOpinion } from './verdict';

/** What the session knows when an ask starts; candidates and tests arrive later. */
export type JudgeStart = Pick<JudgeInput, 'prompt' | 'language' | 'context' | 'trustedTests' | 'signal'>;

export interface IncrementalJudgement {
  /**
   * A finished answer's code: run at once against every case known so far. It may come before
   * its own program run: `finish` then gets the candidates as they ended, with their runs.
   */
  addCandidate(candidate: JudgeCandidate): void;
  /** A model's test block: its cases run at once against every candidate known so far. */
  addTests(test: TestCase): void;
  /**
   * Waits for the remaining runs and decides; the same verdict a batch judge gives on the same
   * inputs. `final`: the candidates as they ended (same ids), when they gained their own runs
   * after they were added.
   */
  finish(final?: readonly JudgeCandidate[], written?: WrittenTests): Promise<Verdict>;
  /**
   * The evidence `finish` decides on (matrix, probes, outcomes), for benchmarks and tests.
   * `written`: a cheap model's asserts, run with the generated inputs when no model wrote a test.
   */
  evidence(final?: readonly JudgeCandidate[], written?: WrittenTests): Promise<JudgeEvidence>;
}

export interface IncrementalJudge {
  begin(start: JudgeStart): IncrementalJudgement;
}

/**
 * The judge fed as answers arrive. Where the sandbox has live runs (Python and JavaScript in a
 * container engine), each candidate gets one harness container when it arrives: it loads the
 * candidate, runs the cases known so far, then waits on its feed, and each new test block goes to
 * every open harness as it arrives. At the last answer only its own row and a few cases per
 * earlier candidate remain, with no container to start for them. One container per candidate,
 * holding all its cases in the order the batch judge runs them: the same matrix, probes and
 * verdict as `createJudge` (a container is still never given a second program).
 *
 * Languages without a harness, and sandboxes without live runs, get the batch judge at `finish`.
 */
export function createIncrementalJudge(options: JudgeOptions): IncrementalJudge {
  return {
    begin(start) {
      const live = supportsCrossTest(start.language) && options.sandbox.feeds?.(start.language) === true;
      return live ? liveHarnesses(start, options) : collected(start, options);
    },
  };
}

/** A candidate's open harness container and what it has been sent. */
interface LiveRow {
  readonly candidate: JudgeCandidate;
  readonly marker: string;
  /** Every case sent, in order: its report is read against these. */
  readonly sent: JudgeCase[];
  /** Feed lines written before the container was ready. */
  queue: string[];
  port?: FeedPort;
  /** Result lines the harness owes (the load, then one per case) and has written so far. */
  owed: number;
  written: number;
  deadline?: NodeJS.Timeout;
  /** (Re)sets the deadline for what the harness still owes. */
  arm: () => void;
  run: Promise<RunResult | undefined>;
}

function liveHarnesses(start: JudgeStart, options: JudgeOptions): IncrementalJudgement {
  const mark = cpuMs();
  const cases: JudgeCase[] = trustedCases(start);
  const tests: TestCase[] = [];
  const rows: LiveRow[] = [];
  let failure: JudgeError | undefined;
  let finished = false;
  let hostMs = cpuMs() - mark;
  const harnessOptions = {
    sandbox: options.sandbox,
    language: start.language,
    image: options.image,
    caseBudgetMs: options.caseBudgetMs,
    signal: start.signal,
  };

  const send = (row: LiveRow, line: string): void => {
    if (row.port) row.port.send(line);
    else row.queue.push(line);
  };
  /** New cases for every open harness (and every later one), as the batch judge would run them. */
  const sendCases = (added: readonly JudgeCase[]): void => {
    const t = cpuMs();
    cases.push(...added);
    const line = added.length > 0 ? feedLine({ cases: casesOf(added) }) : '';
    hostMs += cpuMs() - t;
    if (!line) return;
    for (const row of rows) {
      row.sent.push(...added);
      row.owed += added.length;
      send(row, line);
      row.arm();
    }
  };

  return {
    addCandidate(candidate) {
      if (finished) throw new Error('addCandidate after finish');
      const t = cpuMs();
      const harness = harnessFor(candidate, cases, harnessOptions, true);
      hostMs += cpuMs() - t;
      const row: LiveRow = {
        candidate,
        marker: harness.marker,
        sent: [...cases],
        queue: [],
        owed: 1 + cases.length,
        written: 0,
        arm: () => undefined,
        run: Promise.resolve(undefined),
      };
      // The harness gets its own deadline for the work it owes, renewed as results come: a
      // candidate that hangs past its budgets (in a blocking call no alarm interrupts) is stopped
      // as the batch judge's container would be, and an idle harness waits as long as the ask.
      const budget = (): number =>
        (row.written === 0 ? harness.loadBudget : 0) +
        (row.owed - Math.max(row.written, 1)) * harness.caseBudget * 2 +
        3;
      row.arm = (): void => {
        clearTimeout(row.deadline);
        if (row.port && row.written < row.owed) {
          const port = row.port;
          row.deadline = setTimeout(() => port.expire(), budget() * 1000);
        }
      };
      const count = markerCounter(harness.marker, (n) => {
        row.written += n;
        row.arm();
      });
      row.run = options.sandbox
        .run({
          ...harness.request,
          feed: {
            open(port) {
              row.port = port;
              for (const line of row.queue.splice(0)) port.send(line);
              row.arm();
            },
            stdout: count,
          },
        })
        .catch((error: unknown) => {
          failure ??= judgeErrorOf(error, start.signal);
          return undefined;
        })
        .finally(() => clearTimeout(row.deadline));
      rows.push(row);
    },
    addTests(test) {
      if (finished) throw new Error('addTests after finish');
      if (options.crossTests === false) return;
      const t = cpuMs();
      tests.push(test);
      const added = splitTestCases([test], start.language);
      hostMs += cpuMs() - t;
      sendCases(added);
    },
    async finish(final, written) {
      const evidence = await this.evidence(final, written);
      return decided(
        evidence,
        {
          ...start,
          candidates: ended(
            rows.map((r) => r.candidate),
            final,
          ),
          tests,
        },
        options,
      );
    },
    async evidence(final, written) {
      if (!finished) {
        finished = true;
        // No model wrote a test: the generated inputs, as judgeCases gives them to the batch judge
        // (after the trusted cases, from the prompt and the first candidate), on the open harnesses.
        if (!cases.some((c) => !c.trusted)) {
          sendCases(
            generatedFor(
              { ...start, candidates: rows.map((r) => r.candidate), writtenTests: written },
              cases,
            ),
          );
        }
        for (const row of rows) send(row, feedLine({ end: true }));
      }
      const runs = await Promise.all(rows.map((r) => r.run));
      if (failure) throw failure;
      if (start.signal?.aborted) throw judgeErrorOf(new Error('cancelled'), start.signal);
      const t = cpuMs();
      const candidates = ended(
        rows.map((r) => r.candidate),
        final,
      );
      // As in the batch judge: a candidate with its own run and no case to take has no report.
      const read = rows.map((row, i): HarnessRun | undefined => {
        const run = runs[i];
        return run && (cases.length > 0 || !candidates[i].run)
          ? readHarness(run, row.marker, row.sent)
          : undefined;
      });
      const broken = harnessFailure(read.flatMap((r) => (r ? [r.crash] : [])));
      if (broken) throw broken;
      const reports = Object.fromEntries(read.flatMap((r, i) => (r ? [[candidates[i].id, r.report]] : [])));
      return {
        cases,
        matrix: cases.length > 0 ? matrixOf(candidates, cases, reports) : undefined,
        outcomes: candidates.map((c, i) => outcomeOf(c, read[i]?.report, c.run ?? runs[i])),
        sandboxMs: runs.reduce((s, r) => s + (r?.durationMs ?? 0), 0),
        hostMs: hostMs + read.reduce((s, r) => s + (r?.hostMs ?? 0), 0) + cpuMs() - t,
      };
    },
  };
}

/**
 * A language without a harness (judged by the candidates' own runs, which the session has made
 * by `finish`), or a sandbox without live runs: the batch judge at `finish`.
 */
function collected(start: JudgeStart, options: JudgeOptions): IncrementalJudgement {
  const candidates: JudgeCandidate[] = [];
  const tests: TestCase[] = [];
  const input = (): JudgeInput => ({
    ...start,
    candidates,
    tests: options.crossTests === false ? [] : tests,
  });
  return {
    addCandidate: (candidate) => void candidates.push(candidate),
    addTests: (test) => void tests.push(test),
    finish: (final, written) =>
      createJudge(options).judge({
        ...input(),
        candidates: ended(candidates, final),
        writtenTests: written,
      }),
    evidence: (final, written) =>
      gatherEvidence({ ...input(), candidates: ended(candidates, final), writtenTests: written }, options),
  };
}

/** The candidates in the order they came, as they ended (`final`, by id) where given. */
function ended(
  added: readonly JudgeCandidate[],
  final: readonly JudgeCandidate[] | undefined,
): JudgeCandidate[] {
  const byId = new Map(final?.map((c) => [c.id, c]));
  return added.map((c) => byId.get(c.id) ?? c);
}

async function decided(evidence: JudgeEvidence, input: JudgeInput, options: JudgeOptions): Promise<Verdict> {
  const verdict = decideVerdict(evidence, input);
  (options.logger ?? silentLogger).info(
    `judge: ${verdict.strategy} picked ${verdict.pick ?? 'nothing'} (${verdict.confidence})`,
  );
  return withLlmOpinion(verdict, input, options.llmJudge);
}

/** Counts `marker` in a byte stream split anywhere (the harness starts every result line with it). */
export function markerCounter(marker: string, onCount: (n: number) => void): (chunk: Uint8Array) => void {
  let tail = '';
  return (chunk) => {
    const text = tail + Buffer.from(chunk).toString('latin1');
    let n = 0;
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) n++;
    // Shorter than the marker: an occurrence is never counted twice.
    tail = text.slice(Math.max(0, text.length - (marker.length - 1)));
    if (n > 0) onCount(n);
  };
}
