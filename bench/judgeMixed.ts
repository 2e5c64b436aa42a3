/**
 * Judge benchmark on candidates WITHOUT tests (issue 28): the mixed-model dev sets of
 * ../shared/bench (HumanEval and MBPP, up to 8 candidates per problem from different models and
 * methods; see its README.md). The judge sees the prompt and the candidates' code only: no
 * tests, no `model` (blanked before the judge sees a candidate), no `reference_test` (read only
 * by the scorer, in its own container). With no tests the judge generates inputs from the
 * signature, hints and examples (src/core/judge/generatedInputs.ts), runs every candidate on them
 * in the Docker sandbox and picks by behaviour (behaviourClusters.ts).
 *
 * A separate bench from bench/judge.ts because its data, variants and evidence differ: no model
 * tests, two sets, and the calibration of the behaviour modes is fitted here.
 *
 * FIXED SPLIT (chosen before any tuning, as in bench/judge.ts): task number mod 4 == 0 is the
 * TUNING half, mod 4 == 2 the REPORT half (the odd task numbers are held out by the data's
 * owners and are not in these files). Parameters and the confidence maps were chosen on the
 * tuning half only; the report half is the headline, with its sample size (problems where some
 * candidate passes) beside each figure.
 *
 * Variants: `plain` (docstring examples removed from the prompt) and `examples` (the prompt keeps
 * its examples, which the judge trusts). The two files hold the same candidates' code (checked at
 * load), so each candidate runs once, in one harness container, on the union of both variants'
 * cases; each variant's judge then sees exactly its own cases (the ids and order judgeCases gives
 * it), as gatherEvidence would have run them.
 *
 *   npx tsx bench/judgeMixed.ts [--limit N] [--sets humaneval,mbpp] [--dump FILE] [--replay FILE]
 *                               [--tune] [--fit]
 *
 * --dump saves the evidence and reference results; --replay re-scores a dump without Docker.
 * --tune prints the behaviour parameters' grid on the tuning half; --fit prints the confidence
 * maps fitted on the tuning half (pasted into src/core/judge/calibration.ts).
 * QUORUM_BENCH_SMOKE=1: two problems of the HumanEval set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { BehaviourParams } from '../src/core/judge/behaviourClusters';
import { DEFAULT_BEHAVIOUR, behaviourFeatures, judgeByBehaviour } from '../src/core/judge/behaviourClusters';
import type { BehaviourMode, CalibrationReport, ConfidenceMap } from '../src/core/judge/calibration';
import {
  CONFIDENCE_MAPS,
  MAP_FEATURES,
  applyMap,
  calibrationReport,
  fitMap,
  reliabilitySvg,
} from '../src/core/judge/calibration';
import { crossTest, matrixOf } from '../src/core/judge/crossTest';
import type { JudgeEvidence } from '../src/core/judge/evidence';
import { judgeCases, outcomeOf } from '../src/core/judge/evidence';
import type { HarnessReport } from '../src/core/judge/harnessResult';
import { QUORUM_SELECTION } from '../src/core/judge/selection';
import { behaviourMode, decideVerdict, withoutGenerated } from '../src/core/judge/strategies';
import type { JudgeCase } from '../src/core/judge/testCases';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import type { JudgeCandidate, JudgeInput, RunResult, Verdict } from '../src/core/types';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import type { Half } from './judge';
import { scoreWithReference } from './judge';
import { emitResults, flagValue, isSmoke, target, type ResultTable, type ResultTarget } from './results';

const DATA = process.env.QUORUM_JUDGE_DATA ?? path.join(__dirname, '..', '..', 'shared', 'bench');
const SETS = {
  humaneval: 'judge-humaneval-mixed-dev',
  mbpp: 'judge-mbpp-mixed-dev',
} as const;
type SetName = keyof typeof SETS;
export type MixedVariant = 'plain' | 'examples';
const VARIANTS: readonly MixedVariant[] = ['plain', 'examples'];
const IMAGE = OFFLINE_IMAGES.python ?? 'quorum-offline/python:3.11';
const SMOKE = isSmoke();
const ECE_BINS = 10;

const line = z.object({
  task_id: z.string(),
  prompt: z.string(),
  language: z.literal('python'),
  entry_point: z.string(),
  candidates: z.array(z.object({ id: z.string(), model: z.string(), code: z.string() })),
  tests: z.array(z.unknown()),
  reference_test: z.string(),
});

/** The fixed split: task number mod 4 == 0 tunes, mod 4 == 2 is the report half. */
export function mixedHalf(taskId: string): Half {
  const n = Number(/(\d+)$/.exec(taskId)?.[1]);
  if (!Number.isInteger(n) || n % 2 !== 0) throw new Error(`${taskId}: not an even (dev) task number`);
  return n % 4 === 0 ? 'tuning' : 'held-out';
}

