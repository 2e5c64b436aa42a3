/**
 * Judge benchmark on real model outputs (HumanEval + CodeGen-16B samples + generated tests, as
 * released with CodeT). For each problem the judge sees only the prompt, the candidates and the
 * generated tests, everything runs in the Docker sandbox, and the pick is then scored with the
 * hidden reference test. Two variants of the same problems: CodeT's prompts (usage examples
 * removed) and HumanEval's original prompts (with examples, which the judge trusts).
 *
 * Fixed split, chosen before any tuning: HumanEval task number mod 4 == 0 is the TUNING half,
 * mod 4 == 2 the HELD-OUT half (41 problems each). The judge's parameters were chosen on the
 * tuning half only (`--tune` prints that grid); the held-out half is the headline.
 *
 *   npx tsx bench/judge.ts [--limit N] [--image IMAGE] [--dump FILE] [--replay FILE] [--tune]
 *
 * --dump FILE saves every problem's evidence and reference results; --replay FILE re-scores a
 * dump without Docker (the selectors are pure functions of the evidence).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PAPER_B4 } from '../src/core/judge/b4';
import pLimit from 'p-limit';
import type { JudgeEvidence } from '../src/core/judge/evidence';
import { gatherEvidence } from '../src/core/judge/evidence';
import { cpuMs } from '../src/core/judge/cpuClock';
import { judgeCases } from '../src/core/judge/evidence';
import { QUORUM_SELECTION } from '../src/core/judge/selection';
import type { JudgeInput, Sandbox } from '../src/core/types';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import type { Selector } from './judgeSelectors';
import {
  b4Selector,
  codetCases,
  expectedRight,
  firstThatRuns,
  quorumGroupAtRandom,
  quorumSelector,
  quorumVerdict,
  randomPick,
} from './judgeSelectors';
import { judgeCpuFor5x25 } from './judgeCpu';
import { printTuning } from './judgeTune';

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'judge');
const VARIANTS = {
  'without examples': 'judge-humaneval-dev.jsonl',
  'with examples': 'judge-humaneval-dev-examples.jsonl',
} as const;
export type Variant = keyof typeof VARIANTS;
const DEFAULT_IMAGE = OFFLINE_IMAGES.python ?? 'quorum-offline/python:3.11';

const code = z.object({ id: z.string(), model: z.string(), code: z.string() });
const line = z.object({
  task_id: z.string(),
  prompt: z.string(),
  language: z.literal('python'),
  entry_point: z.string(),
  candidates: z.array(code),
  tests: z.array(code),
  reference_test: z.string(),
});

/** The judge's view and the scorer's view of a problem are built apart: `input` has no reference. */
interface Problem {
  readonly taskId: string;
  readonly input: JudgeInput;
  readonly scoring: { readonly entryPoint: string; readonly referenceTest: string };
}

export type Half = 'tuning' | 'held-out';

/** The fixed split: HumanEval/N with N mod 4 == 0 tunes, N mod 4 == 2 is held out. */
export function halfOf(taskId: string): Half {
  return Number(taskId.split('/')[1]) % 4 === 0 ? 'tuning' : 'held-out';
}

function loadProblems(file: string, limit: number): Problem[] {
  const lines = readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.slice(0, limit).map((raw) => {
    const p = line.parse(JSON.parse(raw));
    const input: JudgeInput = {
      prompt: p.prompt,
      language: p.language,
      candidates: p.candidates,
      tests: p.tests,
    };
    return {
      taskId: p.task_id,
      input,
      scoring: { entryPoint: p.entry_point, referenceTest: p.reference_test },
    };
  });
}

/** One container per problem; each candidate is checked in a forked child so none can disturb another. */
const REFERENCE_SCORER = String.raw`
import json, os, signal
q = json.loads(RAW)
out = os.fdopen(os.dup(1), 'w')
for c in q['candidates']:
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1); os.dup2(devnull, 2)
        signal.alarm(5)
        try:
            ns = {}
            exec(compile(c['code'] + '\n\n' + q['test'], '<scored>', 'exec'), ns)
            ns['check'](ns[q['entry']])
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    out.write(q['marker'] + json.dumps({'id': c['id'], 'pass': ok}) + '\n')
out.flush()
`;

