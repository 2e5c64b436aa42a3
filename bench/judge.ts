/**
 * Judge benchmark on real model outputs (HumanEval + CodeGen-16B samples + generated tests, as
 * released with CodeT). For each problem the judge picks using only the prompt, candidates and
 * generated tests, everything run in the Docker sandbox; the pick is then scored with the hidden
 * reference test. Prints each selector as a fraction of the oracle (problems where at least one
 * candidate passes), all measured in this one run.
 *
 *   npx tsx bench/judge.ts [--limit N] [--image IMAGE] [--dump FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { codetGroups } from '../src/core/judge/agreement';
import { eachBounded } from '../src/core/judge/crossTest';
import type { JudgeEvidence } from '../src/core/judge/evidence';
import { gatherEvidence } from '../src/core/judge/evidence';
import { clusterOutputs } from '../src/core/judge/outputConsensus';
import { decideVerdict } from '../src/core/judge/strategies';
import type { JudgeInput, Sandbox } from '../src/core/types';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';

const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'judge', 'judge-humaneval-dev.jsonl');
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

function loadProblems(limit: number): Problem[] {
  const lines = readFileSync(FIXTURE, 'utf8')
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

type Selector = (e: JudgeEvidence, p: Problem) => string | null;

const firstThatRuns: Selector = (e) => e.outcomes.find((o) => o.outcome === 'ok')?.id ?? null;

const outputConsensus: Selector = (e, p) => {
  const ok = e.outcomes.filter((o) => o.outcome === 'ok');
  const top = clusterOutputs(ok)[0];
  return top && top.length >= 2 ? top[0] : (firstThatRuns(e, p) ?? p.input.candidates[0]?.id ?? null);
};

/** CodeT with whole test blocks as the unit: a block passes when every one of its cases passes. */
const codetBlocks: Selector = (e, p) => {
  const testIds = [...new Set(e.cases.map((c) => c.testId))];
  const evidence = e.outcomes.map((o) => ({
    id: o.id,
    probes: {},
    cells: Object.fromEntries(
      testIds.map((t) => [
        t,
        e.cases.filter((c) => c.testId === t).every((c) => o.evidence.cells[c.id] === 'pass')
          ? 'pass'
          : 'fail',
      ]),
    ),
  })) as Parameters<typeof codetGroups>[0];
  return codetGroups(evidence, testIds)[0]?.members[0] ?? p.input.candidates[0]?.id ?? null;
};

const codetCases: Selector = (e, p) =>
  codetGroups(
    e.outcomes.map((o) => o.evidence),
    e.cases.map((c) => c.id),
  )[0]?.members[0] ??
  p.input.candidates[0]?.id ??
  null;

/** The same CodeT grouping with Quorum's tie rule (shorter code first): shows what the tie rule alone is worth. */
const codetCasesShortest: Selector = (e, p) => {
  const groups = codetGroups(
    e.outcomes.map((o) => o.evidence),
    e.cases.map((c) => c.id),
  );
  const scoreOf = (id: string): number => groups.find((g) => g.members.includes(id))?.score ?? 0;
  const order = p.input.candidates.map((c, i) => ({ id: c.id, i, len: c.code.length, score: scoreOf(c.id) }));
  order.sort((a, b) => b.score - a.score || a.len - b.len || a.i - b.i);
  return order[0]?.id ?? null;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const limit = Number(flag('--limit') ?? Infinity);
  const image = flag('--image') ?? DEFAULT_IMAGE;
  const problems = loadProblems(limit);
  const sandbox = createDockerSandbox({ images: { python: image }, pull: false, poolSize: 2 });
  await sandbox.check();
  console.log(`judge bench: ${problems.length} problems, Docker sandbox, image ${image}`);
  const started = Date.now();
  const rows: {
    problem: Problem;
    evidence: JudgeEvidence;
    passed: Record<string, boolean>;
    pick: string | null;
    overheadMs: number;
  }[] = [];
  await eachBounded(problems, 2, async (problem) => {
    const evidence = await gatherEvidence(problem.input, { sandbox, image, concurrency: 2 });
    const t1 = performance.now();
    const pick = decideVerdict(evidence, problem.input).pick;
    const overheadMs = performance.now() - t1 + evidence.hostMs;
    rows.push({
      problem,
      evidence,
      passed: await scoreWithReference(sandbox, problem, image),
      pick,
      overheadMs,
    });
    if (rows.length % 10 === 0) process.stderr.write(`  ${rows.length}/${problems.length} problems\n`);
  });
  await sandbox.dispose();
  const oracle = rows.filter((r) => Object.values(r.passed).some(Boolean));
  const rate = (pick: (r: (typeof rows)[number]) => number): number =>
    oracle.reduce((sum, r) => sum + pick(r), 0) / Math.max(1, oracle.length);
  const selectorRate = (s: Selector): number =>
    rate((r) => (r.passed[s(r.evidence, r.problem) ?? ''] ? 1 : 0));
  const random = rate(
    (r) => Object.values(r.passed).filter(Boolean).length / r.problem.input.candidates.length,
  );
  const figures: [string, number][] = [
    ['random pick (expected value)', random],
    ['first candidate that runs', selectorRate(firstThatRuns)],
    ['output consensus only', selectorRate(outputConsensus)],
    ['CodeT grouping, whole test blocks', selectorRate(codetBlocks)],
    ['CodeT grouping, single assertions', selectorRate(codetCases)],
    ['  same, ties to the shorter code', selectorRate(codetCasesShortest)],
    ["Quorum's judge", rate((r) => (r.passed[r.pick ?? ''] ? 1 : 0))],
  ];
  console.log(`oracle: ${oracle.length}/${rows.length} problems have a passing candidate`);
  for (const [name, value] of figures) console.log(`${name.padEnd(36)} ${value.toFixed(3)} of oracle`);
  const overhead = rows.map((r) => r.overheadMs).sort((a, b) => a - b);
  console.log(
    `judge overhead outside the sandbox: median ${overhead[overhead.length >> 1].toFixed(2)} ms, max ${overhead[overhead.length - 1].toFixed(2)} ms per problem`,
  );
  console.log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const dump = flag('--dump');
  if (dump)
    writeFileSync(
      dump,
      JSON.stringify(rows.map((r) => ({ task: r.problem.taskId, evidence: r.evidence, passed: r.passed }))),
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