interface MixedProblem {
  readonly set: SetName;
  readonly task: string;
  /** What each variant's judge sees: prompt and candidates, `model` blanked, no tests. */
  readonly inputs: Record<MixedVariant, JudgeInput>;
  readonly scoring: { readonly entryPoint: string; readonly referenceTest: string };
}

/** One problem: both variants' evidence and the reference results (what --dump writes). */
export interface MixedRow {
  readonly set: SetName;
  readonly task: string;
  readonly half: Half;
  readonly candidates: readonly JudgeCandidate[];
  readonly evidence: Record<MixedVariant, JudgeEvidence>;
  readonly passed: Readonly<Record<string, boolean>>;
}

function loadSet(set: SetName, limit: number): MixedProblem[] {
  const read = (suffix: string): z.infer<typeof line>[] =>
    readFileSync(path.join(DATA, `${SETS[set]}${suffix}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => line.parse(JSON.parse(l)));
  const plain = read('');
  const examples = read('-examples');
  return plain.slice(0, limit).map((p, i) => {
    const e = examples[i];
    const same =
      e.task_id === p.task_id &&
      e.candidates.length === p.candidates.length &&
      e.candidates.every((c, j) => c.id === p.candidates[j].id && c.code === p.candidates[j].code);
    if (!same) throw new Error(`${set} ${p.task_id}: the two variants' candidates differ`);
    // The judge never sees a model's name: it must not pick by it.
    const candidates: JudgeCandidate[] = p.candidates.map((c) => ({ id: c.id, model: '', code: c.code }));
    const input = (prompt: string): JudgeInput => ({ prompt, language: 'python', candidates, tests: [] });
    return {
      set,
      task: p.task_id,
      inputs: { plain: input(p.prompt), examples: input(e.prompt) },
      scoring: { entryPoint: p.entry_point, referenceTest: p.reference_test },
    };
  });
}

/** Each variant's cases renamed into one union (by code), so a candidate runs them all once. */
function unionOf(perVariant: Record<MixedVariant, JudgeCase[]>): {
  union: JudgeCase[];
  idOf: Record<MixedVariant, Map<string, string>>;
} {
  const byCode = new Map<string, JudgeCase>();
  const idOf = { plain: new Map<string, string>(), examples: new Map<string, string>() };
  for (const v of VARIANTS) {
    for (const c of perVariant[v]) {
      const key = `${c.setup}\u0000${c.code}`;
      let u = byCode.get(key);
      if (!u) {
        u = { ...c, id: `u${byCode.size + 1}` };
        byCode.set(key, u);
      }
      idOf[v].set(c.id, u.id);
    }
  }
  return { union: [...byCode.values()], idOf };
}

/** A variant's view of the union run: its own case ids, in its own order. */
function variantEvidence(
  input: JudgeInput,
  cases: JudgeCase[],
  idOf: Map<string, string>,
  reports: Readonly<Record<string, HarnessReport>>,
  runs: Readonly<Record<string, RunResult>>,
  sandboxMs: number,
): JudgeEvidence {
  const mine: Record<string, HarnessReport> = {};
  for (const c of input.candidates) {
    const r = reports[c.id];
    mine[c.id] = {
      ...r,
      cases: Object.fromEntries(cases.map((k) => [k.id, r.cases[idOf.get(k.id) ?? '']])),
    };
  }
  return {
    cases,
    matrix: cases.length > 0 ? matrixOf(input.candidates, cases, mine) : undefined,
    outcomes: input.candidates.map((c) => outcomeOf(c, mine[c.id], runs[c.id])),
    sandboxMs,
    hostMs: 0,
  };
}

