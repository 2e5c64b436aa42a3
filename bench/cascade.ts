/**
 * Ask strategies on recorded candidates (issue 28): `all` (every model), `cascade` (tier by tier,
 * stopping at a verified, confident verdict) and `budget` (at most N USD per ask), replayed over the
 * mixed-model dev sets of ../shared/bench (HumanEval and MBPP; up to 8 candidates per problem from
 * different models, real model names; each without and with the docstring examples).
 *
 * Every candidate's evidence is gathered once in the Docker sandbox (the judge's own
 * `gatherEvidence`) and every candidate is scored once with the hidden reference test (bench/judge.ts's
 * scorer). Each strategy is then simulated without Docker: the judge's pure verdict
 * (`decideVerdict`) over the evidence restricted to the candidates the strategy has asked so far,
 * the strategy's own plan and stop rule (src/core/strategy/plan.ts), and the list prices below. The
 * judge never sees a model's name (candidates reach it named by their id); the cascade uses the
 * names for tiers and prices, as a configured model list would.
 *
 * Split, fixed before tuning: task number mod 4 == 0 is the TUNING half, mod 4 == 2 the HELD-OUT
 * half (bench/judge.ts's `halfOf`; HumanEval 41 + 41, MBPP 119 + 119). The cascade's threshold is
 * chosen on the tuning half (the cheapest grid value whose fraction of oracle is within 0.01 of
 * `all`'s there); the budget's per-model records (wins per dollar) come from the tuning half too.
 * The tables report the held-out half only, with sample sizes.
 *
 *   npx tsx bench/cascade.ts [--limit N] [--image IMAGE] [--dump FILE] [--replay FILE]
 *
 * --dump FILE saves the gathered evidence and reference results; --replay FILE simulates again
 * without Docker. QUORUM_BENCH_SMOKE=1: the first two HumanEval problems of each variant.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { JudgeEvidence } from '../src/core/judge/evidence';
import { gatherEvidence } from '../src/core/judge/evidence';
import { decideVerdict } from '../src/core/judge/strategies';
import { buildMessages } from '../src/core/prompt';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import { estimateTokens } from '../src/core/spend';
import type { StrategySettings } from '../src/core/strategy/plan';
import { cascadeDecision, planAsk } from '../src/core/strategy/plan';
import type { ModelRecordSummary } from '../src/core/strategy/tiers';
import { tierOf } from '../src/core/strategy/tiers';
import type { JudgeCandidate, ModelConfig, Price, Verdict } from '../src/core/types';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import type { Half, Problem } from './judge';
import { halfOf, scoreWithReference } from './judge';
import { emitResults, flagValue, isSmoke, target, type ResultTable } from './results';

const SHARED = path.join(__dirname, '..', '..', 'shared', 'bench');
const SETS = [
  { set: 'HumanEval', variant: 'plain', file: 'judge-humaneval-mixed-dev.jsonl' },
  { set: 'HumanEval', variant: 'examples', file: 'judge-humaneval-mixed-dev-examples.jsonl' },
  { set: 'MBPP', variant: 'plain', file: 'judge-mbpp-mixed-dev.jsonl' },
  { set: 'MBPP', variant: 'examples', file: 'judge-mbpp-mixed-dev-examples.jsonl' },
] as const;
type SetName = (typeof SETS)[number]['set'];
type Variant = (typeof SETS)[number]['variant'];
const DEFAULT_IMAGE = OFFLINE_IMAGES.python ?? 'quorum-offline/python:3.11';
const SMOKE = isSmoke();

/**
 * List prices in USD per million tokens (input / output) and the throughput the latency model
 * assumes. Local models (run through Ollama on the user's machine) cost 0. Cloud prices are the
 * vendors' published list prices for these models: gpt-4 (8k context) $30 / $60; gpt-3.5-turbo-0613
 * $1.50 / $2.00; gpt-3.5-turbo (0125; MapCoder's "chatgpt" runs and AgentCoder's zero-shot run)
 * $0.50 / $1.50; Gemini 1.0 Pro $0.50 / $1.50. LDB's debugging rounds of a local model are local
 * too. Throughput and time to first token are assumptions for the latency model (not measured):
 * local 34B 25 tok/s, 0.8 s; local 15B 45 tok/s, 0.4 s; gpt-3.5 80 tok/s, 0.5 s; Gemini Pro 60
 * tok/s, 0.7 s; gpt-4 25 tok/s, 1.0 s.
 */
