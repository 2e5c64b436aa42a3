import pLimit from 'p-limit';
import { cpuMs } from './cpuClock';
import type { JudgeCandidate, JudgeInput, RunResult, TestCase, Verdict } from '../types';
import type { JudgeError } from '../types';
import { silentLogger } from '../types';
import { harnessFailure, judgeErrorOf, matrixOf, runHarness, supportsCrossTest } from './crossTest';
import type { CandidateOutcome, JudgeEvidence } from './evidence';
import { outcomeOf, ownRun } from './evidence';
import type { HarnessReport } from './harnessResult';
import { decideVerdict } from './strategies';
import type { JudgeCase } from './testCases';
import { splitTestCases } from './testCases';
import { trustedCases } from './trustedCases';
import type { JudgeOptions } from './verdict';
import { withLlmOpinion } from './verdict';

/** What the session knows when an ask starts; candidates and tests arrive later. */
export type JudgeStart = Pick<JudgeInput, 'prompt' | 'language' | 'context' | 'trustedTests' | 'signal'>;

export interface IncrementalJudgement {
  /** A finished answer's code: run at once against every case known so far. */
  addCandidate(candidate: JudgeCandidate): void;
  /** A model's test block: its cases run at once against every candidate known so far. */
  addTests(test: TestCase): void;
  /** Waits for the remaining runs and decides; the same verdict a batch judge gives on the same inputs. */
  finish(): Promise<Verdict>;
  /** The evidence `finish` decides on (matrix, probes, outcomes), for benchmarks and tests. */
  evidence(): Promise<JudgeEvidence>;
}

export interface IncrementalJudge {
  begin(start: JudgeStart): IncrementalJudgement;
}

interface Row {
  readonly candidate: JudgeCandidate;
  /** Cases not yet run against this candidate. */
  pending: JudgeCase[];
  /** Needs a harness run for its load outcome even without cases (the session did not run it). */
  needsLoad: boolean;
  report?: HarnessReport;
  /** The first harness run (its stderr stands for the candidate's noise), or its own plain run. */
  run?: RunResult;
  busy: boolean;
  /** Its last harness run crashed through the harness's own frames. */
  crash?: string;
}

/**
 * The judge fed as answers arrive: each candidate runs against the cases known so far, each new
 * test block against the candidates so far, so at the last answer only its own row and column
 * remain. A candidate has at most one container in flight; cases arriving meanwhile queue and go
 * together into its next (fresh) container. Same matrix, probes and verdict as `createJudge`.
 */
export function createIncrementalJudge(options: JudgeOptions): IncrementalJudge {
  const logger = options.logger ?? silentLogger;
  return {
    begin(start) {
      const mark = cpuMs();
      const harnessed = supportsCrossTest(start.language);
      const cases: JudgeCase[] = harnessed ? trustedCases(start) : [];
      const tests: TestCase[] = [];
      const rows: Row[] = [];
      const slots = pLimit(Math.max(1, options.concurrency ?? 2));
      const inFlight = new Set<Promise<void>>();
      let failure: JudgeError | undefined;
      let finished = false;
      let hostMs = cpuMs() - mark;

      const pump = (row: Row): void => {
        if (row.busy || failure || (row.pending.length === 0 && !row.needsLoad)) return;
        row.busy = true;
        const task = slots(async () => {
          // The batch is taken once the container slot is ours, a tick later at the earliest:
          // a test block that arrives with its candidate (or while waiting) joins this run.
          await Promise.resolve();
          const batch = row.pending;
          row.pending = [];
          row.needsLoad = false;
          if (start.signal?.aborted) throw judgeErrorOf(new Error('cancelled'), start.signal);
          if (!harnessed) {
            row.run = await ownRun(row.candidate, start, options);
            return;
          }
          const one = await runHarness(row.candidate, batch, {
            sandbox: options.sandbox,
            language: start.language,
            image: options.image,
            caseBudgetMs: options.caseBudgetMs,
            signal: start.signal,
          });
          hostMs += one.hostMs;
          row.run ??= one.run;
          row.crash = one.crash;
          row.report = merge(row.report, one.report);
        })
          .catch((error: unknown) => {
            failure ??= judgeErrorOf(error, start.signal);
          })
          .finally(() => {
            row.busy = false;
            inFlight.delete(task);
            pump(row);
          });
        inFlight.add(task);
      };

      return {
        addCandidate(candidate) {
          if (finished) throw new Error('addCandidate after finish');
          const row: Row = {
            candidate,
            pending: [...cases],
            needsLoad: !candidate.run,
            busy: false,
          };
          rows.push(row);
          pump(row);
        },
        addTests(test) {
          if (finished) throw new Error('addTests after finish');
          if (!harnessed || options.crossTests === false) return;
          const t = cpuMs();
          tests.push(test);
          const added = splitTestCases([test], start.language);
          cases.push(...added);
          hostMs += cpuMs() - t;
          for (const row of rows) {
            row.pending.push(...added);
            pump(row);
          }
        },
        async finish() {
          const evidence = await this.evidence();
          const input: JudgeInput = { ...start, candidates: rows.map((r) => r.candidate), tests };
          const verdict = decideVerdict(evidence, input);
          logger.info(
            `judge: ${verdict.strategy} picked ${verdict.pick ?? 'nothing'} (${verdict.confidence})`,
          );
          return withLlmOpinion(verdict, input, options.llmJudge);
        },
        async evidence() {
          finished = true;
          while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
          if (failure) throw failure;
          if (start.signal?.aborted) throw judgeErrorOf(new Error('cancelled'), start.signal);
          const broken = harnessed
            ? harnessFailure(rows.filter((r) => r.report).map((r) => r.crash))
            : undefined;
          if (broken) throw broken;
          const t = cpuMs();
          const candidates = rows.map((r) => r.candidate);
          // A candidate with a session run and never a case has no report, as in the batch judge.
          const outcomes: CandidateOutcome[] = rows.map((r) =>
            outcomeOf(r.candidate, r.report, r.candidate.run ?? r.run),
          );
          const reports = Object.fromEntries(
            rows.flatMap((r) => (r.report ? [[r.candidate.id, r.report]] : [])),
          );
          const result: JudgeEvidence = {
            cases,
            matrix: cases.length > 0 ? matrixOf(candidates, cases, reports) : undefined,
            outcomes,
            sandboxMs: rows.reduce((s, r) => s + (r.run?.durationMs ?? 0), 0),
            hostMs: hostMs + cpuMs() - t,
          };
          return result;
        },
      };
    },
  };
}

/** Reports of one candidate's successive containers: the first load, every case's first result. */
function merge(a: HarnessReport | undefined, b: HarnessReport): HarnessReport {
  if (!a) return b;
  return { load: a.load, cases: { ...b.cases, ...a.cases }, complete: a.complete && b.complete };
}