async function scoreWithReference(
  sandbox: Sandbox,
  problem: Problem,
  image: string,
): Promise<Record<string, boolean>> {
  const marker = `@@ref-${Math.random().toString(36).slice(2)}@@`;
  const payload = {
    marker,
    entry: problem.scoring.entryPoint,
    test: problem.scoring.referenceTest,
    candidates: problem.input.candidates,
  };
  const program = REFERENCE_SCORER.replace('RAW', JSON.stringify(JSON.stringify(payload)));
  const run = await sandbox.run({ code: program, language: 'python', image, limits: { timeoutMs: 40_000 } });
  const passed: Record<string, boolean> = {};
  for (const l of run.stdout.split('\n')) {
    if (!l.startsWith(marker)) continue;
    const r = z.object({ id: z.string(), pass: z.boolean() }).parse(JSON.parse(l.slice(marker.length)));
    passed[r.id] = r.pass;
  }
  return passed;
}

/** One judged problem of one variant; what --dump writes and --replay reads. */
export interface Row {
  readonly task: string;
  readonly variant: Variant;
  readonly half: Half;
  readonly candidates: JudgeInput['candidates'];
  readonly evidence: JudgeEvidence;
  readonly passed: Readonly<Record<string, boolean>>;
  /** The judge's own CPU work: splitting, example parsing, harness building, parsing, deciding. */
  readonly judgeCpuMs: number;
}

async function gatherRows(limit: number, image: string): Promise<{ rows: Row[]; wallS: number }> {
  const sandbox = createDockerSandbox({ images: { python: image }, pull: false, poolSize: 2 });
  await sandbox.check();
  const started = Date.now();
  const byVariant = Object.entries(VARIANTS).map(([variant, file]) => ({
    variant: variant as Variant,
    problems: loadProblems(file, limit),
  }));
  const total = byVariant[0].problems.length;
  console.log(
    `judge bench: ${total} problems x ${byVariant.length} variants, Docker sandbox, image ${image}`,
  );
  const rows: Row[] = [];
  const work = byVariant[0].problems.map((p, i) => ({ p, i }));
  let done = 0;
  const twoAtOnce = pLimit(2);
  await Promise.all(
    work.map(({ p, i }) =>
      twoAtOnce(async () => {
        const passed = await scoreWithReference(sandbox, p, image);
        for (const { variant, problems } of byVariant) {
          const problem = problems[i];
          const evidence = await gatherEvidence(problem.input, { sandbox, image, concurrency: 2 });
          const t = cpuMs();
          quorumVerdict(evidence, problem.input.candidates);
          const judgeCpuMs = evidence.hostMs + cpuMs() - t;
          rows.push({
            task: problem.taskId,
            variant,
            half: halfOf(problem.taskId),
            candidates: problem.input.candidates,
            evidence,
            passed,
            judgeCpuMs,
          });
        }
        if (++done % 10 === 0) process.stderr.write(`  ${done}/${total} problems\n`);
      }),
    ),
  );
  await sandbox.dispose();
  return { rows, wallS: (Date.now() - started) / 1000 };
}

const hasOracle = (r: Row): boolean => Object.values(r.passed).some(Boolean);

function score(rows: readonly Row[], selector: Selector): { right: number; oracle: number } {
  const oracle = rows.filter(hasOracle);
  const right = oracle.reduce((s, r) => s + expectedRight(selector(r.evidence, r.candidates), r.passed), 0);
  return { right, oracle: oracle.length };
}

function report(rows: readonly Row[]): void {
  const selectors: [string, Selector][] = [
    ['random pick (expected value)', randomPick],
    ['first candidate that runs', firstThatRuns],
    ['CodeT, single assertions', codetCases],
    [`B4 (paper: alpha_xy ${PAPER_B4.alphaXY}, beta_0 ${PAPER_B4.beta0})`, b4Selector(PAPER_B4)],
    ["Quorum's judge", quorumSelector()],
    [
      '  ablation: + functional agreement (split)',
      quorumSelector({ ...QUORUM_SELECTION, agreement: 'split' }),
    ],
    ['  ablation: random member of chosen group', quorumGroupAtRandom()],
  ];
  const fmt = (s: { right: number; oracle: number }): string => {
    const count = Number.isInteger(s.right) ? String(s.right) : s.right.toFixed(1);
    return `${`${count}/${s.oracle}`.padStart(8)} = ${(s.right / Math.max(1, s.oracle)).toFixed(3)}`;
  };
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const of = (half: Half): Row[] => rows.filter((r) => r.variant === variant && r.half === half);
    console.log(
      `\n${variant} (fraction of oracle; oracle = problems where some candidate passes the reference)`,
    );
    console.log(`${'selector'.padEnd(42)} ${'HELD-OUT (headline)'.padEnd(20)} tuning half`);
    for (const [name, selector] of selectors) {
      console.log(
        `${name.padEnd(42)} ${fmt(score(of('held-out'), selector)).padEnd(20)} ${fmt(score(of('tuning'), selector))}`,
      );
    }
    printCalibration(of('held-out'), 'held-out');
  }
}