export const LIST_PRICES: Readonly<
  Record<
    string,
    { readonly local: boolean; readonly price: Price; readonly tokPerS: number; readonly ttftMs: number }
  >
> = {
  'codellama-34b-instruct': { local: true, price: usd(0, 0), tokPerS: 25, ttftMs: 800 },
  'codellama-34b-instruct+LDB': { local: true, price: usd(0, 0), tokPerS: 25, ttftMs: 800 },
  starcoder: { local: true, price: usd(0, 0), tokPerS: 45, ttftMs: 400 },
  'starcoder+LDB': { local: true, price: usd(0, 0), tokPerS: 45, ttftMs: 400 },
  'gpt-3.5-turbo-0613': { local: false, price: usd(1.5, 2), tokPerS: 80, ttftMs: 500 },
  'gpt-3.5-turbo-zeroshot': { local: false, price: usd(0.5, 1.5), tokPerS: 80, ttftMs: 500 },
  'chatgpt-cot': { local: false, price: usd(0.5, 1.5), tokPerS: 80, ttftMs: 500 },
  'chatgpt-analogical': { local: false, price: usd(0.5, 1.5), tokPerS: 80, ttftMs: 500 },
  'gemini-pro-direct': { local: false, price: usd(0.5, 1.5), tokPerS: 60, ttftMs: 700 },
  'gemini-pro-cot': { local: false, price: usd(0.5, 1.5), tokPerS: 60, ttftMs: 700 },
  'gpt-4-direct': { local: false, price: usd(30, 60), tokPerS: 25, ttftMs: 1000 },
};

function usd(inputPerMTok: number, outputPerMTok: number): Price {
  return { inputPerMTok, outputPerMTok };
}

/** The budget strategy's cap per ask, USD. About a third of what asking every model costs here. */
export const BUDGET_USD = 0.005;
/** Cascade thresholds tried on the tuning half; 1.01 never stops early (the cascade asks every tier). */
const THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01];

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

/** One problem of one set and variant, with its evidence and reference results; what --dump writes. */
export interface Row {
  readonly set: SetName;
  readonly variant: Variant;
  readonly task: string;
  readonly half: Half;
  readonly candidates: readonly { readonly id: string; readonly model: string; readonly code: string }[];
  readonly evidence: JudgeEvidence;
  readonly passed: Readonly<Record<string, boolean>>;
  /** Wall time of gathering the problem's evidence (every candidate), ms. */
  readonly evidenceMs: number;
  /** Input tokens of the ask (system prompt + prompt, characters / 4). */
  readonly inputTokens: number;
}

function loadProblems(file: string, limit: number): Problem[] {
  const full = path.join(SHARED, file);
  if (!existsSync(full))
    throw new Error(`${full} is missing: bench:cascade replays ../shared/bench (see its README.md)`);
  return readFileSync(full, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, limit)
    .map((raw) => {
      const p = line.parse(JSON.parse(raw));
      for (const c of p.candidates) {
        if (!LIST_PRICES[c.model]) throw new Error(`${p.task_id}: no list price for model ${c.model}`);
      }
      return {
        taskId: p.task_id,
        input: { prompt: p.prompt, language: p.language, candidates: p.candidates, tests: p.tests },
        scoring: { entryPoint: p.entry_point, referenceTest: p.reference_test },
      };
    });
}

function inputTokensOf(prompt: string): number {
  const messages = buildMessages({ instruction: prompt, intent: 'generate', language: 'python' }, 'python');
  return messages.reduce((sum, m) => sum + 3 + estimateTokens(m.content), 3);
}

/** What the judge sees: the candidates named by their id only (a judge must never use `model`). */
function judgeView(candidates: Row['candidates']): JudgeCandidate[] {
  return candidates.map((c) => ({ id: c.id, model: c.id, code: c.code }));
}