async function gather(problems: readonly MixedProblem[]): Promise<{ rows: MixedRow[]; wallS: number }> {
  const sandbox = createDockerSandbox({ images: { python: IMAGE }, pull: false, poolSize: 2 });
  await sandbox.check();
  const started = Date.now();
  const rows: MixedRow[] = [];
  let done = 0;
  const two = pLimit(2);
  await Promise.all(
    problems.map((p) =>
      two(async () => {
        const passed = await scoreWithReference(
          sandbox,
          { taskId: p.task, input: p.inputs.plain, scoring: p.scoring },
          IMAGE,
        );
        const perVariant = { plain: judgeCases(p.inputs.plain), examples: judgeCases(p.inputs.examples) };
        const { union, idOf } = unionOf(perVariant);
        const result = await crossTest(p.inputs.plain.candidates, union, {
          sandbox,
          language: 'python',
          image: IMAGE,
          concurrency: 2,
        });
        const sandboxMs = Object.values(result.runs).reduce((s, r) => s + r.durationMs, 0);
        const evidence = {
          plain: variantEvidence(
            p.inputs.plain,
            perVariant.plain,
            idOf.plain,
            result.reports,
            result.runs,
            sandboxMs,
          ),
          examples: variantEvidence(
            p.inputs.examples,
            perVariant.examples,
            idOf.examples,
            result.reports,
            result.runs,
            sandboxMs,
          ),
        };
        rows.push({
          set: p.set,
          task: p.task,
          half: mixedHalf(p.task),
          candidates: p.inputs.plain.candidates,
          evidence,
          passed,
        });
        if (++done % 20 === 0) process.stderr.write(`  ${done}/${problems.length} problems\n`);
      }),
    ),
  );
  await sandbox.dispose();
  return { rows, wallS: (Date.now() - started) / 1000 };
}

type Picker = (row: MixedRow, variant: MixedVariant) => Readonly<Record<string, number>>;

const one = (id: string | null): Record<string, number> => (id ? { [id]: 1 } : {});
const randomPick: Picker = (row) =>
  Object.fromEntries(row.candidates.map((c) => [c.id, 1 / row.candidates.length]));
/** The judge before issue 28: no generated inputs (only the examples, when the prompt has them). */
const previousJudge: Picker = (row, v) =>
  one(decideVerdict(withoutGenerated(row.evidence[v]), { candidates: row.candidates }).pick);
const quorumWith =
  (behaviour: BehaviourParams): Picker =>
  (row, v) =>
    one(verdictOf(row, v, behaviour).pick);

function verdictOf(row: MixedRow, v: MixedVariant, behaviour: BehaviourParams = QUORUM_BEHAVIOUR): Verdict {
  return decideVerdict(row.evidence[v], { candidates: row.candidates }, { ...QUORUM_SELECTION, behaviour });
}

const QUORUM_BEHAVIOUR: BehaviourParams = QUORUM_SELECTION.behaviour ?? DEFAULT_BEHAVIOUR;

const hasOracle = (r: MixedRow): boolean => Object.values(r.passed).some(Boolean);

interface Scored {
  readonly right: number;
  readonly oracle: number;
}

function score(rows: readonly MixedRow[], v: MixedVariant, picker: Picker): Scored {
  const oracle = rows.filter(hasOracle);
  const right = oracle.reduce(
    (s, r) => s + Object.entries(picker(r, v)).reduce((t, [id, p]) => t + (r.passed[id] ? p : 0), 0),
    0,
  );
  return { right, oracle: oracle.length };
}

const frac = (s: Scored): number => s.right / Math.max(1, s.oracle);
const fmt = (s: Scored): string =>
  `${Number.isInteger(s.right) ? s.right : s.right.toFixed(1)}/${s.oracle} = ${frac(s).toFixed(3)}`;