/** How often picks at each confidence level were right, over every problem of the half. */
function printCalibration(rows: readonly Row[], label: string): void {
  const buckets = [
    [0, 0.5],
    [0.5, 0.8],
    [0.8, 0.95],
    [0.95, 1.01],
  ] as const;
  const parts = buckets.map(([lo, hi]) => {
    const inside = rows
      .map((r) => ({ r, v: quorumVerdict(r.evidence, r.candidates) }))
      .filter(({ v }) => v.confidence >= lo && v.confidence < hi);
    const right = inside.filter(({ r, v }) => r.passed[v.pick ?? '']).length;
    const mean = inside.reduce((s, { v }) => s + v.confidence, 0) / Math.max(1, inside.length);
    const range = `[${lo.toFixed(2)}, ${Math.min(1, hi).toFixed(2)}${hi > 1 ? ']' : ')'}`;
    return `  ${range.padEnd(13)} ${`${right}/${inside.length}`.padStart(6)} right (mean confidence ${inside.length > 0 ? mean.toFixed(2) : '-'})`;
  });
  console.log(`calibration, ${label} half, all ${rows.length} problems (no oracle: every pick is wrong):`);
  for (const p of parts) console.log(p);
}

function printCpu(rows: readonly Row[]): void {
  const sample = loadProblems(VARIANTS['with examples'], Infinity).find(
    (p) => p.input.candidates.length === 5 && judgeCases(p.input).length >= 25,
  );
  if (sample) {
    const micro = judgeCpuFor5x25(sample.input);
    console.log(
      `\njudge CPU for one verdict of 5 candidates x ${micro.cases} cases (${sample.taskId}: examples, split, 5 harnesses built, 5 outputs parsed, decided; 200 runs): median ${micro.median.toFixed(2)} ms, p95 ${micro.p95.toFixed(2)} ms (target < 20 ms)`,
    );
  }
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
  const all = sorted(rows.map((r) => r.judgeCpuMs));
  const big = sorted(
    rows.filter((r) => r.candidates.length >= 5 && r.evidence.cases.length >= 25).map((r) => r.judgeCpuMs),
  );
  console.log(
    `judge CPU in this run (CPU time of this process; split, examples, harness build, parse, decide) per problem: median ${q(all, 0.5).toFixed(2)} ms, p95 ${q(all, 0.95).toFixed(2)} ms, max ${all[all.length - 1]?.toFixed(2)} ms`,
  );
  console.log(
    `  problems with 5 candidates x >= 25 cases (${big.length}): median ${q(big, 0.5).toFixed(2)} ms, max ${big[big.length - 1]?.toFixed(2) ?? '-'} ms (target < 20 ms)`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const replay = flag('--replay');
  let rows: Row[];
  if (replay) {
    rows = JSON.parse(readFileSync(replay, 'utf8')) as Row[];
    console.log(`judge bench: replaying ${rows.length} judged problems from ${replay} (no sandbox)`);
  } else {
    const gathered = await gatherRows(Number(flag('--limit') ?? Infinity), flag('--image') ?? DEFAULT_IMAGE);
    rows = gathered.rows;
    console.log(`sandbox wall time ${gathered.wallS.toFixed(1)} s`);
  }
  rows.sort(
    (a, b) => a.task.localeCompare(b.task, 'en', { numeric: true }) || a.variant.localeCompare(b.variant),
  );
  const dump = flag('--dump');
  if (dump) writeFileSync(dump, JSON.stringify(rows));
  console.log(
    `split: tuning = HumanEval task number mod 4 == 0, held-out = mod 4 == 2; Quorum's parameters: ${JSON.stringify(QUORUM_SELECTION)}`,
  );
  report(rows);
  printCpu(rows);
  if (argv.includes('--tune')) printTuning(rows.filter((r) => r.half === 'tuning'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