async function gatherRows(limit: number, image: string): Promise<{ rows: Row[]; wallS: number }> {
  const sandbox = createDockerSandbox({ images: { python: image }, pull: false, poolSize: 2 });
  await sandbox.check();
  const started = Date.now();
  const sets = SETS.filter((s) => !SMOKE || s.set === 'HumanEval').map((s) => ({
    ...s,
    problems: loadProblems(s.file, limit),
  }));
  const work = sets.flatMap((s) => s.problems.map((p) => ({ s, p })));
  console.log(`cascade bench: ${work.length} problems (sets x variants), Docker sandbox, image ${image}`);
  const rows: Row[] = [];
  let done = 0;
  const twoAtOnce = pLimit(2);
  await Promise.all(
    work.map(({ s, p }) =>
      twoAtOnce(async () => {
        const input = { ...p.input, candidates: judgeView(p.input.candidates) };
        const passed = await scoreWithReference(sandbox, p, image);
        const t = Date.now();
        const evidence = await gatherEvidence(input, { sandbox, image, concurrency: 2 });
        rows.push({
          set: s.set,
          variant: s.variant,
          task: p.taskId,
          half: halfOf(p.taskId),
          candidates: p.input.candidates,
          evidence,
          passed,
          evidenceMs: Date.now() - t,
          inputTokens: inputTokensOf(p.input.prompt),
        });
        if (++done % 20 === 0) process.stderr.write(`  ${done}/${work.length} problems\n`);
      }),
    ),
  );
  await sandbox.dispose();
  return { rows, wallS: (Date.now() - started) / 1000 };
}

// ------------------------------------------------------------------ simulation

/** The evidence of `ids` only: their outcomes and their rows of the matrix (the cases stay). */
export function restrictEvidence(e: JudgeEvidence, ids: ReadonlySet<string>): JudgeEvidence {
  return {
    ...e,
    outcomes: e.outcomes.filter((o) => ids.has(o.id)),
    matrix: e.matrix
      ? {
          ...e.matrix,
          cells: Object.fromEntries(Object.entries(e.matrix.cells).filter(([id]) => ids.has(id))),
        }
      : undefined,
  };
}

/** A candidate as a configured model: its real name, its list price, local ones as Ollama models. */
function modelOf(c: Row['candidates'][number]): ModelConfig {
  const listed = LIST_PRICES[c.model];
  return {
    id: c.id,
    kind: listed?.local ? 'ollama' : 'openai',
    model: c.model,
    enabled: true,
    price: listed && !listed.local ? listed.price : undefined,
  };
}

const outputTokensOf = (c: Row['candidates'][number]): number => estimateTokens(c.code) + 20;

function costOf(row: Row, c: Row['candidates'][number]): number {
  const p = LIST_PRICES[c.model]?.price ?? usd(0, 0);
  return (row.inputTokens * p.inputPerMTok + outputTokensOf(c) * p.outputPerMTok) / 1e6;
}

function generationMs(c: Row['candidates'][number]): number {
  const listed = LIST_PRICES[c.model];
  return listed ? listed.ttftMs + (outputTokensOf(c) / listed.tokPerS) * 1000 : 0;
}

interface Outcome {
  readonly right: boolean;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** Rounds asked. */
  readonly rounds: number;
  /** The tier of the round that ended the ask (cascade), else 0. */
  readonly stoppedTier: number;
  readonly verdict?: Verdict;
}

type Simulated = (row: Row) => Outcome;