/** The behaviour parameters' grid on the tuning half (what chose QUORUM_SELECTION.behaviour). */
function printTuning(rows: readonly MixedRow[]): void {
  const tuning = rows.filter((r) => r.half === 'tuning');
  console.log('\ntuning half only: fraction of oracle per behaviour parameters');
  for (const rule of ['cluster', 'mbr'] as const) {
    for (const validShare of [0, 0.25, 0.5, 0.75]) {
      const cells = (Object.keys(SETS) as SetName[]).flatMap((set) =>
        VARIANTS.map((v) =>
          fmt(
            score(
              tuning.filter((r) => r.set === set),
              v,
              quorumWith({ rule, validShare }),
            ),
          ),
        ),
      );
      console.log(`  rule ${rule.padEnd(7)} validShare ${validShare.toFixed(2)}: ${cells.join('  ')}`);
    }
  }
}

interface LabelledVerdict {
  readonly task: string;
  readonly confidence: number;
  /** The map the verdict used; null when it was not judged by behaviour (nothing loaded). */
  readonly mode: BehaviourMode | null;
  readonly features: Record<string, number>;
  readonly right: 0 | 1;
}

/** Every verdict of a variant: its confidence, the map it used, its features, whether it was right. */
function labelled(rows: readonly MixedRow[], v: MixedVariant): LabelledVerdict[] {
  return rows.map((r) => {
    const e = r.evidence[v];
    const loaded = new Set(e.outcomes.filter((o) => o.outcome === 'ok').map((o) => o.id));
    const j = judgeByBehaviour(
      e.outcomes.map((o) => o.evidence),
      loaded,
      e.cases,
      QUORUM_BEHAVIOUR,
    );
    const verdict = verdictOf(r, v);
    const right: 0 | 1 = r.passed[verdict.pick ?? ''] ? 1 : 0;
    const judged = j && j.classes.length > 0 ? j : null;
    return {
      task: r.task,
      confidence: verdict.confidence,
      mode: judged ? behaviourMode(judged) : null,
      features: judged ? behaviourFeatures(judged) : {},
      right,
    };
  });
}

/** The training rows of a mode's map: `generated` from the plain variant, `examples` from the other. */
function trainingRows(rows: readonly MixedRow[], mode: BehaviourMode): LabelledVerdict[] {
  return labelled(rows, mode === 'generated' ? 'plain' : 'examples').filter((l) => l.mode === mode);
}

const FEATURE_SETS: Record<BehaviourMode, string[][]> = {
  generated: [
    ['share'],
    ['share', 'margin'],
    ['share', 'margin', 'support'],
    ['share', 'margin', 'support', 'alone', 'noSplit'],
  ],
  examples: [
    ['share', 'trustedMissed'],
    ['share', 'margin', 'trustedMissed'],
    ['share', 'margin', 'support', 'trustedMissed'],
    ['share', 'margin', 'support', 'alone', 'noSplit', 'trustedMissed'],
  ],
};

/**
 * The confidence maps, tuning half only: for each mode, each candidate feature set is scored by
 * 2-fold cross-validation inside the tuning half (task number mod 8 == 0 against mod 8 == 4; Brier
 * score, which is steadier than ECE on a hundred rows), and the best set is refitted on the whole
 * tuning half.
 */
function fitMaps(rows: readonly MixedRow[]): Record<BehaviourMode, ConfidenceMap> {
  const tuning = rows.filter((r) => r.half === 'tuning');
  const out = {} as Record<BehaviourMode, ConfidenceMap>;
  const fold = (task: string): number => (Number(/(\d+)$/.exec(task)?.[1]) % 8 === 0 ? 0 : 1);
  for (const mode of ['generated', 'examples'] as const) {
    const data = trainingRows(tuning, mode);
    let best: { set: string[]; brier: number } | undefined;
    for (const set of FEATURE_SETS[mode]) {
      const scored = [0, 1].flatMap((k) => {
        const map = fitMap(
          data.filter((d) => fold(d.task) !== k),
          set,
        );
        return data
          .filter((d) => fold(d.task) === k)
          .map((d) => ({ confidence: applyMap(map, d.features), right: d.right }));
      });
      const r = calibrationReport(scored, ECE_BINS);
      console.log(
        `  ${mode} [${set.join(', ')}]: cross-validated Brier ${r.brier.toFixed(4)}, ECE ${r.ece.toFixed(3)} (n ${r.count})`,
      );
      if (!best || r.brier < best.brier) best = { set, brier: r.brier };
    }
    out[mode] = fitMap(data, best?.set ?? MAP_FEATURES[mode]);
  }
  return out;
}

