/**
 * The judge's own CPU work for one verdict of 5 candidates x 25 cases, without the sandbox:
 * example parsing and test splitting, building the 5 harness programs, parsing 5 harness outputs
 * (as the harness prints them, probes included) and deciding. Median and p95 over 200 verdicts
 * after a warm-up, in CPU milliseconds of this process.
 */
import { cpuMs } from '../src/core/judge/cpuClock';
import { matrixOf } from '../src/core/judge/crossTest';
import type { JudgeEvidence } from '../src/core/judge/evidence';
import { judgeCases, outcomeOf } from '../src/core/judge/evidence';
import { newMarker, parseHarnessOutput } from '../src/core/judge/harnessResult';
import { pythonHarness } from '../src/core/judge/pythonHarness';
import { decideVerdict } from '../src/core/judge/strategies';
import type { JudgeInput } from '../src/core/types';

/** One verdict's judge-side work on `input` (which must have 5 candidates and >= 25 cases). */
function oneVerdict(input: JudgeInput): number {
  const start = cpuMs();
  const cases = judgeCases(input).slice(0, 25);
  const reports = Object.fromEntries(
    input.candidates.map((c, i) => {
      const marker = newMarker();
      pythonHarness({
        marker,
        candidate: c.code,
        cases: cases.map(({ id, setup, code }) => ({ id, setup, code })),
        loadBudget: 3,
        caseBudget: 1,
        stdoutCap: 4096,
        probe: true,
        live: false,
      });
      // What the harness prints: a load line, a line per case (a pattern of results), done.
      const lines = [`${marker}${JSON.stringify({ kind: 'load', status: 'pass', detail: '', stdout: '' })}`];
      cases.forEach((k, j) => {
        const result = (i + j) % 3 === 0 ? 'fail' : 'pass';
        lines.push(
          `${marker}${JSON.stringify({ kind: 'case', id: k.id, result, detail: '', probes: [`[${(i * j) % 4}, 'x']`] })}`,
        );
      });
      lines.push(`${marker}${JSON.stringify({ kind: 'done' })}`);
      const report = parseHarnessOutput(
        lines.join('\n'),
        marker,
        cases.map((k) => k.id),
        false,
      );
      return [c.id, report];
    }),
  );
  const evidence: JudgeEvidence = {
    cases,
    matrix: matrixOf(input.candidates, cases, reports),
    outcomes: input.candidates.map((c) => outcomeOf(c, reports[c.id], undefined)),
    sandboxMs: 0,
    hostMs: 0,
  };
  decideVerdict(evidence, input);
  return cpuMs() - start;
}

export function judgeCpuFor5x25(input: JudgeInput): { median: number; p95: number; cases: number } {
  for (let i = 0; i < 30; i++) oneVerdict(input);
  const times = Array.from({ length: 200 }, () => oneVerdict(input)).sort((a, b) => a - b);
  return {
    median: times[100],
    p95: times[190],
    cases: Math.min(25, judgeCases(input).length),
  };
}