/** One strategy on one row: ask round by round, judge everything asked so far, stop by the rule. */
function simulate(settings: StrategySettings): Simulated {
  return (row) => {
    const models = row.candidates.map(modelOf);
    const plan = planAsk(models, settings, row.inputTokens);
    const asked = new Set<string>();
    let verdict: Verdict | undefined;
    let latencyMs = 0;
    let rounds = 0;
    let stoppedTier = 0;
    for (const round of plan.rounds) {
      rounds++;
      for (const m of round.models) asked.add(m.id);
      const inRound = row.candidates.filter((c) => round.models.some((m) => m.id === c.id));
      latencyMs += Math.max(0, ...inRound.map(generationMs)) + row.evidenceMs;
      const subset = row.candidates.filter((c) => asked.has(c.id));
      verdict = decideVerdict(restrictEvidence(row.evidence, asked), { candidates: judgeView(subset) });
      stoppedTier = round.tier ?? 0;
      if (settings.strategy !== 'cascade') break;
      if (cascadeDecision(verdict, settings.threshold ?? 1).stop) break;
    }
    const costUsd = row.candidates.filter((c) => asked.has(c.id)).reduce((s, c) => s + costOf(row, c), 0);
    return {
      right: verdict?.pick ? row.passed[verdict.pick] === true : false,
      costUsd,
      latencyMs,
      rounds,
      stoppedTier,
      verdict,
    };
  };
}

const hasOracle = (r: Row): boolean => Object.values(r.passed).some(Boolean);

interface Summary {
  readonly right: number;
  readonly oracle: number;
  readonly fraction: number;
  readonly asks: number;
  readonly meanUsd: number;
  readonly medianLatencyMs: number;
  readonly tierCounts: Readonly<Record<number, number>>;
}

function summarize(rows: readonly Row[], strategy: Simulated): Summary {
  const outcomes = rows.map((r) => ({ r, o: strategy(r) }));
  const withOracle = outcomes.filter(({ r }) => hasOracle(r));
  const right = withOracle.filter(({ o }) => o.right).length;
  const latencies = outcomes.map(({ o }) => o.latencyMs).sort((a, b) => a - b);
  const tierCounts: Record<number, number> = {};
  for (const { o } of outcomes) tierCounts[o.stoppedTier] = (tierCounts[o.stoppedTier] ?? 0) + 1;
  return {
    right,
    oracle: withOracle.length,
    fraction: right / Math.max(1, withOracle.length),
    asks: outcomes.length,
    meanUsd: outcomes.reduce((s, { o }) => s + o.costUsd, 0) / Math.max(1, outcomes.length),
    medianLatencyMs: latencies[Math.floor(latencies.length / 2)] ?? 0,
    tierCounts,
  };
}

/** Per-model records from the tuning half: asks, reference passes as wins, what its answers cost. */
function recordsOf(rows: readonly Row[]): Map<string, ModelRecordSummary> {
  const byName = new Map<string, { asks: number; wins: number; costUsd: number }>();
  for (const r of rows) {
    for (const c of r.candidates) {
      const s = byName.get(c.model) ?? { asks: 0, wins: 0, costUsd: 0 };
      s.asks++;
      if (r.passed[c.id]) s.wins++;
      s.costUsd += costOf(r, c);
      byName.set(c.model, s);
    }
  }
  return byName;
}

/** Records keyed by a row's candidate ids (the simulated models' ids). */
function recordsFor(byName: ReadonlyMap<string, ModelRecordSummary>): Simulated {
  return (row) => {
    const records = new Map(
      row.candidates.flatMap((c) => {
        const r = byName.get(c.model);
        return r ? [[c.id, r] as const] : [];
      }),
    );
    return simulate({ strategy: 'budget', budgetUsd: BUDGET_USD, records })(row);
  };
}

/**
 * Two thresholds from the tuning half: `threshold`, the cheapest whose fraction of oracle is within
 * 0.01 of all's (the quality target, with a margin); `costThreshold`, the most accurate whose cost is
 * at most 40 % of all's (the cost target), undefined when none is.
 */