function reliabilityTable(reports: readonly { name: string; report: CalibrationReport }[]): ResultTable {
  const binRows: string[][] = [];
  const first = reports[0]?.report.bins ?? [];
  first.forEach((b, i) => {
    const cells = reports.map(({ report }) => {
      const x = report.bins[i];
      return x.count === 0
        ? '-'
        : `${x.count}: ${(x.confidence ?? 0).toFixed(2)} → ${(x.accuracy ?? 0).toFixed(2)}`;
    });
    if (cells.some((c) => c !== '-'))
      binRows.push([
        `[${b.lo.toFixed(1)}, ${b.hi.toFixed(1)}${i === first.length - 1 ? ']' : ')'}`,
        ...cells,
      ]);
  });
  binRows.push([
    '**ECE**',
    ...reports.map(({ report }) => `**${report.ece.toFixed(3)}** (n ${report.count})`),
  ]);
  return {
    columns: [
      'confidence bin',
      ...reports.map(({ name }) => `${name}: picks, mean confidence → share right`),
    ],
    rows: binRows,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => flagValue(argv, name);
  const replay = flag('--replay');
  let rows: MixedRow[];
  let wallS: number | null = null;
  if (replay) {
    rows = JSON.parse(readFileSync(replay, 'utf8')) as MixedRow[];
    console.log(`judge mixed bench: replaying ${rows.length} problems from ${replay} (no sandbox)`);
  } else {
    const sets = (flag('--sets') ?? Object.keys(SETS).join(',')).split(',') as SetName[];
    const limit = SMOKE ? 2 : Number(flag('--limit') ?? Infinity);
    const problems = (SMOKE ? ['humaneval' as SetName] : sets).flatMap((s) => {
      if (!(s in SETS)) throw new Error(`--sets: unknown set ${s} (known: ${Object.keys(SETS).join(', ')})`);
      return loadSet(s, limit);
    });
    console.log(`judge mixed bench: ${problems.length} problems, Docker sandbox, image ${IMAGE}`);
    const gathered = await gather(problems);
    rows = gathered.rows;
    wallS = Math.round(gathered.wallS);
    console.log(`sandbox wall time ${gathered.wallS.toFixed(1)} s`);
  }
  rows.sort((a, b) => a.set.localeCompare(b.set) || a.task.localeCompare(b.task, 'en', { numeric: true }));
  const dump = flag('--dump');
  if (dump) writeFileSync(dump, JSON.stringify(rows));
  console.log(
    `split: tuning = task number mod 4 == 0, report = mod 4 == 2; behaviour ${JSON.stringify(QUORUM_BEHAVIOUR)}`,
  );
  if (argv.includes('--tune')) printTuning(rows);
  if (argv.includes('--fit'))
    console.log(`\nconfidence maps fitted on the tuning half:\n${JSON.stringify(fitMaps(rows), null, 2)}`);

  const pickers: [string, string, Picker][] = [
    ['random', 'random pick (expected value)', randomPick],
    ['previous', 'previous rules: examples only, no generated inputs', previousJudge],
    ['quorum', "**Quorum's judge** (generated inputs, behaviour classes)", quorumWith(QUORUM_BEHAVIOUR)],
    [
      'cluster',
      'ablation: the largest class wins (AlphaCode) instead of MBR-ranked classes',
      quorumWith({ ...QUORUM_BEHAVIOUR, rule: 'cluster' }),
    ],
  ];
  const sets = [...new Set(rows.map((r) => r.set))];
  const columns: { set: SetName; v: MixedVariant; half: Half }[] = [];
  for (const half of ['held-out', 'tuning'] as const)
    for (const set of sets) for (const v of VARIANTS) columns.push({ set, v, half });
  const figures: Record<string, number | null> = {};
  const table: string[][] = [];
  for (const [key, name, picker] of pickers) {
    table.push([
      name,
      ...columns.map(({ set, v, half }) => {
        const s = score(
          rows.filter((r) => r.set === set && r.half === half),
          v,
          picker,
        );
        const id = `${set}.${v}.${half}.${key}`;
        figures[`${id}.right`] = Math.round(s.right * 10) / 10;
        figures[`${id}.oracle`] = s.oracle;
        return key === 'quorum' && half === 'held-out' ? `**${fmt(s)}**` : fmt(s);
      }),
    ]);
  }
  const targets: ResultTarget[] = [];
  for (const set of sets) {
    for (const v of VARIANTS) {
      const of = (key: string): number =>
        (figures[`${set}.${v}.held-out.${key}.right`] ?? 0) /
        Math.max(1, figures[`${set}.${v}.held-out.${key}.oracle`] ?? 0);
      const n = figures[`${set}.${v}.held-out.quorum.oracle`] ?? 0;
      const q = Math.round(of('quorum') * 1000) / 1000;
      targets.push(target(`${set} ${v}, report half (n ${n}): fraction of oracle`, q, '≥ 0.85', q >= 0.85));
      targets.push(
        target(
          `${set} ${v}, report half (n ${n}): above random`,
          q,
          `> ${of('random').toFixed(3)} (random)`,
          q > of('random'),
        ),
      );
    }
  }

  // Calibration: the verdict's confidence against whether the pick passed, every problem of the
  // report half (those where no candidate passes too: the pick is wrong there, and should say so).
  const heldOut = rows.filter((r) => r.half === 'held-out');
  const NAMES: Record<MixedVariant, string> = {
    plain: 'no tests, no examples (generated inputs)',
    examples: 'your examples + generated inputs',
  };
  const reports = VARIANTS.map((v) => ({
    name: NAMES[v],
    report: calibrationReport(labelled(heldOut, v), ECE_BINS),
  }));
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  for (const [i, v] of VARIANTS.entries()) {
    const { report } = reports[i];
    figures[`calibration.${v}.ece`] = r3(report.ece);
    figures[`calibration.${v}.n`] = report.count;
    figures[`calibration.${v}.brier`] = r3(report.brier);
    for (const set of sets) {
      const one = calibrationReport(
        labelled(
          heldOut.filter((r) => r.set === set),
          v,
        ),
        ECE_BINS,
      );
      figures[`calibration.${v}.${set}.ece`] = r3(one.ece);
      figures[`calibration.${v}.${set}.n`] = one.count;
    }
    targets.push(
      target(
        `calibration, ${NAMES[v]}, report half, both sets (n ${report.count}): ECE (${ECE_BINS} bins)`,
        r3(report.ece),
        '≤ 0.05',
        report.ece <= 0.05,
      ),
    );
  }
  if (!SMOKE && !replay?.includes('smoke')) {
    writeFileSync(path.join(__dirname, '..', 'docs', 'judge-reliability.svg'), reliabilitySvg(reports));
  }
  const setNames: Record<SetName, string> = { humaneval: 'HumanEval', mbpp: 'MBPP' };
  await emitResults({
    name: 'judgeMixed',
    figures: { ...figures, sandboxWallS: wallS, problems: rows.length },
    targets,
    notes: {
      split: 'task number mod 4 == 0 tunes, mod 4 == 2 is the report half',
      behaviour: JSON.stringify(QUORUM_BEHAVIOUR),
      maps: JSON.stringify(CONFIDENCE_MAPS),
      eceBins: ECE_BINS,
      source: replay ? 'replayed dump' : 'Docker sandbox',
    },
    tables: {
      selection: {
        columns: [
          'selector',
          ...columns.map(
            ({ set, v, half }) =>
              `${setNames[set]} ${v}, ${half === 'held-out' ? '**report half**' : 'tuning'}`,
          ),
        ],
        rows: table,
      },
      reliability: reliabilityTable(reports),
    },
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