function chooseThreshold(tuning: readonly Row[]): {
  threshold: number;
  costThreshold?: number;
  grid: string[][];
} {
  const all = summarize(tuning, simulate({ strategy: 'all' }));
  const grid = THRESHOLDS.map((threshold) => ({
    threshold,
    s: summarize(tuning, simulate({ strategy: 'cascade', threshold })),
  }));
  const ok = grid.filter((g) => g.s.fraction >= all.fraction - 0.01);
  const best = ok.reduce(
    (a, b) => (b.s.meanUsd < a.s.meanUsd ? b : a),
    ok[ok.length - 1] ?? grid[grid.length - 1],
  );
  const cheap = grid.filter((g) => g.s.meanUsd <= 0.4 * all.meanUsd);
  const costBest = cheap.reduce<(typeof grid)[number] | undefined>(
    (a, b) => (!a || b.s.fraction > a.s.fraction ? b : a),
    undefined,
  );
  return {
    threshold: best.threshold,
    costThreshold: costBest?.threshold,
    grid: grid.map((g) => [
      g.threshold > 1 ? 'never stop early' : g.threshold.toFixed(2),
      `${g.s.right}/${g.s.oracle} = ${g.s.fraction.toFixed(3)}`,
      `${((100 * g.s.meanUsd) / Math.max(1e-12, all.meanUsd)).toFixed(0)} %`,
    ]),
  };
}

const fmtFraction = (s: Summary): string => `${s.right}/${s.oracle} = ${s.fraction.toFixed(3)}`;
const fmtUsd = (v: number): string => `$${v.toFixed(5)}`;
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => flagValue(argv, name);
  const replay = flag('--replay');
  let rows: Row[];
  let wallS: number | null = null;
  if (replay) {
    rows = JSON.parse(readFileSync(replay, 'utf8')) as Row[];
    console.log(`cascade bench: replaying ${rows.length} problems from ${replay} (no sandbox)`);
  } else {
    const gathered = await gatherRows(
      SMOKE ? 2 : Number(flag('--limit') ?? Infinity),
      flag('--image') ?? DEFAULT_IMAGE,
    );
    rows = gathered.rows;
    wallS = Math.round(gathered.wallS);
    console.log(`sandbox wall time ${gathered.wallS.toFixed(1)} s`);
  }
  rows.sort(
    (a, b) =>
      a.set.localeCompare(b.set) ||
      a.variant.localeCompare(b.variant) ||
      a.task.localeCompare(b.task, 'en', { numeric: true }),
  );
  const dump = flag('--dump');
  if (dump) writeFileSync(dump, JSON.stringify(rows));

  const tuning = rows.filter((r) => r.half === 'tuning');
  const heldOut = rows.filter((r) => r.half === 'held-out');
  const { threshold, costThreshold, grid } = chooseThreshold(tuning);
  const records = recordsOf(tuning);
  console.log(
    `split: tuning = task number mod 4 == 0 (${tuning.length} problems), held-out = mod 4 == 2 (${heldOut.length})`,
  );
  console.log(`cascade threshold chosen on the tuning half: ${threshold}`);
  const tiers = Object.keys(LIST_PRICES).map((name) => {
    const t = tierOf(modelOf({ id: name, model: name, code: '' }));
    return `${name}: tier ${t.tier}`;
  });
  console.log(`tiers (default from price and kind): ${tiers.join(', ')}`);

  const strategies: [string, string, Simulated][] = [
    ['all', '`all`: every model', simulate({ strategy: 'all' })],
    [
      'cascade',
      `\`cascade\`, quality rule (threshold ${threshold > 1 ? 'never' : threshold.toFixed(2)})`,
      simulate({ strategy: 'cascade', threshold }),
    ],
    ...(costThreshold !== undefined && costThreshold !== threshold
      ? ([
          [
            'cascadeCost',
            `**\`cascade\`, cost rule** (threshold ${costThreshold.toFixed(2)})`,
            simulate({ strategy: 'cascade', threshold: costThreshold }),
          ],
        ] as [string, string, Simulated][])
      : []),
    ['budget', `\`budget\` $${BUDGET_USD} per ask, by record`, recordsFor(records)],
    [
      'tier1',
      'tier 1 only (local models)',
      (r) =>
        simulate({ strategy: 'all' })({
          ...r,
          candidates: r.candidates.filter((c) => LIST_PRICES[c.model]?.local),
        }),
    ],
  ];
  const groups: [string, (r: Row) => boolean][] = [
    ['HumanEval', (r) => r.set === 'HumanEval' && r.variant === 'plain'],
    ['HumanEval + examples', (r) => r.set === 'HumanEval' && r.variant === 'examples'],
    ['MBPP', (r) => r.set === 'MBPP' && r.variant === 'plain'],
    ['MBPP + examples', (r) => r.set === 'MBPP' && r.variant === 'examples'],
  ];
  const figures: Record<string, number | null> = {};
  const quality: string[][] = [];
  const cost: string[][] = [];
  const pooled: Record<string, Summary> = {};
  for (const [key, name, strategy] of strategies) {
    const cells = groups.map(([group, pick]) => {
      const s = summarize(heldOut.filter(pick), strategy);
      const id = group.replace(/ \+ /, '+');
      figures[`${key}.${id}.right`] = s.right;
      figures[`${key}.${id}.oracle`] = s.oracle;
      return s.oracle ? fmtFraction(s) : '-';
    });
    const all = summarize(heldOut, strategy);
    pooled[key] = all;
    figures[`${key}.pooled.right`] = all.right;
    figures[`${key}.pooled.oracle`] = all.oracle;
    figures[`${key}.pooled.fraction`] = round4(all.fraction);
    figures[`${key}.meanUsd`] = all.meanUsd;
    figures[`${key}.medianLatencyMs`] = Math.round(all.medianLatencyMs);
    quality.push([name, ...cells, fmtFraction(all)]);
    const stops = Object.entries(all.tierCounts)
      .filter(([tier]) => tier !== '0')
      .map(([tier, n]) => `tier ${tier}: ${n}`)
      .join(', ');
    cost.push([
      name,
      fmtFraction(all),
      fmtUsd(all.meanUsd),
      '',
      (all.medianLatencyMs / 1000).toFixed(1),
      stops || '-',
    ]);
  }
  const allUsd = pooled.all?.meanUsd ?? 0;
  for (const row of cost) {
    const key = strategies[cost.indexOf(row)][0];
    row[3] = `${((100 * (pooled[key]?.meanUsd ?? 0)) / Math.max(1e-12, allUsd)).toFixed(0)} %`;
  }
  const all = pooled.all;
  /** The two targets for one cascade row: within 0.02 of all's fraction, at most 40 % of its cost. */
  const targetsOf = (key: string, rule: string): ReturnType<typeof target>[] => {
    const c = pooled[key] ?? pooled.cascade;
    const gap = (all?.fraction ?? 0) - (c?.fraction ?? 0);
    const share = (c?.meanUsd ?? 0) / Math.max(1e-12, allUsd);
    return [
      target(
        `held-out, ${rule}: cascade's fraction of oracle below all's`,
        round4(gap),
        '≤ 0.02',
        gap <= 0.02,
      ),
      target(`held-out, ${rule}: cascade's cost vs all's`, round4(share), '≤ 0.40', share <= 0.4),
    ];
  };
  figures.threshold = threshold > 1 ? null : threshold;
  figures.costThreshold = costThreshold ?? null;
  figures.heldOutAsks = heldOut.length;
  figures.tuningAsks = tuning.length;
  figures.sandboxWallS = wallS;
  const tables: Record<string, ResultTable> = {
    quality: {
      columns: ['strategy (held-out half)', ...groups.map(([g]) => `${g}: right/oracle`), 'all four'],
      rows: quality,
    },
    cost: {
      columns: [
        'strategy (held-out half, all four sets)',
        'fraction of oracle',
        'mean cost per ask',
        'vs `all`',
        'median latency, s (modelled)',
        'asks ended at',
      ],
      rows: cost,
    },
    threshold: {
      columns: ['cascade threshold (tuning half)', 'right/oracle', 'cost vs `all`'],
      rows: grid,
    },
  };
  await emitResults({
    name: 'cascade',
    figures,
    targets: [
      ...targetsOf('cascade', 'quality rule'),
      ...(pooled.cascadeCost ? targetsOf('cascadeCost', 'cost rule') : []),
    ],
    notes: {
      split: 'tuning = task number mod 4 == 0, held-out = mod 4 == 2',
      budgetUsd: BUDGET_USD,
      source: replay ? 'replayed dump' : 'Docker sandbox',
    },
    tables,
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
